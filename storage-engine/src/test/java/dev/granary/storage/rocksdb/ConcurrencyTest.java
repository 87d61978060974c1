package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectMeta;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Concurrent writers end in a consistent store: every surviving object whole, no data leaked or lost. */
class ConcurrencyTest extends StoreTestSupport {
    private static final int THREADS = 8;
    private static final int ROUNDS = 25;

    @Test
    void concurrentOverwritesAndDeletesOfSharedAndOwnKeysStayConsistent() throws Exception {
        Set<String> writtenEtags = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        // Sizes cycle through inline, one chunk and several chunks.
                        int size = new int[] {10, CHUNK - 1, 3 * CHUNK + 7}[(thread + round) % 3];
                        byte[] data = random(size, thread * 1000L + round);
                        writtenEtags.add(put("shared", data).etag());
                        put("own-" + thread, data);
                        if (round % 5 == 3) {
                            store.deleteObject(key("own-" + thread));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        ObjectMeta shared = store.headObject(key("shared"));
        assertThat(writtenEtags).contains(shared.etag());
        assertThat(md5Hex(get("shared"))).isEqualTo(shared.etag());
        List<ObjectMeta> live =
                store.listObjects(BUCKET, new ListQuery("", null, "", 100)).objects();
        assertThat(live).hasSize(THREADS + 1);
        long liveChunks = 0;
        for (ObjectMeta meta : live) {
            assertThat(md5Hex(get(meta.key().key()))).isEqualTo(meta.etag());
            liveChunks += meta.size() > INLINE ? chunks(meta.size()) : 0;
        }
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(liveChunks);
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }
}
