package dev.granary.storage.rocksdb;

import dev.granary.storage.DiskReserve;

/**
 * Settings of a {@link RocksObjectStore}.
 *
 * @param partitions number of partitions (RocksDB instances); fixed when the data directory is created
 * @param syncWrites whether a commit waits for the WAL fsync; false only for benchmarks, since an
 *     acknowledged write may then be lost in a crash
 * @param inlineThreshold objects up to this many bytes (and at most one chunk) are stored inside their metadata
 *     record rather than as chunks (0 to 64 KiB)
 * @param chunkSize bytes per data chunk (1 KiB to 64 MiB); may change between opens, stored data keeps its own
 * @param fileThreshold bodies of at least this many bytes, when their length is known up front, are written to a
 *     data file of their own (once, one fsync) rather than to RocksDB (WAL, then blob file); at least 1
 * @param diskReserve the free space writes may not use on the data folder's filesystem (see {@link DiskReserve})
 */
public record EngineOptions(
        int partitions,
        boolean syncWrites,
        int inlineThreshold,
        int chunkSize,
        long fileThreshold,
        DiskReserve diskReserve) {
    /** Bodies from 1 MiB up: below it the WAL's group commit is cheaper than a file and its fsync per body. */
    public static final long DEFAULT_FILE_THRESHOLD = 1L << 20;

    private static final int MAX_INLINE = 64 << 10;
    private static final int MIN_CHUNK = 1 << 10;
    private static final int MAX_CHUNK = 64 << 20;

    /** Checks the values, naming the one that is wrong. */
    public EngineOptions {
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException("partitions must be 1 to 1024, not " + partitions);
        }
        if (inlineThreshold < 0 || inlineThreshold > MAX_INLINE) {
            throw new IllegalArgumentException(
                    "inlineThreshold must be 0 to " + MAX_INLINE + ", not " + inlineThreshold);
        }
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK) {
            throw new IllegalArgumentException(
                    "chunkSize must be " + MIN_CHUNK + " to " + MAX_CHUNK + ", not " + chunkSize);
        }
        if (fileThreshold < 1) {
            throw new IllegalArgumentException("fileThreshold must be at least 1, not " + fileThreshold);
        }
        if (diskReserve == null) {
            throw new IllegalArgumentException("diskReserve must be given (DiskReserve.NONE for none)");
        }
    }

    /** Options with the default disk reserve. */
    public EngineOptions(int partitions, boolean syncWrites, int inlineThreshold, int chunkSize, long fileThreshold) {
        this(partitions, syncWrites, inlineThreshold, chunkSize, fileThreshold, DiskReserve.DEFAULT);
    }

    /** Options with the default file threshold and disk reserve. */
    public EngineOptions(int partitions, boolean syncWrites, int inlineThreshold, int chunkSize) {
        this(partitions, syncWrites, inlineThreshold, chunkSize, DEFAULT_FILE_THRESHOLD);
    }

    /**
     * 8 partitions, synced writes, objects up to 4 KiB inline, 1 MiB chunks, bodies from 1 MiB in files, the default
     * disk reserve.
     */
    public static EngineOptions defaults() {
        return new EngineOptions(8, true, 4 << 10, 1 << 20);
    }

    /** A copy with another partition count. */
    public EngineOptions withPartitions(int newPartitions) {
        return new EngineOptions(newPartitions, syncWrites, inlineThreshold, chunkSize, fileThreshold, diskReserve);
    }

    /** A copy with synced writes on or off. */
    public EngineOptions withSyncWrites(boolean newSyncWrites) {
        return new EngineOptions(partitions, newSyncWrites, inlineThreshold, chunkSize, fileThreshold, diskReserve);
    }

    /** A copy with another file threshold. */
    public EngineOptions withFileThreshold(long newFileThreshold) {
        return new EngineOptions(partitions, syncWrites, inlineThreshold, chunkSize, newFileThreshold, diskReserve);
    }

    /** A copy with another disk reserve. */
    public EngineOptions withDiskReserve(DiskReserve newDiskReserve) {
        return new EngineOptions(partitions, syncWrites, inlineThreshold, chunkSize, fileThreshold, newDiskReserve);
    }
}
