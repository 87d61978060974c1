package dev.granary.storage.rocksdb;

import java.nio.charset.StandardCharsets;

/** The column families of a partition; {@link Keys} documents each one's keys. */
enum Cf {
    /** Current object versions by {@code bucket 0x00 key}. */
    META("meta"),
    /** Object bytes in chunks, in BlobDB blob files. */
    DATA("data"),
    /** Multipart uploads in progress. */
    UPLOADS("uploads"),
    /** Parts of the uploads in progress. */
    PARTS("parts"),
    /** Bucket records of the buckets this partition is home to. */
    BUCKETS("buckets"),
    /** Data ids whose chunks the reclaimer deletes. */
    GC("gc"),
    /** Data ids being written by an upload that has not committed yet. */
    PENDING("pending"),
    /**
     * Per-bucket usage counters of this partition's objects and parts (8-byte little-endian, summed by RocksDB's
     * {@code uint64add} merge operator), updated in the WriteBatch of the commit they account for.
     */
    STATS("stats"),
    /**
     * The server's own small records (metering rows) in partition 0; in every partition, the layout of its keys
     * ({@link KeyFormat}).
     */
    SYSTEM("system"),
    /**
     * Per-bucket configuration documents (cors, policy, lifecycle...) by {@code bucket 0x00 name}, in the bucket's
     * home partition beside its record. Last, so the column families of existing data folders keep their order.
     */
    BUCKET_CONFIG("bucket_config"),
    VERSIONS("versions"),
    /**
     * Per-bucket views ({@link BucketView}) by bucket name, in every partition: what the partition's commands know
     * of each bucket. Last, so the column families of existing data folders keep their order; RocksDB creates it
     * when an older folder is opened, and {@link BucketView#repair} fills it.
     */
    BUCKET_VIEW("bucket_view");

    private final String name;

    Cf(String name) {
        this.name = name;
    }

    /** The column family of this name ({@link #toString}). */
    static Cf named(String name) {
        for (Cf cf : values()) {
            if (cf.name.equals(name)) {
                return cf;
            }
        }
        throw new IllegalArgumentException("no column family " + name);
    }

    byte[] nameBytes() {
        return name.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return name;
    }
}
