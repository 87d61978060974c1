package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectKey;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serializes the read-modify-commit of one key (read the current version, commit the new one and queue the
 * old one's data for reclamation), so concurrent overwrites and deletes of a key never both queue, or both
 * miss, the same old data. Striped: keys share 256 locks by hash. Held only around a commit, never while a
 * body streams.
 */
final class KeyLocks {
    private static final int STRIPES = 256;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final Buckets buckets;

    KeyLocks(Buckets buckets) {
        this.buckets = buckets;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Runs {@code action} while the key's bucket exists (it cannot be deleted meanwhile) and no other action
     * on a key of the same stripe runs.
     *
     * @throws dev.granary.storage.StorageException {@code NO_SUCH_BUCKET}
     */
    <T> T withKey(ObjectKey key, Supplier<T> action) {
        return buckets.whileExists(key.bucket(), () -> {
            ReentrantLock lock = stripes[Keys.objectHash(key.bucket(), key.key()) % STRIPES];
            lock.lock();
            try {
                return action.get();
            } finally {
                lock.unlock();
            }
        });
    }
}
