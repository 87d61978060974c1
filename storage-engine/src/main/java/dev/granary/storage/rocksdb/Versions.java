package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.Versioning;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * An object's versions and what each write does to them, by the bucket's versioning state.
 *
 * <p>CF {@code meta} holds the current version of every key that has one (so that ListObjects, GET and HEAD stay
 * one read); in a bucket that was ever versioned, CF {@code versions} also holds every version and delete marker,
 * newest first, and the {@code meta} record is a copy of the newest version unless that is a delete marker. An
 * object from before versioning was enabled has no entry in {@code versions} until a write to its key (or the
 * migration that enabling versioning starts) moves it there as the null version.
 *
 * <p>The methods that plan a write read under the key's lock held by the caller and return the {@link Change},
 * whose {@link Change#writes} the caller commits in one batch.
 */
final class Versions {
    /** The suffix passed where no version id is made (a bucket that was never versioned). */
    private static final String UNUSED_SUFFIX = "0".repeat(16);

    private Versions() {}

    /** The writes of a change, added to the caller's batch. */
    @FunctionalInterface
    interface Writes {
        void addTo(WriteBatch batch) throws RocksDBException;
    }

    /**
     * A planned write.
     *
     * @param result the version or delete marker written, or the version removed
     * @param leavesGarbage whether it queues data for reclamation
     * @param writes its writes
     */
    record Change(ObjectRecord result, boolean leavesGarbage, Writes writes) {}

    /** The current version, or null. */
    static ObjectRecord read(Partition p, ObjectKey key) {
        byte[] value = p.get(Cf.META, Keys.objectKey(key.bucket(), key.key()), "read " + key);
        return value == null ? null : ObjectRecord.decode(value, "object " + key);
    }

    // ---- reads ----

    /**
     * The version {@code versionId} of the object ({@code null} the string for the null version; null for the
     * current version), read with {@code options}.
     *
     * @throws StorageException {@code NO_SUCH_KEY}, {@code NO_SUCH_VERSION}, {@code INVALID_VERSION_ID},
     *     {@code DELETE_MARKER}
     */
    static ObjectRecord find(Partition p, ReadOptions options, ObjectKey key, Versioning state, String versionId) {
        byte[] metaKey = Keys.objectKey(key.bucket(), key.key());
        if (versionId == null) {
            byte[] value = p.get(Cf.META, options, metaKey, "read " + key);
            if (value != null) {
                return ObjectRecord.decode(value, "object " + key);
            }
            ObjectRecord newest = state == Versioning.UNVERSIONED
                    ? null
                    : History.load(p, options, key, 1).newest();
            if (newest != null && newest.deleteMarker()) {
                throw new StorageException(newest.toMeta(key), "the current version of " + key + " is a delete marker");
            }
            throw new StorageException(Reason.NO_SUCH_KEY, "no object " + key);
        }
        ObjectRecord found;
        if (versionId.equals(ObjectMeta.NULL_VERSION)) {
            found = History.load(p, options, key).nullVersion();
        } else {
            VersionIds.check(versionId);
            byte[] value =
                    p.get(Cf.VERSIONS, options, Keys.versionKey(key.bucket(), key.key(), versionId), "read " + key);
            found = value == null ? null : ObjectRecord.decode(value, "version " + versionId + " of " + key);
        }
        if (found == null) {
            throw new StorageException(Reason.NO_SUCH_VERSION, "no version " + versionId + " of " + key);
        }
        if (found.deleteMarker()) {
            throw new StorageException(
                    found.toMeta(key), "version " + versionId + " of " + key + " is a delete marker");
        }
        return found;
    }

    /**
     * The version a delete of {@code versionId} acts on, read under the key's lock: the current version when
     * {@code versionId} is null (null when a delete marker is current), else that version, a delete marker included;
     * null when there is none.
     *
     * @throws StorageException {@code INVALID_VERSION_ID}
     */
    static ObjectRecord target(Partition p, ObjectKey key, Versioning state, String versionId) {
        if (versionId == null) {
            return read(p, key);
        }
        boolean isNull = versionId.equals(ObjectMeta.NULL_VERSION);
        if (!isNull) {
            VersionIds.check(versionId);
        }
        if (state == Versioning.UNVERSIONED) {
            return isNull ? read(p, key) : null;
        }
        History history = History.load(p, null, key);
        return isNull ? history.nullVersion() : history.byId(versionId);
    }

    // ---- writes ----

    /**
     * Makes {@code next} the current version of the object; a new version id is made of {@code proposedMicros}
     * and {@code suffix} ({@link VersionIds#next}).
     */
    static Change put(
            Partition p, ObjectKey key, Versioning state, ObjectRecord next, long proposedMicros, String suffix) {
        if (state == Versioning.UNVERSIONED) {
            ObjectRecord current = read(p, key);
            ObjectRecord stamped = laterThan(current, next);
            return new Change(stamped, leavesGarbage(current), batch -> replace(batch, p, key, current, stamped));
        }
        // Enabled needs only the newest version's id; Suspended must find the null version among them all.
        History history = History.load(p, null, key, state == Versioning.ENABLED ? 1 : Integer.MAX_VALUE);
        ObjectRecord version = laterThan(history.newest(), next)
                .asVersion(VersionIds.next(history.newestId(), proposedMicros, suffix), state == Versioning.SUSPENDED);
        ObjectRecord replaced = state == Versioning.SUSPENDED ? history.nullVersion() : null;
        return new Change(version, leavesGarbage(replaced), batch -> {
            history.materializeLegacy(batch, p, key);
            if (replaced != null) {
                remove(batch, p, key, replaced);
            }
            add(batch, p, key, version);
            batch.put(p.cf(Cf.META), Keys.objectKey(key.bucket(), key.key()), version.encode());
        });
    }

    /**
     * Deletes the object the way its bucket's state says: the current version goes (never versioned), or a
     * delete marker becomes current (enabled; suspended replaces the null version with it).
     */
    static Change deleteCurrent(
            Partition p, ObjectKey key, Versioning state, long now, long proposedMicros, String suffix) {
        if (state == Versioning.UNVERSIONED) {
            ObjectRecord current = read(p, key);
            return new Change(
                    current,
                    leavesGarbage(current),
                    current == null ? batch -> {} : batch -> replace(batch, p, key, current, null));
        }
        boolean suspended = state == Versioning.SUSPENDED;
        History history = History.load(p, null, key, suspended ? Integer.MAX_VALUE : 1);
        ObjectRecord newest = history.newest();
        long modified = newest == null ? now : Math.max(now, newest.lastModified() + 1); // as laterThan
        ObjectRecord marker = ObjectRecord.deleteMarker(
                VersionIds.next(history.newestId(), proposedMicros, suffix), suspended, modified);
        ObjectRecord replaced = suspended ? history.nullVersion() : null;
        return new Change(marker, leavesGarbage(replaced), batch -> {
            history.materializeLegacy(batch, p, key);
            if (replaced != null) {
                remove(batch, p, key, replaced);
            }
            add(batch, p, key, marker);
            batch.delete(p.cf(Cf.META), Keys.objectKey(key.bucket(), key.key()));
        });
    }

    /**
     * Removes the version {@code versionId} for good; if it was the newest, the next newest becomes current. The
     * change's result is null when there is no such version.
     *
     * @throws StorageException {@code INVALID_VERSION_ID}
     */
    @SuppressWarnings("ReferenceEquality") // which entry of this history, not an equal record (see History)
    static Change deleteVersion(Partition p, ObjectKey key, Versioning state, String versionId) {
        boolean isNull = versionId.equals(ObjectMeta.NULL_VERSION);
        if (!isNull) {
            VersionIds.check(versionId);
        }
        if (state == Versioning.UNVERSIONED) {
            return isNull ? deleteCurrent(p, key, state, 0, 0, UNUSED_SUFFIX) : new Change(null, false, batch -> {});
        }
        History history = History.load(p, null, key);
        ObjectRecord target = isNull ? history.nullVersion() : history.byId(versionId);
        if (target == null) {
            return new Change(null, false, batch -> {});
        }
        byte[] metaKey = Keys.objectKey(key.bucket(), key.key());
        if (history.isLegacy(target)) { // an object from before versioning, alone under its key
            ObjectRecord current = read(p, key);
            return new Change(target, leavesGarbage(current), batch -> replace(batch, p, key, current, null));
        }
        ObjectRecord successor = history.newest() == target ? history.after(target) : null;
        boolean newest = history.newest() == target;
        return new Change(target, leavesGarbage(target), batch -> {
            remove(batch, p, key, target);
            if (newest) {
                if (successor == null || successor.deleteMarker()) {
                    batch.delete(p.cf(Cf.META), metaKey);
                } else {
                    batch.put(p.cf(Cf.META), metaKey, successor.encode());
                }
            }
        });
    }

    /**
     * Replaces a version's record in place (its attributes changed): in CF {@link Cf#VERSIONS versions} and, when it is the
     * current version, in CF {@code meta}.
     */
    static void rewrite(WriteBatch batch, Partition p, ObjectKey key, ObjectRecord version, boolean current)
            throws RocksDBException {
        byte[] encoded = version.encode();
        if (version.versionId() != null) {
            batch.put(p.cf(Cf.VERSIONS), Keys.versionKey(key.bucket(), key.key(), version.versionId()), encoded);
        }
        if (current) {
            batch.put(p.cf(Cf.META), Keys.objectKey(key.bucket(), key.key()), encoded);
        }
    }

    /**
     * Moves an object from before versioning into CF {@code versions} as its key's null version, if it is still
     * one; run under the key's lock. Returns whether it moved one.
     */
    static boolean migrate(Partition p, ObjectKey key) {
        ObjectRecord current = read(p, key);
        if (current == null || current.versionId() != null) {
            return false;
        }
        ObjectRecord version = current.asVersion(VersionIds.forLegacy(key, current.lastModified()), true);
        p.commit("keep " + key + " as its null version", batch -> {
            batch.put(
                    p.cf(Cf.VERSIONS), Keys.versionKey(key.bucket(), key.key(), version.versionId()), version.encode());
            batch.put(p.cf(Cf.META), Keys.objectKey(key.bucket(), key.key()), version.encode());
        });
        return true;
    }

    /**
     * Adds to {@code batch}: {@code next} becomes the current version ({@code next} null deletes it) of an object
     * of a bucket that was never versioned, and the data of {@code old}, the version read under the key's lock,
     * is queued for reclamation; the bucket's usage counters change by the difference.
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

    /**
     * {@code next}, modified later than {@code newest} (the key's newest version, or null): a key's versions get
     * strictly increasing modification times, also for two writes within one millisecond or after the clock stepped
     * back, so that a version's ETag and time tell it from one that replaced it (an unversioned bucket has no
     * version ids to do that; see {@link dev.granary.storage.WriteCondition#sameVersion}).
     */
    private static ObjectRecord laterThan(ObjectRecord newest, ObjectRecord next) {
        if (newest == null || next.lastModified() > newest.lastModified()) {
            return next;
        }
        return next.withAttributes(next.attributes(), newest.lastModified() + 1);
    }

    /** Whether removing {@code old} queues data for reclamation. */
    static boolean leavesGarbage(ObjectRecord old) {
        return old != null && !old.segments().isEmpty();
    }

    /** Adds a version: every version but a delete marker counts in the bucket's usage. */
    private static void add(WriteBatch batch, Partition p, ObjectKey key, ObjectRecord version)
            throws RocksDBException {
        batch.put(p.cf(Cf.VERSIONS), Keys.versionKey(key.bucket(), key.key(), version.versionId()), version.encode());
        if (!version.deleteMarker()) {
            Stats.objectReplaced(batch, p, key.bucket(), null, version);
        }
    }

    /** Removes a version for good: its entry, its usage, its data. */
    private static void remove(WriteBatch batch, Partition p, ObjectKey key, ObjectRecord version)
            throws RocksDBException {
        batch.delete(p.cf(Cf.VERSIONS), Keys.versionKey(key.bucket(), key.key(), version.versionId()));
        if (!version.deleteMarker()) {
            Stats.objectReplaced(batch, p, key.bucket(), version, null);
        }
        for (Segment segment : version.segments()) {
            Chunks.enqueueGc(batch, p, segment);
        }
    }

    /**
     * Every version of one key, newest first, with an object from before versioning (in CF {@code meta} only)
     * shown as the null version it becomes.
     */
    // Versions are compared by identity: the question is which entry of this list (or the legacy object) a record
    // is, and two entries of one key may hold equal values.
    @SuppressWarnings("ReferenceEquality")
    static final class History {
        private final List<ObjectRecord> versions;
        private final ObjectRecord legacy;

        private History(List<ObjectRecord> versions, ObjectRecord legacy) {
            this.versions = versions;
            this.legacy = legacy;
        }

        static History load(Partition p, ReadOptions options, ObjectKey key) {
            return load(p, options, key, Integer.MAX_VALUE);
        }

        /**
         * The newest {@code limit} versions only: a write to a versioning-enabled bucket needs just the newest
         * (its id orders the new one), so a key with a long history costs one seek, not a scan.
         */
        static History load(Partition p, ReadOptions options, ObjectKey key, int limit) {
            byte[] prefix = Keys.versionPrefix(key.bucket(), key.key());
            List<ObjectRecord> versions = new ArrayList<>();
            try (ReadOptions own = options == null ? new ReadOptions() : null;
                    Partition.Cursor it = p.iterator(Cf.VERSIONS, options == null ? own : options)) {
                for (it.seek(prefix);
                        it.isValid() && Keys.startsWith(it.key(), prefix) && versions.size() < limit;
                        it.next()) {
                    if (Keys.isVersionOf(it.key(), prefix)) {
                        versions.add(ObjectRecord.decode(it.value(), "a version of " + key));
                    }
                }
                it.check("read versions of " + key);
            }
            ObjectRecord legacy = null;
            if (versions.isEmpty()) {
                byte[] value = options == null
                        ? p.get(Cf.META, Keys.objectKey(key.bucket(), key.key()), "read " + key)
                        : p.get(Cf.META, options, Keys.objectKey(key.bucket(), key.key()), "read " + key);
                ObjectRecord current = value == null ? null : ObjectRecord.decode(value, "object " + key);
                if (current != null && current.versionId() == null) {
                    legacy = current.asVersion(VersionIds.forLegacy(key, current.lastModified()), true);
                    versions.add(legacy);
                }
            }
            return new History(versions, legacy);
        }

        ObjectRecord newest() {
            return versions.isEmpty() ? null : versions.get(0);
        }

        String newestId() {
            return versions.isEmpty() ? null : versions.get(0).versionId();
        }

        ObjectRecord nullVersion() {
            for (ObjectRecord v : versions) {
                if (v.nullVersion()) {
                    return v == legacy ? legacy.asVersion(null, false) : v;
                }
            }
            return null;
        }

        ObjectRecord byId(String id) {
            for (ObjectRecord v : versions) {
                if (v != legacy && id.equals(v.versionId())) {
                    return v;
                }
            }
            return null;
        }

        /** The version after {@code version} (the next older one), or null. */
        ObjectRecord after(ObjectRecord version) {
            for (int i = 0; i + 1 < versions.size(); i++) {
                if (versions.get(i) == version) {
                    return versions.get(i + 1);
                }
            }
            return null;
        }

        /** Whether {@code version} is the object from before versioning, not yet in CF {@link Cf#VERSIONS versions}. */
        boolean isLegacy(ObjectRecord version) {
            return version != null && version == legacy;
        }

        /** Writes the object from before versioning into CF {@code versions}, if there is one. */
        void materializeLegacy(WriteBatch batch, Partition p, ObjectKey key) throws RocksDBException {
            if (legacy != null) {
                batch.put(
                        p.cf(Cf.VERSIONS),
                        Keys.versionKey(key.bucket(), key.key(), legacy.versionId()),
                        legacy.encode());
            }
        }
    }
}
