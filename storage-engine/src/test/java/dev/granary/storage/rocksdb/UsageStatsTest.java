package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.BucketUsage;
import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.PartMeta;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Per-bucket usage counters: exact through every change, rebuilt by the consistency check, kept on reopen. */
class UsageStatsTest extends StoreTestSupport {

    private PartMeta part(String key, String uploadId, int number, byte[] data) throws Exception {
        return store.uploadPart(
                key(key), uploadId, number, new ByteArrayInputStream(data), data.length, null, Map.of());
    }

    private void assertUsage(long bytes, long objects, long partBytes, long parts) {
        assertThat(store.usage(BUCKET)).isEqualTo(new BucketUsage(BUCKET, OWNER, bytes, objects, partBytes, parts));
    }

    @Test
    void countersFollowPutsOverwritesDeletesAndMultipart() throws Exception {
        assertUsage(0, 0, 0, 0);
        put("a", random(100, 1)); // inline
        put("b", random(3 * CHUNK + 7, 2)); // chunked
        assertUsage(100 + 3 * CHUNK + 7, 2, 0, 0);
        put("a", random(40, 3)); // overwrite
        assertUsage(40 + 3 * CHUNK + 7, 2, 0, 0);
        store.deleteObject(key("b"));
        store.deleteObject(key("missing"));
        assertUsage(40, 1, 0, 0);

        String id =
                store.createUpload(key("m"), OWNER, ObjectAttributes.empty()).uploadId();
        PartMeta p1 = part("m", id, 1, random(2 * CHUNK, 4));
        part("m", id, 2, random(5, 5));
        PartMeta p2 = part("m", id, 2, random(9, 6)); // replaces part 2
        part("m", id, 3, random(11, 7)); // not listed on completion
        assertUsage(40, 1, 2 * CHUNK + 9 + 11, 3);
        store.completeUpload(
                key("m"),
                id,
                List.of(new CompletedPart(1, p1.etag()), new CompletedPart(2, p2.etag())),
                0,
                new TreeMap<>(),
                null);
        assertUsage(40 + 2 * CHUNK + 9, 2, 0, 0);

        String aborted =
                store.createUpload(key("x"), OWNER, ObjectAttributes.empty()).uploadId();
        part("x", aborted, 1, random(33, 8));
        assertUsage(40 + 2 * CHUNK + 9, 2, 33, 1);
        store.abortUpload(key("x"), aborted);
        assertUsage(40 + 2 * CHUNK + 9, 2, 0, 0);

        reopen();
        assertUsage(40 + 2 * CHUNK + 9, 2, 0, 0);
        assertThat(store.usage()).extracting(BucketUsage::bucket).containsExactly(BUCKET);
    }

    @Test
    void rebuildCorrectsCountersThatDriftedAndAgreesWithTheObjects() throws Exception {
        put("a", random(1000, 1));
        put("b", random(2000, 2));
        Partition p = store.partitionsForTest().forObject(key("a"));
        p.commit("drift", batch -> Stats.add(batch, p, BUCKET, Stats.BYTES, 12345)); // simulate a bug
        assertThat(store.usage(BUCKET).bytes()).isEqualTo(3000 + 12345);
        assertThat(store.rebuildUsage(BUCKET)).isEqualTo(new BucketUsage(BUCKET, OWNER, 3000, 2, 0, 0));
        assertUsage(3000, 2, 0, 0);
        assertThatThrownBy(() -> store.usage("nope"))
                .is(reason(dev.granary.storage.StorageException.Reason.NO_SUCH_BUCKET));
    }

    @Test
    void engineStatsNameThePartitionsAndRocksDbSizes() throws Exception {
        put("a", random(3 * CHUNK, 1));
        Map<String, Long> stats = store.engineStats();
        assertThat(stats)
                .containsEntry("partitions", 4L)
                .containsKeys(
                        "rocksdb.total-sst-files-size",
                        "rocksdb.total-blob-file-size",
                        "rocksdb.estimate-pending-compaction-bytes");
    }

    @Test
    void systemRecordsAreDurableAndScannedInOrder() {
        store.system()
                .apply(new TreeMap<>(Map.of("m/2", new byte[] {2}, "m/1", new byte[] {1}, "n/1", new byte[] {3})));
        reopen();
        List<String> keys = new java.util.ArrayList<>();
        store.system().scan("m/", "m0", (k, v) -> keys.add(k));
        assertThat(keys).containsExactly("m/1", "m/2");
        java.util.Map<String, byte[]> delete = new java.util.HashMap<>();
        delete.put("m/1", null);
        store.system().apply(delete);
        keys.clear();
        store.system().scan("m/", "m0", (k, v) -> keys.add(k));
        assertThat(keys).containsExactly("m/2");
    }
}
