package dev.granary;

import dev.granary.auth.MasterKey;
import dev.granary.cluster.RaftNode;
import dev.granary.storage.StorageException;
import dev.granary.storage.SystemStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Every node of a cluster must hold the same master key: user secrets and SSE-S3 object keys are sealed under it by
 * whichever node wrote them, and must open on every other. The first node to check records a check value of its key
 * (an HMAC of a constant under the key: it tells keys apart and reveals nothing of them) in the cluster's system
 * records, with a write that holds only if none is there; every node afterwards compares its own with it.
 */
final class MasterKeyCheck {
    /** The system record holding the check value. */
    static final String RECORD = "cluster/master-key-check";

    private MasterKeyCheck() {}

    /**
     * Returns when the cluster's master key is {@code key} (recording its check value if no node did yet).
     *
     * @throws IllegalStateException when the cluster's master key is another
     * @throws StorageException {@code UNAVAILABLE} when the cluster cannot tell now (no majority of partition 0)
     */
    static void verify(RaftNode node, SystemStore system, MasterKey key) {
        byte[] mine = checkValue(key);
        node.catchUp(Set.of(0)); // the system records live in partition 0
        byte[] recorded = read(system);
        if (recorded == null) {
            Map<String, byte[]> absent = new TreeMap<>();
            absent.put(RECORD, null);
            if (system.apply(absent, Map.of(RECORD, mine))) {
                return;
            }
            recorded = read(system); // another node recorded its key first
        }
        if (!MessageDigest.isEqual(recorded, mine)) {
            throw new IllegalStateException("this node's master key is not the cluster's (user secrets and SSE-S3"
                    + " objects sealed by the other nodes would not open here): give every node the same"
                    + " GRANARY_MASTER_KEY, or none (then it is derived from the cluster secret)");
        }
    }

    static byte[] checkValue(MasterKey key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(key.toBase64()), "HmacSHA256"));
            return mac.doFinal("granary master key check".getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    private static byte[] read(SystemStore system) {
        byte[][] found = {null};
        system.scan(RECORD, RECORD + "\0", (k, v) -> found[0] = v);
        return found[0];
    }
}
