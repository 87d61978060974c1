package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.IdSource;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Deletes conditional on the version they act on ({@link WriteCondition#sameVersion}), as a lifecycle expiration
 * uses them: the version read earlier goes, a version that replaced it meanwhile stays. The SPI-only cases are
 * {@link dev.granary.storage.contract.ConditionalWritesContract}; this is the engine's side.
 */
class ConditionalDeleteTest extends StoreTestSupport {
    private static final byte[] SAME = {'s', 'a', 'm', 'e'};

    /** Commits {@code record} as the key's current version the way a PUT does, with the time it carries. */
    private void commitAsPut(String key, ObjectRecord record) {
        ObjectKey objectKey = key(key);
        Partition p = store.partitionsForTest().forObject(objectKey);
        Versioning state = store.getBucket(BUCKET).versioning();
        IdSource ids = IdSource.system();
        Versions.Change change = Versions.put(p, objectKey, state, record, ids.micros(), ids.versionSuffix());
        p.commit("test put", change.writes()::addTo);
    }

    @Test
    void twoPutsOfTheSameBytesInOneMillisecondAreToldApart() {
        long millis = System.currentTimeMillis();
        ObjectRecord put =
                new ObjectRecord(SAME.length, md5Hex(SAME), millis, ObjectAttributes.empty(), false, SAME, List.of());
        commitAsPut("k", put);
        ObjectMeta seen = store.headObject(key("k"));
        commitAsPut("k", put); // a second PUT, same bytes, same millisecond by the clock

        ObjectMeta replacing = store.headObject(key("k"));
        assertThat(replacing.lastModified()).isAfter(seen.lastModified());
        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(seen)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(store.headObject(key("k"))).isEqualTo(replacing);
    }
}
