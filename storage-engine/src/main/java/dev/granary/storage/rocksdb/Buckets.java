package dev.granary.storage.rocksdb;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.IdSource;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.rocksdb.ReadOptions;

/**
 * Bucket records, each in CF {@code buckets} of the partition its name hashes to, with an in-memory copy of all
 * of them so the existence check every object operation makes costs no read. A read-write lock makes bucket
 * creation and deletion exclusive with object commits: a commit holds it shared while it checks the bucket and
 * writes, so no object is committed into a bucket that a concurrent delete found empty.
 */
final class Buckets {
    /** The configuration document that marks a versioning migration in progress (a name S3's never use). */
    static final String MIGRATION = "granary:versioning-migration";

    private final Partitions partitions;
    /** The clock of bucket creation times (bucket commands come in a later slice). */
    private final IdSource ids;

    private final Map<String, BucketInfo> byName = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /**
     * Configuration documents read so far, present or absent, by bucket and name: every request asks for a few
     * (CORS, encryption, access control), mostly absent, and each was a RocksDB read. Every write of the column
     * family goes through this class, which updates the entry after its commit.
     */
    private final Map<ConfigKey, Optional<byte[]>> configs = new ConcurrentHashMap<>();

    private record ConfigKey(String bucket, String name) {}

    Buckets(Partitions partitions, IdSource ids) {
        this.partitions = partitions;
        this.ids = ids;
        for (Partition p : partitions.catalog()) {
            scan(p).forEach(b -> byName.put(b.name(), b));
        }
    }

    /**
     * Brings the in-memory copies in line with small records a command wrote, wherever it was proposed: in a
     * cluster, another node's bucket changes reach this node's caches this way (its replica applied them).
     */
    void onRecords(Command.WriteRecords records) {
        for (Command.SmallRecord prefix : records.deletedPrefixes()) {
            if (prefix.table() == Command.RecordTable.BUCKET_CONFIG) {
                configs.keySet().removeIf(k -> Keys.startsWith(configKey(k.bucket(), k.name()), prefix.key()));
            }
        }
        for (Command.SmallRecord write : records.writes()) {
            if (write.table() == Command.RecordTable.BUCKETS) {
                String name = Keys.string(write.key(), 0, write.key().length);
                if (write.value() == null) {
                    byName.remove(name);
                    configs.keySet().removeIf(k -> k.bucket().equals(name));
                } else {
                    byName.put(name, decode(name, write.value()));
                }
            } else if (write.table() == Command.RecordTable.BUCKET_CONFIG) {
                configs.keySet().removeIf(k -> Arrays.equals(configKey(k.bucket(), k.name()), write.key()));
            }
        }
    }

    /**
     * Reads again the bucket records {@code p} is home to, after its records were replaced as a whole (a replica
     * that installed another's copy), and forgets every cached configuration document. Returns the names of the
     * buckets that were, or are now, homed there.
     */
    java.util.Set<String> reload(Partition p) {
        lock.writeLock().lock();
        try {
            java.util.Set<String> changed = new java.util.TreeSet<>();
            byName.keySet().removeIf(name -> partitions.forBucket(name) == p && changed.add(name));
            for (BucketInfo bucket : scan(p)) {
                byName.put(bucket.name(), bucket);
                changed.add(bucket.name());
            }
            configs.clear();
            return changed;
        } finally {
            lock.writeLock().unlock();
        }
    }

    BucketInfo create(String bucket, String owner, String region) {
        lock.writeLock().lock();
        try {
            BucketInfo existing = byName.get(bucket);
            if (existing != null) {
                boolean mine = existing.owner().equals(owner);
                throw new StorageException(
                        mine
                                ? StorageException.Reason.BUCKET_ALREADY_OWNED_BY_YOU
                                : StorageException.Reason.BUCKET_ALREADY_EXISTS,
                        "bucket " + bucket + " already exists" + (mine ? " and is yours" : ""));
            }
            BucketInfo info = new BucketInfo(bucket, owner, Instant.ofEpochMilli(ids.millis()), region);
            Partition p = partitions.forBucket(bucket);
            // Created only if absent where the command applies: atomic with any other creation of the name.
            byte[] key = Keys.utf8(bucket);
            proposeCreation(p, owner, key, info);
            // The record first, then the views: a crash in between leaves a bucket some partitions have no view
            // of, which the next open repairs (repairViews); the creation time in microseconds is an epoch later
            // than any of an earlier bucket of the name (whose views its deletion dropped anyway).
            putViews(bucket, BucketView.of(info, info.created().toEpochMilli() * 1000));
            byName.put(bucket, info);
            return info;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Creates the bucket's record if there is none where the command applies; one created meanwhile elsewhere (by
     * another node of a cluster) makes this creation fail as S3 fails the second of two.
     */
    private static void proposeCreation(Partition p, String owner, byte[] key, BucketInfo info) {
        try {
            p.propose(new Command.WriteRecords(
                    List.of(new Command.SmallRecord(Command.RecordTable.BUCKETS, key, null)),
                    List.of(new Command.SmallRecord(Command.RecordTable.BUCKETS, key, encode(info))),
                    List.of()));
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.PRECONDITION_FAILED) {
                throw e;
            }
            byte[] stored = p.get(Cf.BUCKETS, key, "read bucket " + info.name());
            boolean mine = stored != null && decode(info.name(), stored).owner().equals(owner);
            throw new StorageException(
                    mine
                            ? StorageException.Reason.BUCKET_ALREADY_OWNED_BY_YOU
                            : StorageException.Reason.BUCKET_ALREADY_EXISTS,
                    "bucket " + info.name() + " was created meanwhile" + (mine ? " by you" : ""));
        }
    }

