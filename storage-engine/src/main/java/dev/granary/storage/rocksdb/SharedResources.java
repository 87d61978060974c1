package dev.granary.storage.rocksdb;

import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Env;
import org.rocksdb.LRUCache;
import org.rocksdb.Priority;

/**
 * Native objects the partitions of one store share, so that P partitions cost one block cache and one pair of
 * background thread pools rather than P. Closed after every partition.
 */
final class SharedResources implements AutoCloseable {
    /** Block cache for the metadata column families; object bytes live in blob files and bypass it. */
    private static final long BLOCK_CACHE_BYTES = 64L << 20;

    final Cache blockCache;
    final BloomFilter bloomFilter;
    final Env env;

    SharedResources() {
        this.blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        this.bloomFilter = new BloomFilter(10, false);
        // The default Env's thread pools are process-wide: every partition's flushes and compactions share
        // them, so the machine's cores bound the background work rather than the partition count.
        this.env = Env.getDefault();
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        env.setBackgroundThreads(threads, Priority.LOW);
        env.setBackgroundThreads(1, Priority.HIGH);
    }

    @Override
    public void close() {
        bloomFilter.close();
        blockCache.close();
    }
}
