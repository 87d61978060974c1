package dev.granary.storage;

import java.util.List;
import java.util.Map;

/**
 * Storage figures an engine keeps for metering: exact per-bucket usage and engine-level numbers for monitoring.
 * Implemented by stores that count usage in the same atomic commit as each object change.
 */
public interface StorageUsage {
    /** The bucket's usage. @throws StorageException {@code NO_SUCH_BUCKET} */
    BucketUsage usage(String bucket);

    /** The usage of every bucket, by name. */
    List<BucketUsage> usage();

    /**
     * The consistency check: recounts the bucket's objects and parts by scanning the engine, corrects the kept
     * counters if they disagree, and returns the recounted usage. Safe while writes go on.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     */
    BucketUsage rebuildUsage(String bucket);

    /**
     * Engine figures for monitoring, by name: {@code partitions} and RocksDB properties summed over partitions
     * ({@code rocksdb.total-sst-files-size}, {@code rocksdb.total-blob-file-size},
     * {@code rocksdb.estimate-pending-compaction-bytes}, {@code rocksdb.estimate-num-keys}...), and the
     * figures of {@link #disk()} as {@code disk.free-bytes}, {@code disk.total-bytes}, {@code disk.reserve-bytes},
     * {@code disk.accepting-writes} (1 or 0), {@code disk.stopped-partitions} and {@code disk.writes-refused}.
     */
    Map<String, Long> engineStats();

    /** The disk the store writes to: free space, the reserve, whether writes are taken. Cheap: no I/O. */
    DiskStatus disk();
}
