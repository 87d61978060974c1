package dev.granary.metering;

import java.util.List;
import java.util.Map;

/** What metering reads from the storage engine: usage per bucket and engine figures. */
public interface StorageSource {
    /** The current usage of every bucket. */
    List<BucketStorage> buckets();

    /** Recounts one bucket from the engine (the consistency check) and returns the result. */
    BucketStorage rebuild(String bucket);

    /** Engine figures by name, e.g. {@code partitions}, {@code rocksdb.total-sst-files-size}. */
    Map<String, Long> engineStats();

    /**
     * Usage of one bucket.
     *
     * @param bucket its name
     * @param account its owner
     * @param bytes bytes of current objects
     * @param objects current objects
     * @param partBytes bytes of parts of multipart uploads in progress
     * @param parts parts of uploads in progress
     */
    record BucketStorage(String bucket, String account, long bytes, long objects, long partBytes, long parts) {}
}
