package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectKey;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** Reading and replacing the current version of an object (CF {@code meta}). */
final class Versions {
    private Versions() {}

    /** The current version, or null. */
    static ObjectRecord read(Partition p, ObjectKey key) {
        byte[] value = p.get(Cf.META, Keys.objectKey(key.bucket(), key.key()), "read " + key);
        return value == null ? null : ObjectRecord.decode(value, "object " + key);
    }

    /**
     * Adds to {@code batch}: {@code next} becomes the current version ({@code next} null deletes it), and the
     * data of {@code old}, the version read under the key's lock, is queued for reclamation; the bucket's usage
     * counters change by the difference.
     */
    static void replace(WriteBatch batch, Partition p, ObjectKey key, ObjectRecord old, ObjectRecord next)
            throws RocksDBException {
        byte[] metaKey = Keys.objectKey(key.bucket(), key.key());
        if (next == null) {
            batch.delete(p.cf(Cf.META), metaKey);
        } else {
            batch.put(p.cf(Cf.META), metaKey, next.encode());
        }
        Stats.objectReplaced(batch, p, key.bucket(), old, next);
        if (old != null) {
            for (Segment segment : old.segments()) {
                Chunks.enqueueGc(batch, p, segment);
            }
        }
    }

    /** Whether replacing {@code old} queues data for reclamation. */
    static boolean leavesGarbage(ObjectRecord old) {
        return old != null && !old.segments().isEmpty();
    }
}
