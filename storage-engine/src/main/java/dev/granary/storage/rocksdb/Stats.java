package dev.granary.storage.rocksdb;

import dev.granary.storage.command.Command;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;

/**
 * Per-bucket usage counters (CF {@code stats}): {@code bucket 0x00 counter} to an 8-byte little-endian value
 * that RocksDB's {@code uint64add} merge operator sums. A commit adds its deltas (two's complement for
 * decrements) in its own WriteBatch, so the counters change atomically with what they count and concurrent
 * commits never read-modify-write them. Each partition counts its own objects; a bucket's usage is the sum over
 * partitions.
 */
final class Stats {
    /** The counters, in the order {@link #read} returns them. */
    static final byte[] COUNTERS = {'b', 'o', 'p', 'n'};

    static final int BYTES = 0;
    static final int OBJECTS = 1;
    static final int PART_BYTES = 2;
    static final int PARTS = 3;

    private Stats() {}

    static byte[] key(String bucket, int counter) {
        return Keys.concat(Keys.bucketPrefix(bucket), new byte[] {COUNTERS[counter]});
    }

    /** Adds to {@code batch} the change of the bucket's object counters when {@code old} becomes {@code next}. */
    static void objectReplaced(WriteBatch batch, Partition p, String bucket, ObjectRecord old, ObjectRecord next)
            throws RocksDBException {
        long bytes = (next == null ? 0 : next.size()) - (old == null ? 0 : old.size());
        long objects = (next == null ? 0L : 1L) - (old == null ? 0L : 1L);
        add(batch, p, bucket, BYTES, bytes);
        add(batch, p, bucket, OBJECTS, objects);
    }

    /** Adds to {@code batch} a change of the bucket's counters of parts in progress. */
    static void parts(WriteBatch batch, Partition p, String bucket, long bytes, long parts) throws RocksDBException {
        add(batch, p, bucket, PART_BYTES, bytes);
        add(batch, p, bucket, PARTS, parts);
    }

    static void add(WriteBatch batch, Partition p, String bucket, int counter, long delta) throws RocksDBException {
        if (delta != 0) {
            batch.merge(p.cf(Cf.STATS), key(bucket, counter), encode(delta));
        }
    }

    static byte[] encode(long value) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .array();
    }

    static long decode(byte[] value) {
        return value == null || value.length != 8
                ? 0
                : ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** The partition's counters of the bucket: bytes, objects, part bytes, parts. */
    static long[] read(Partition p, ReadOptions options, String bucket) {
        long[] values = new long[COUNTERS.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = decode(p.get(Cf.STATS, options, key(bucket, i), "read usage of " + bucket));
        }
        return values;
    }

    /**
     * Recounts the bucket's objects and parts in the partition at one snapshot, compares with the counters at
     * the same snapshot, and merges the difference: commits after the snapshot carry their own deltas, so the
     * correction is exact while writes go on. Returns the recounted values.
     */
    static long[] rebuild(Partition p, String bucket) {
        Snapshot snapshot = p.snapshot();
        try (ReadOptions options = new ReadOptions().setSnapshot(snapshot)) {
            long[] counted = count(p, options, bucket);
            long[] kept = read(p, options, bucket);
            List<Long> deltas = new ArrayList<>(counted.length);
            for (int i = 0; i < counted.length; i++) {
                deltas.add(counted[i] - kept[i]);
            }
            p.propose(new Command.CorrectUsage(bucket, deltas));
            return counted;
        } finally {
            p.release(snapshot);
        }
    }

    private static long[] count(Partition p, ReadOptions options, String bucket) {
        long[] values = new long[COUNTERS.length];
        byte[] prefix = Keys.bucketPrefix(bucket);
        // Every version counts, delete markers excepted: a current version that belongs to a version history is
        // counted there, an object of a bucket never versioned (or from before versioning) in CF meta.
        try (Partition.Cursor it = p.iterator(Cf.META, options)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                ObjectRecord record = ObjectRecord.decode(it.value(), "object in " + bucket);
                if (record.versionId() == null) {
                    values[BYTES] += record.size();
                    values[OBJECTS]++;
                }
            }
            it.check("count objects of " + bucket);
        }
        try (Partition.Cursor it = p.iterator(Cf.VERSIONS, options)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                ObjectRecord record = ObjectRecord.decode(it.value(), "version in " + bucket);
                if (!record.deleteMarker()) {
                    values[BYTES] += record.size();
                    values[OBJECTS]++;
                }
            }
            it.check("count versions of " + bucket);
        }
        try (Partition.Cursor it = p.iterator(Cf.PARTS, options)) {
            for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                values[PART_BYTES] += PartRecord.decode(it.value(), "part in " + bucket)
                        .segment()
                        .length();
                values[PARTS]++;
            }
            it.check("count parts of " + bucket);
        }
        return values;
    }
}