    /** The bucket's record. @throws StorageException {@code NO_SUCH_BUCKET} */
    BucketInfo get(String bucket) {
        BucketInfo info = byName.get(bucket);
        if (info == null) {
            throw new StorageException(StorageException.Reason.NO_SUCH_BUCKET, "no bucket " + bucket);
        }
        return info;
    }

    /** Runs {@code action} with the bucket known to exist until it returns. */
    <T> T whileExists(String bucket, Supplier<T> action) {
        lock.readLock().lock();
        try {
            get(bucket);
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Deletes the bucket after {@code beforeDelete} ran, with no object commit in between; {@code beforeDelete}
     * checks emptiness and cleans up what the bucket still holds.
     */
    void delete(String bucket, Runnable beforeDelete) {
        lock.writeLock().lock();
        try {
            BucketInfo info = get(bucket);
            beforeDelete.run();
            // The views first: from then on no partition takes an object command of the bucket. A crash before
            // the record goes leaves the bucket existing, and the next open writes its views again.
            for (Partition each : partitions.all()) {
                each.propose(new Command.DropBucketView(bucket, info.created().toEpochMilli()));
            }
            Partition p = partitions.forBucket(bucket);
            byte[] configs = Keys.bucketPrefix(bucket);
            p.propose(new Command.WriteRecords(
                    List.of(),
                    List.of(new Command.SmallRecord(Command.RecordTable.BUCKETS, Keys.utf8(bucket), null)),
                    List.of(new Command.SmallRecord(Command.RecordTable.BUCKET_CONFIG, configs, null))));
            byName.remove(bucket);
            this.configs.keySet().removeIf(k -> k.bucket().equals(bucket));
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Changes the bucket's versioning state. Leaving {@link Versioning#UNVERSIONED} also records, in the same
     * commit, that the bucket's objects from before must move to CF {@code versions} ({@link #MIGRATION}), which
     * the caller does and then clears.
     *
     * @return the state before
     */
    Versioning setVersioning(String bucket, Versioning state) {
        lock.writeLock().lock();
        try {
            BucketInfo info = get(bucket);
            BucketInfo next = info.withVersioning(state);
            Partition p = partitions.forBucket(bucket);
            List<Command.SmallRecord> writes = new ArrayList<>();
            writes.add(new Command.SmallRecord(Command.RecordTable.BUCKETS, Keys.utf8(bucket), encode(next)));
            if (info.versioning() == Versioning.UNVERSIONED) {
                writes.add(new Command.SmallRecord(
                        Command.RecordTable.BUCKET_CONFIG, configKey(bucket, MIGRATION), new byte[0]));
            }
            p.propose(Command.WriteRecords.of(writes));
            // The record is the authority; a crash before every view has the new state leaves views that the next
            // open brings in line with it (repairViews).
            // Past every partition's epoch, not only the home partition's: a repair may have left one further on.
            long epoch = Math.max(ids.micros(), BucketView.newestEpoch(partitions.all(), bucket) + 1);
            putViews(bucket, BucketView.of(next, epoch));
            byName.put(bucket, next);
            if (info.versioning() == Versioning.UNVERSIONED) {
                configs.put(new ConfigKey(bucket, MIGRATION), Optional.of(new byte[0]));
            }
            return info.versioning();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Gives every partition {@code view} of {@code bucket}. */
    private void putViews(String bucket, BucketView view) {
        Command command =
                new Command.PutBucketView(bucket, view.incarnation(), view.versioning(), view.versioningEpoch());
        for (Partition p : partitions.all()) {
            p.propose(command);
        }
    }

    /**
     * Brings every partition's bucket views in line with the bucket records ({@link BucketView#repair}): a folder
     * written before views gets them, a crash half-way through a bucket change is finished or undone.
     *
     * @return how many views were written or removed
     */
    int repairViews() {
        return BucketView.repair(partitions.all(), list(null));
    }

    /** The buckets whose objects from before versioning may not all have moved to CF {@code versions} yet. */
    List<String> pendingMigrations() {
        List<String> result = new ArrayList<>();
        for (BucketInfo b : byName.values()) {
            if (b.versioning() != Versioning.UNVERSIONED
                    && getConfig(b.name(), MIGRATION).isPresent()) {
                result.add(b.name());
            }
        }
        return result;
    }

    /** The bucket's configuration document {@code name}, or empty. @throws StorageException {@code NO_SUCH_BUCKET} */
    @SuppressWarnings("ReferenceEquality") // the same cached instance, not an equal one: see below
    Optional<byte[]> getConfig(String bucket, String name) {
        ConfigKey key = new ConfigKey(bucket, name);
        // A cached answer needs no lock (requests on an I/O thread read these and must not wait behind a bucket
        // delete): only a load below could cache a dropped bucket's document, and it holds the lock. The same
        // bucket record before and after the look-up means no delete (nor a namesake's create) came in between:
        // the answer holds as of that moment.
        BucketInfo before = byName.get(bucket);
        Optional<byte[]> cached = configs.get(key);
        if (before != null && cached != null && byName.get(bucket) == before) {
            return cached.map(byte[]::clone);
        }
        // Shared with writers of documents, exclusive with a bucket delete: a read cannot cache a document of a
        // bucket that a delete has just dropped from the cache.
        lock.readLock().lock();
        try {
            get(bucket);
            Optional<byte[]> document = configs.computeIfAbsent(key, k -> {
                Partition p = partitions.forBucket(bucket);
                return Optional.ofNullable(
                        p.get(Cf.BUCKET_CONFIG, configKey(bucket, name), "read " + name + " of " + bucket));
            });
            return document.map(byte[]::clone);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Stores or (with a null document) deletes a configuration document, holding the lock shared so that it
     * cannot outlive a concurrent bucket delete.
     */
    void putConfig(String bucket, String name, byte[] document) {
        lock.readLock().lock();
        try {
            get(bucket);
            Partition p = partitions.forBucket(bucket);
            byte[] key = configKey(bucket, name);
            p.propose(Command.WriteRecords.of(
                    List.of(new Command.SmallRecord(Command.RecordTable.BUCKET_CONFIG, key, document))));
            configs.put(
                    new ConfigKey(bucket, name), Optional.ofNullable(document).map(byte[]::clone));
        } finally {
            lock.readLock().unlock();
        }
    }

    private static byte[] configKey(String bucket, String name) {
        return Keys.concat(Keys.bucketPrefix(bucket), Keys.utf8(name));
    }

    /** Buckets of {@code owner} (all when null) read from every partition, by name. */
    List<BucketInfo> list(String owner) {
        List<BucketInfo> result = new ArrayList<>();
        for (Partition p : partitions.catalog()) {
            for (BucketInfo b : scan(p)) {
                if (owner == null || owner.equals(b.owner())) {
                    result.add(b);
                }
            }
        }
        // Bucket names are ASCII, so String order is the UTF-8 byte order.
        result.sort(Comparator.comparing(BucketInfo::name));
        return result;
    }

    private static List<BucketInfo> scan(Partition p) {
        List<BucketInfo> result = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.BUCKETS, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] name = it.key();
                result.add(decode(Keys.string(name, 0, name.length), it.value()));
            }
            it.check("list buckets");
        }
        return result;
    }

    static byte[] encode(BucketInfo info) {
        return Codec.encode(out -> {
            Codec.writeString(out, info.owner());
            out.writeLong(info.created().toEpochMilli());
            Codec.writeString(out, info.region());
            out.writeByte(versioningCode(info.versioning()));
        });
    }

    private static BucketInfo decode(String name, byte[] value) {
        return Codec.decode(
                value,
                "bucket " + name,
                in -> new BucketInfo(
                        name,
                        Codec.readString(in),
                        Instant.ofEpochMilli(in.readLong()),
                        Codec.readString(in),
                        in.version >= Codec.VERSION_WITH_VERSIONS
                                ? versioning(in.readByte())
                                : Versioning.UNVERSIONED));
    }

    // Versioning's stored codes, spelled out: reordering the enum must not change what a stored bucket means.
    static int versioningCode(Versioning versioning) {
        return switch (versioning) {
            case UNVERSIONED -> 0;
            case ENABLED -> 1;
            case SUSPENDED -> 2;
        };
    }

    static Versioning versioning(int code) throws IOException {
        return switch (code) {
            case 0 -> Versioning.UNVERSIONED;
            case 1 -> Versioning.ENABLED;
            case 2 -> Versioning.SUSPENDED;
            default -> throw new IOException("unknown versioning code " + code);
        };
    }
}
