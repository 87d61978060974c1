package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A real network partition: three node processes in network namespaces of their own, and one of them cut off from the
 * other two (blackhole routes both ways; clients still reach it). The cut-off node stops acknowledging: writes and reads
 * through it fail with 503 ServiceUnavailable (in bounded time, not hanging), while the majority goes on taking writes;
 * after the links heal, the cut-off node serves everything written meanwhile and every partition's replicas have equal
 * digests at the same applied index. Needs root (network namespaces); CI runs as root and requires it.
 */
class NetworkPartitionIT {
    @TempDir
    Path dir;

    @Test
    void aNodeCutOffStopsAcknowledgingTheMajorityGoesOnAndAllAgreeAfterHealing() throws Exception {
        NetnsCluster.assumeAvailable();
        NetnsCluster cluster = NetnsCluster.start(dir, "--partitions", "4", "--metering", "off");
        S3Client[] clients = {cluster.client(0), cluster.client(1), cluster.client(2)};
        try {
            clients[0].createBucket(b -> b.bucket("split"));
            Map<String, String> written = new LinkedHashMap<>();
            for (int i = 0; i < 12; i++) {
                String key = "before-" + i;
                clients[i % 3].putObject(b -> b.bucket("split").key(key), RequestBody.fromString(key));
                written.put(key, key);
            }

            int cut = 2;
            cluster.isolate(cut);
            // The minority: a write through it is refused with 503 once it cannot reach a majority, in bounded time.
            long began = System.nanoTime();
            assertThatThrownBy(() -> clients[cut].putObject(
                            b -> b.bucket("split").key("minority"), RequestBody.fromString("lost")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(503);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
                    });
            long refusedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
            assertThat(refusedAfter).isLessThan(TimeUnit.SECONDS.toMillis(40));
            assertThatThrownBy(() ->
                            clients[cut].getObjectAsBytes(b -> b.bucket("split").key("before-0")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));

            // The majority goes on (after an election for the partitions the cut-off node led).
            long majorityBegan = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                String key = "during-" + i;
                putEventually(clients[i % 2], key);
                written.put(key, key);
            }
            long majorityTook = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - majorityBegan);

            cluster.heal(cut);
            long healed = System.nanoTime();
            // Everything written is served by the node that was cut off (each read waits for its partition).
            for (Map.Entry<String, String> entry : written.entrySet()) {
                assertThat(getEventually(clients[cut], entry.getKey())).isEqualTo(entry.getValue());
            }
            long servedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - healed);
            // A write through it is acknowledged again, and no trace of the refused one: it was never committed.
            putEventually(clients[cut], "after");
            assertThat(clients[0].listObjectsV2Paginator(b -> b.bucket("split")).contents().stream()
                            .map(o -> o.key())
                            .toList())
                    .hasSize(written.size() + 1)
                    .doesNotContain("minority");
            Map<Integer, String> digests = awaitEqualDigests(cluster);
            System.out.printf(
                    "NetworkPartitionIT: the cut-off node refused a write after %d ms; the majority took 20 writes in"
                            + " %d ms; after healing it served all %d objects in %d ms; replicas agree: %s%n",
                    refusedAfter, majorityTook, written.size(), servedAfter, digests.keySet());
        } finally {
            for (S3Client client : clients) {
                client.close();
            }
            cluster.close();
        }
    }

    private static void putEventually(S3Client client, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (true) {
            try {
                client.putObject(b -> b.bucket("split").key(key), RequestBody.fromString(key));
                return;
            } catch (S3Exception e) {
                if (e.statusCode() != 503 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static String getEventually(S3Client client, String key) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return client.getObjectAsBytes(b -> b.bucket("split").key(key)).asUtf8String();
            } catch (S3Exception e) {
                if (e.statusCode() != 503 || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Waits (up to 60 s) until, for every partition, the three nodes report the same applied index and digest; returns
     * partition → digest.
     */
    private static Map<Integer, String> awaitEqualDigests(NetnsCluster cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        List<JsonNode> last = null;
        while (System.nanoTime() < deadline) {
            last = List.of(cluster.replicas(0), cluster.replicas(1), cluster.replicas(2));
            Map<Integer, String> agreed = agreed(last);
            if (agreed != null) {
                return agreed;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("replicas did not agree in 60 s: " + last);
    }

    private static Map<Integer, String> agreed(List<JsonNode> nodes) {
        Map<Integer, String> agreed = new TreeMap<>();
        List<JsonNode> first = nodes.get(0).field("partitions").get().asArray();
        for (int p = 0; p < first.size(); p++) {
            String index = first.get(p).field("appliedIndex").get().asNumber();
            String digest = first.get(p).field("digest").get().text();
            if (index.equals("-1")) {
                return null;
            }
            for (JsonNode node : nodes.subList(1, nodes.size())) {
                JsonNode replica = node.field("partitions").get().asArray().get(p);
                if (!replica.field("appliedIndex").get().asNumber().equals(index)
                        || !replica.field("digest").get().text().equals(digest)) {
                    return null;
                }
            }
            agreed.put(p, digest);
        }
        return agreed;
    }
}
