package dev.granary.storage.rocksdb;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.BucketUsage;
import dev.granary.storage.CompletedPart;
import dev.granary.storage.DeleteResult;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.StorageUsage;
import dev.granary.storage.StoredForm;
import dev.granary.storage.SystemStore;
import dev.granary.storage.UploadListing;
import dev.granary.storage.VersionPage;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.DataId;
import dev.granary.storage.command.IdSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ObjectStore} on partitioned RocksDB. Open it with {@link #open}; close it once requests have
 * stopped (operations racing with {@link #close} are not supported; streams still open are closed).
 *
 * <p>A PUT streams its body into chunks under a fresh data id, then commits the object's record with one
 * synced WriteBatch that also queues the replaced version's data for the background reclaimer. Reads go
 * through a RocksDB snapshot, so an object read while it is overwritten is the old or the new one, whole.
 *
 * <p>Writes that take space (objects, parts, records) pass the {@link DiskGuard} first and fail with
 * {@code INSUFFICIENT_STORAGE}, before reading a body, when they would leave less than the disk reserve free; deletes
 * and aborts never do, which is what the reserve is kept for.
 */
public final class RocksObjectStore implements ObjectStore, StorageUsage {
    /** The system record saying the usage counters are complete (absent in data folders made before them). */
    private static final String STATS_MARKER = "engine/stats-counted";
    /** RocksDB properties {@link #engineStats} reports, summed over partitions and column families. */
    private static final List<String> ENGINE_PROPERTIES = List.of(
            "rocksdb.total-sst-files-size",
            "rocksdb.live-sst-files-size",
            "rocksdb.total-blob-file-size",
            "rocksdb.live-blob-file-size",
            "rocksdb.estimate-pending-compaction-bytes",
            "rocksdb.estimate-num-keys",
            "rocksdb.cur-size-all-mem-tables",
            "rocksdb.num-running-compactions",
            "rocksdb.num-running-flushes");

    private static final Logger LOG = LoggerFactory.getLogger(RocksObjectStore.class);

    private final Partitions partitions;
    private final Buckets buckets;
    private final KeyLocks locks;
    private final BodyWriter bodies;
    private final Reclaimer reclaimer;
    private final Multipart multipart;
    private final SystemRecords system;
    private final DiskGuard disk;
    private final Set<ChunkInputStream> openStreams = ConcurrentHashMap.newKeySet();
    private final Scrubber scrubber;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final IdSource ids;
    /** Null for a standalone store; else how this node's replicas catch up with their leaders. */
    private volatile ReadBarrier barrier;

    private volatile Consumer<String> bucketChanged = bucket -> {};
    /** Guards the listener of system records and what it has not heard yet. */
    private final Object listening = new Object();

    /** Null until {@link #onSystemRecordsChanged}. */
    private Consumer<List<String>> systemChanged;
    /**
     * Keys of system records a replica applied before anything listened (what reads them, the directory of users,
     * loads after the store opened): its listener hears of them first. Null once it is set, or in a standalone
     * store, where no write comes from elsewhere. Bounded: past {@link #UNHEARD_LIMIT} keys it keeps none and the
     * listener hears of every key stored.
     */
    private java.util.Set<String> unheard;

    private boolean unheardOverflowed;

    private static final int UNHEARD_LIMIT = 65_536;

    private RocksObjectStore(Partitions partitions, EngineOptions options, DiskGuard disk, IdSource ids) {
        this.partitions = partitions;
        this.ids = ids;
        this.disk = disk;
        this.buckets = new Buckets(partitions, ids);
        this.locks = new KeyLocks(buckets);
        this.bodies = new BodyWriter(options.chunkSize(), options.inlineThreshold(), options.fileThreshold(), ids);
        this.reclaimer = new Reclaimer(partitions::held);
        this.scrubber = new Scrubber(partitions::held, openStreams);
        this.multipart = new Multipart(partitions, buckets, locks, bodies, reclaimer, ids);
        this.system = new SystemRecords(partitions.all().get(0));
        for (Partition p : partitions.held()) {
            p.onRecordsWritten(this::onRecords);
            p.onReplaced(() -> replaced(p));
        }
    }

    /**
     * A partition's records were replaced as a whole (a replica installed another's copy): the caches of bucket
     * records and documents, and the listeners of system records, learn of everything it holds.
     */
    private void replaced(Partition p) {
        buckets.reload(p).forEach(bucketChanged);
        systemRecordsChanged(systemKeys(p));
    }

    /** The keys of every system record {@code p} holds. */
    private static List<String> systemKeys(Partition p) {
        List<String> systemKeys = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.SYSTEM, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                systemKeys.add(Keys.string(key, 0, key.length));
            }
            it.check("list system records");
        }
        return systemKeys;
    }

    /** Tells the listener of system records of {@code keys}, or keeps them for it while there is none. */
    private void systemRecordsChanged(List<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        Consumer<List<String>> listener;
        synchronized (listening) {
            listener = systemChanged;
            if (listener == null) {
                if (unheard != null && !unheardOverflowed) {
                    unheard.addAll(keys);
                    if (unheard.size() > UNHEARD_LIMIT) {
                        unheard.clear();
                        unheardOverflowed = true;
                    }
                }
                return;
            }
        }
        listener.accept(keys);
    }

    /** Small records a command wrote here, whoever proposed it: the caches of them learn of it. */
    private void onRecords(Command.WriteRecords records) {
        buckets.onRecords(records);
        Set<String> changedBuckets = new java.util.TreeSet<>();
        List<String> systemKeys = new ArrayList<>();
        for (List<Command.SmallRecord> list : List.of(records.writes(), records.deletedPrefixes())) {
            for (Command.SmallRecord record : list) {
                switch (record.table()) {
                    case SYSTEM -> systemKeys.add(Keys.string(record.key(), 0, record.key().length));
                    case BUCKETS -> changedBuckets.add(Keys.string(record.key(), 0, record.key().length));
                    case BUCKET_CONFIG -> changedBuckets.add(Keys.bucketOf(record.key()));
                }
            }
        }
        changedBuckets.forEach(bucketChanged);
        systemRecordsChanged(systemKeys);
    }

    /**
     * Sets what hears that a bucket's record or configuration documents changed, by a write on this node or, in a
     * cluster, on any: the caches of bucket documents above the store forget the bucket.
     */
    public void onBucketChanged(Consumer<String> listener) {
        this.bucketChanged = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Sets what hears the keys of system records that changed (users, in a cluster written on another node).
     *
     * <p>Both listeners run where the records are applied, which in a cluster is the thread that applies the log and
     * that every proposer of this node waits for: they must not block, nor take a lock a proposer may hold.
     */
    public void onSystemRecordsChanged(Consumer<List<String>> listener) {
        Objects.requireNonNull(listener, "listener");
        List<String> missed;
        synchronized (listening) {
            systemChanged = listener;
            missed = unheardOverflowed ? null : unheard == null ? List.of() : List.copyOf(unheard);
            unheard = null;
        }
        if (missed == null) {
            missed = systemKeys(partitions.catalog().get(0));
        }
        if (!missed.isEmpty()) {
            listener.accept(missed);
        }
    }

    /**
     * Serves partition {@code local.index()} from {@code local}, a replica this cluster node gained while it ran (the
     * partition was served through its group until now): the caches learn of what it holds, and hear its records from
     * now on.
     */
    void adopt(Partition local) {
        if (local.isRemote()) {
            throw new IllegalArgumentException("partition " + local.index() + " is not held here");
        }
        local.onRecordsWritten(this::onRecords);
        local.onReplaced(() -> replaced(local));
        partitions.replace(local);
        replaced(local);
    }

    /**
     * Serves partition {@code next.index()} through {@code next} from now on (a cluster node's replica of it moved to
     * another node: {@code next} is remote); returns the partition it replaced, which requests already under way
     * finish on.
     */
    Partition replace(Partition next) {
        return partitions.replace(next);
    }

    /** Whether this store serves partition {@code index} from a replica of its own. */
    public boolean holds(int index) {
        return !partitions.all().get(index).isRemote();
    }

    @Override
    public boolean hasReadBarrier() {
        return barrier != null;
    }

    @Override
    public CompletableFuture<Void> current(String bucket, String key) {
        ReadBarrier current = barrier;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        Set<Integer> touched = new java.util.TreeSet<>();
        if (bucket != null && key != null) {
            touched.add(partitions.forObject(new ObjectKey(bucket, key)).index());
            touched.add(partitions.forBucket(bucket).index());
        } else {
            partitions.all().forEach(p -> touched.add(p.index()));
        }
        return current.current(touched);
    }

    @Override
    public CompletableFuture<Void> currentBucket(String bucket) {
        ReadBarrier current = barrier;
        if (current == null) {
            return CompletableFuture.completedFuture(null);
        }
        return current.current(Set.of(partitions.forBucket(bucket).index()));
    }

    /**
     * Opens the store in {@code dataDir}, creating it if needed, and recovers: the data of uploads that were
     * interrupted by a crash is queued for reclamation before any request is served.
     *
     * @throws IllegalArgumentException if {@code dataDir} was created with another partition count
     * @throws StorageException {@code IO} if a partition cannot be opened
     */
    /**
     * The partition count a data folder was created with, read from its manifest; empty for a new folder.
     *
     * @throws StorageException {@code IO} when the manifest exists but cannot be read
     */
    public static java.util.OptionalInt storedPartitions(Path dataDir) {
        return Partitions.stored(dataDir);
    }

    public static RocksObjectStore open(Path dataDir, EngineOptions options) {
        return open(dataDir, options, IdSource.system());
    }

    /** {@link #open(Path, EngineOptions)} with the clock and random ids of writes from {@code ids} (tests). */
    static RocksObjectStore open(Path dataDir, EngineOptions options, IdSource ids) {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(options, "options");
        Partitions partitions = Partitions.open(dataDir, options);
        DiskGuard disk = null;
        try {
            int escaped = 0;
            for (Partition p : partitions.all()) {
                escaped += KeyFormat.upgrade(p);
            }
            if (escaped > 0) {
                LOG.info("upgrade: {} entries of keys with U+0000 or U+0001 rewritten escaped in {}", escaped, dataDir);
            }
            disk = DiskGuard.forFolder(
                    dataDir,
                    options.diskReserve(),
                    partitions.all().size() * Partition.SPACE_BURST,
                    () -> (int) partitions.all().stream()
                            .filter(Partition::writesStopped)
                            .count());
            int recovered = 0;
            for (Partition p : partitions.all()) {
                recovered += Reclaimer.recoverPending(p);
            }
            if (recovered > 0) {
                LOG.info("recovery: {} interrupted uploads queued for reclamation in {}", recovered, dataDir);
            }
            RocksObjectStore store = new RocksObjectStore(partitions, options, disk, ids);
            int views = store.buckets.repairViews();
            if (views > 0) {
                LOG.info("upgrade: {} bucket views written or removed in {}", views, dataDir);
            }
            store.countUsageOnce();
            for (String bucket : store.buckets.pendingMigrations()) {
                store.migrate(bucket);
            }
            store.reclaimer.start();
            disk.start();
            return store;
        } catch (RuntimeException e) {
            if (disk != null) {
                disk.close();
            }
            partitions.close();
            throw e;
        }
    }

    /**
     * A store over a cluster node's partitions: its replicas, whose reads are served here and whose writes are commands
     * proposed through {@code replication}, returning once this node's replica applied them, and the partitions it
     * holds no replica of ({@link Partition#remote}), read and written through their replicas on other nodes. Partition 0
     * holds the catalog ({@link Partitions#clustered}). The node's Raft groups own the replicas; closing the store
     * leaves them open.
     *
     * <p>What a standalone store does at open by writing to its partitions directly (key-format upgrade, recovery of
     * interrupted uploads, repair of bucket views, usage counts, versioning migrations) and the abandonment of
     * pending data are not done here: each would have to be a command of the partition's leader,
     * which a later slice adds. The reclaimer runs, proposing {@code Reclaim} commands for the partitions this node
     * leads. A body of known length from the file threshold up goes to a data file on every replica (its chunks'
     * bytes travel beside the log: {@code Command.WriteFileChunk}); smaller ones, and those of unknown length, travel
     * in the log as chunk commands.
     */
    static RocksObjectStore openReplicated(
            Path dataDir, List<Partition> replicas, EngineOptions options, ReadBarrier barrier) {
        Partitions partitions = Partitions.clustered(replicas);
        DiskGuard disk = DiskGuard.forFolder(
                dataDir,
                options.diskReserve(),
                options.partitions() * Partition.SPACE_BURST,
                () -> (int) partitions.held().stream()
                        .filter(Partition::writesStopped)
                        .count());
        RocksObjectStore store = new RocksObjectStore(partitions, options, disk, IdSource.system());
        store.barrier = Objects.requireNonNull(barrier, "barrier");
        synchronized (store.listening) {
            store.unheard = new java.util.LinkedHashSet<>();
        }
        store.reclaimer.start();
        disk.start();
        return store;
    }

    // ---- buckets ----

    @Override
    public BucketInfo createBucket(String bucket, String owner, String region) {
        return withSpace(0, () -> buckets.create(bucket, owner, region == null ? "" : region));
    }

    @Override
    public BucketInfo getBucket(String bucket) {
        return buckets.get(bucket);
    }

    @Override
    public void deleteBucket(String bucket) {
        buckets.delete(bucket, () -> {
            if (!isEmpty(bucket)) {
                throw new StorageException(Reason.BUCKET_NOT_EMPTY, "bucket " + bucket + " is not empty");
            }
            multipart.abortAll(bucket);
        });
    }

    @Override
    public BucketInfo setVersioning(String bucket, Versioning state) {
        if (state == Versioning.UNVERSIONED) {
            throw new IllegalArgumentException("a bucket cannot go back to unversioned");
        }
        return withSpace(0, () -> {
            if (buckets.setVersioning(bucket, state) == Versioning.UNVERSIONED) {
                migrate(bucket);
            }
            return buckets.get(bucket);
        });
    }

    /** The bucket records (tests that stop a change of versioning half-way, as a crash would). */
    Buckets buckets() {
        return buckets;
    }

    /**
     * Moves the objects of a bucket from before versioning into CF {@code versions} as null versions, key by key
     * under each key's lock, then clears the bucket's migration mark. Writes meanwhile move their own key first,
     * so the migration only finishes what they did not touch; after a crash it runs again at open.
     */
    private void migrate(String bucket) {
        byte[] prefix = Keys.bucketPrefix(bucket);
        int moved = 0;
        for (Partition p : partitions.all()) {
            List<String> keys = new ArrayList<>();
            try (ReadOptions options = new ReadOptions();
                    Partition.Cursor it = p.iterator(Cf.META, options)) {
                for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                    if (ObjectRecord.decode(it.value(), "object in " + bucket).versionId() == null) {
                        keys.add(Keys.decodeKey(it.key(), prefix.length, it.key().length));
                    }
                }
                it.check("list objects of " + bucket + " to keep as null versions");
            }
            for (String key : keys) {
                ObjectKey objectKey = new ObjectKey(bucket, key);
                locks.withKey(objectKey, () -> p.propose(new Command.KeepNullVersion(objectKey)));
                moved++;
            }
        }
        buckets.putConfig(bucket, Buckets.MIGRATION, null);
        if (moved > 0) {
            LOG.info("versioning of {}: {} objects kept as their null versions", bucket, moved);
        }
    }

    @Override
    public Optional<byte[]> getBucketConfig(String bucket, String name) {
        return buckets.getConfig(bucket, name);
    }

    @Override
    public void putBucketConfig(String bucket, String name, byte[] document) {
        Objects.requireNonNull(document, "document");
        withSpace(document.length, () -> {
            buckets.putConfig(bucket, name, document);
            return null;
        });
    }

    @Override
    public void deleteBucketConfig(String bucket, String name) {
        buckets.putConfig(bucket, name, null);
    }

    @Override
    public List<BucketInfo> listBuckets(String owner) {
        return buckets.list(owner);
    }

    // ---- objects ----

    @Override
    public ObjectMeta putObject(
            ObjectKey key,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            WriteCondition condition)
            throws IOException {
        Objects.requireNonNull(attributes, "attributes");
        buckets.get(key.bucket()); // fail before reading a body that could not be stored
        return withSpaceForBody(length, () -> put(key, attributes, body, length, contentMd5, form, condition));
    }

    private ObjectMeta put(
            ObjectKey key,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            WriteCondition condition)
            throws IOException {
        Partition p = partitions.forObject(key);
        String what = "put " + key;
        BodyWriter.Written written = bodies.write(p, body, length, contentMd5, form, true, what);
        // Built only now: the caller's verifying stream fills the checksums when the body ends.
        Segment segment = written.segment();
        Command.PutObject command = new Command.PutObject(
                key,
                attributes,
                condition,
                segment == null
                        ? new Command.Inline(written.inline())
                        : new Command.Stored(
                                new DataId(segment.dataId()), segment.length(), segment.chunkSize(), segment.file()),
                written.etag(),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix());
        PartitionService.Applied change =
                BodyWriter.commit(p, written, what, () -> locks.withKey(key, () -> p.propose(command)));
        if (change.leavesGarbage()) {
            reclaimer.wakeUp();
        }
        return change.record().toMeta(key);
    }

    @Override
    public ObjectMeta appendObject(
            ObjectKey key,
            long position,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            BiFunction<ObjectMeta, Long, Map<String, String>> checksums)
            throws IOException {
        Objects.requireNonNull(attributes, "attributes");
        buckets.get(key.bucket()); // fail before reading a body that could not be stored
        return withSpaceForBody(length, () -> {
            Partition p = partitions.forObject(key);
            String what = "append to " + key + " at " + position;
            // Never inline: each append is a segment the next one's record lists after it.
            BodyWriter.Written written = bodies.write(p, body, length, contentMd5, form, false, what);
            Segment segment = written.segment();
            PartitionService.Applied change = BodyWriter.commit(
                    p,
                    written,
                    what,
                    () -> locks.withKey(key, () -> {
                        ObjectRecord current = Versions.read(p, key);
                        ObjectMeta appendedTo = current == null ? null : current.toMeta(key);
                        Command.AppendObject command = new Command.AppendObject(
                                key,
                                position,
                                current == null ? null : current.etag(),
                                attributes.withChecksums(
                                        new TreeMap<>(checksums.apply(appendedTo, written.size())), null),
                                new Command.Stored(
                                        new DataId(segment.dataId()),
                                        segment.length(),
                                        segment.chunkSize(),
                                        segment.file()),
                                written.etag(),
                                ids.millis(),
                                ids.micros(),
                                ids.versionSuffix());
                        return p.propose(command);
                    }));
            if (change.leavesGarbage()) {
                reclaimer.wakeUp();
            }
            return change.record().toMeta(key);
        });
    }

    @Override
    public ObjectMeta headObject(ObjectKey key, String versionId) {
        Versioning state = buckets.get(key.bucket()).versioning();
        Partition p = partitions.forObject(key);
        return Versions.find(p, p.latestReads(), key, state, versionId).toMeta(key);
    }

    @Override
    public Optional<ObjectContent> getObjectIfInMemory(ObjectKey key, String versionId) {
        Versioning state = buckets.get(key.bucket()).versioning();
        Partition p = partitions.forObject(key);
        ObjectRecord record = Versions.find(p, p.latestReads(), key, state, versionId);
        if (record.inline() == null) {
            return Optional.empty();
        }
        return Optional.of(
                new ObjectContent(record.toMeta(key), 0, record.size(), new ByteArrayInputStream(record.inline())));
    }

    @Override
    public ObjectContent getObject(ObjectKey key, String versionId, long offset, long length) {
        Versioning state = buckets.get(key.bucket()).versioning();
        Partition p = partitions.forObject(key);
        // First without a snapshot (taking one takes the database's mutex): a small object is whole in its record.
        ObjectRecord latest = Versions.find(p, p.latestReads(), key, state, versionId);
        if (latest.inline() != null) {
            long count = count(latest, key, offset, length);
            return new ObjectContent(
                    latest.toMeta(key), offset, count, new ByteArrayInputStream(latest.inline(), (int) offset, (int)
                            count));
        }
        // A partition held elsewhere: its replica holds the snapshot for this stream (a lease).
        Snapshot snapshot = p.isRemote() ? null : p.snapshot();
        ReadOptions readOptions = p.isRemote() ? p.openRemoteReads() : new ReadOptions().setSnapshot(snapshot);
        boolean handedOver = false;
        try {
            // Again under the snapshot the chunks will be read through (it may be a newer version by now).
            ObjectRecord record = Versions.find(p, readOptions, key, state, versionId);
            long count = count(record, key, offset, length);
            InputStream stream;
            if (record.inline() != null) {
                stream = new ByteArrayInputStream(record.inline(), (int) offset, (int) count);
            } else {
                // Every chunk carries its own CRC32C, checked on read; RocksDB's check of the same bytes against the
                // blob record's checksum cost a sixth of a 1 MiB GET's CPU, so chunk reads skip it. (The metadata
                // above was read with RocksDB's checks on: it has no checksum of its own.)
                readOptions.setVerifyChecksums(false);
                stream = new ChunkInputStream(
                        p, snapshot, readOptions, record.segments(), offset, count, "object " + key, openStreams);
                handedOver = true;
            }
            return new ObjectContent(record.toMeta(key), offset, count, stream);
        } finally {
            if (!handedOver) {
                p.release(snapshot);
                p.closeReads(readOptions);
            }
        }
    }

    /** Bytes of {@code record} from {@code offset}: {@code length}, or to the end when negative or too long. */
    private static long count(ObjectRecord record, ObjectKey key, long offset, long length) {
        if (offset < 0 || offset > record.size()) {
            throw new IllegalArgumentException(
                    "offset " + offset + " outside object " + key + " of " + record.size() + " bytes");
        }
        long available = record.size() - offset;
        return length < 0 ? available : Math.min(length, available);
    }

    @Override
    public ObjectMeta replaceAttributes(
            ObjectKey key, String versionId, String expectedEtag, ObjectAttributes attributes) {
        Partition p = partitions.forObject(key);
        return withSpace(
                0,
                () -> locks.withKey(key, () -> {
                    Command.ReplaceAttributes command =
                            new Command.ReplaceAttributes(key, versionId, expectedEtag, attributes, ids.millis());
                    return p.propose(command).record().toMeta(key);
                }));
    }

    @Override
    public DeleteResult deleteObject(ObjectKey key, String versionId, WriteCondition condition) {
        Objects.requireNonNull(condition, "condition");
        Partition p = partitions.forObject(key);
        buckets.get(key.bucket());
        Command.DeleteObject command =
                new Command.DeleteObject(key, versionId, condition, ids.millis(), ids.micros(), ids.versionSuffix());
        PartitionService.Applied change = locks.withKey(key, () -> p.propose(command));
        if (change.leavesGarbage()) {
            reclaimer.wakeUp();
        }
        ObjectRecord result = change.record();
        if (versionId == null) {
            return result == null || result.versionId() == null
                    ? DeleteResult.UNVERSIONED
                    : new DeleteResult(result.shownVersionId(), true);
        }
        if (buckets.get(key.bucket()).versioning() == Versioning.UNVERSIONED && result == null) {
            return new DeleteResult(versionId, false);
        }
        return new DeleteResult(versionId, result != null && result.deleteMarker());
    }

    @Override
    public ListPage listObjects(String bucket, ListQuery query) {
        buckets.get(bucket);
        String prefix = query.prefix() == null ? "" : query.prefix();
        String startAfter = query.startAfter() == null ? "" : query.startAfter();
        byte[] bucketPrefix = Keys.bucketPrefix(bucket);
        byte[] lower = Keys.keyPrefix(bucket, prefix);
        byte[] from =
                startAfter.isEmpty() ? lower : Keys.max(lower, Keys.keySuccessor(Keys.objectKey(bucket, startAfter)));
        try (MergedCursor cursor = new MergedCursor(partitions.all(), Cf.META, lower, "list " + bucket)) {
            cursor.seek(from);
            PrefixListing.Page page = new PrefixListing(
                            cursor,
                            bucketPrefix,
                            prefix,
                            query.delimiter(),
                            Keys.utf8(startAfter),
                            raw -> Keys.decodeKey(raw, bucketPrefix.length, raw.length))
                    .page(query.maxKeys());
            List<ObjectMeta> objects = new ArrayList<>();
            List<String> commonPrefixes = new ArrayList<>();
            for (PrefixListing.Entry entry : page.entries()) {
                if (entry.isPrefix()) {
                    commonPrefixes.add(entry.commonPrefix());
                } else {
                    ObjectKey key = new ObjectKey(bucket, entry.key());
                    objects.add(
                            ObjectRecord.decode(entry.value(), "object " + key).toMeta(key));
                }
            }
            String next = page.truncated()
                    ? page.entries().get(page.entries().size() - 1).name()
                    : null;
            return new ListPage(objects, commonPrefixes, page.truncated(), next);
        }
    }

    @Override
    public VersionPage listVersions(
            String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys) {
        Versioning state = buckets.get(bucket).versioning();
        String listPrefix = prefix == null ? "" : prefix;
        String marker = keyMarker == null ? "" : keyMarker;
        boolean hasVersionMarker = versionIdMarker != null && !versionIdMarker.isEmpty() && !marker.isEmpty();
        if (state == Versioning.UNVERSIONED) {
            // Every object is its key's only version, the null one: a listing of objects, shown as versions.
            if (hasVersionMarker && !versionIdMarker.equals(ObjectMeta.NULL_VERSION)) {
                VersionIds.check(versionIdMarker);
            }
            ListPage page = listObjects(bucket, new ListQuery(listPrefix, delimiter, marker, maxKeys));
            List<ObjectVersion> versions = new ArrayList<>();
            for (ObjectMeta m : page.objects()) {
                versions.add(new ObjectVersion(
                        new ObjectMeta(
                                m.key(),
                                m.size(),
                                m.etag(),
                                m.lastModified(),
                                m.attributes(),
                                m.partSizes(),
                                ObjectMeta.NULL_VERSION,
                                false),
                        true));
            }
            boolean endsWithVersion = page.truncated()
                    && !versions.isEmpty()
                    && versions.get(versions.size() - 1).meta().key().key().equals(page.nextStartAfter());
            return new VersionPage(
                    versions,
                    page.commonPrefixes(),
                    page.truncated(),
                    page.nextStartAfter(),
                    endsWithVersion ? ObjectMeta.NULL_VERSION : null);
        }
        byte[] bucketPrefix = Keys.bucketPrefix(bucket);
        byte[] lower = Keys.keyPrefix(bucket, listPrefix);
        byte[] from = lower;
        if (!marker.isEmpty()) {
            byte[] after;
            if (hasVersionMarker) {
                String internal = versionIdMarker;
                if (versionIdMarker.equals(ObjectMeta.NULL_VERSION)) {
                    try (ReadOptions options = new ReadOptions()) {
                        ObjectKey key = new ObjectKey(bucket, marker);
                        ObjectRecord nullVersion = Versions.History.load(partitions.forObject(key), options, key)
                                .nullVersion();
                        internal = nullVersion == null ? null : nullVersion.versionId();
                    }
                } else {
                    VersionIds.check(versionIdMarker);
                }
                after = internal == null
                        ? Keys.prefixSuccessor(Keys.versionPrefix(bucket, marker))
                        : Keys.keySuccessor(Keys.versionKey(bucket, marker, internal));
            } else {
                after = Keys.prefixSuccessor(Keys.versionPrefix(bucket, marker));
            }
            from = Keys.max(lower, after);
        }
        try (MergedCursor cursor =
                new MergedCursor(partitions.all(), Cf.VERSIONS, lower, "list versions of " + bucket)) {
            cursor.seek(from);
            PrefixListing.Page page = new PrefixListing(
                            cursor,
                            bucketPrefix,
                            listPrefix,
                            delimiter,
                            Keys.utf8(marker),
                            raw -> Keys.keyOfVersion(raw, bucketPrefix.length))
                    .page(maxKeys);
            List<ObjectVersion> versions = new ArrayList<>();
            List<String> commonPrefixes = new ArrayList<>();
            String previousKey = hasVersionMarker ? marker : null;
            for (PrefixListing.Entry entry : page.entries()) {
                if (entry.isPrefix()) {
                    commonPrefixes.add(entry.commonPrefix());
                    previousKey = null;
                    continue;
                }
                ObjectKey key = new ObjectKey(bucket, entry.key());
                ObjectRecord record = ObjectRecord.decode(entry.value(), "version of " + key);
                versions.add(new ObjectVersion(record.toMeta(key), !entry.key().equals(previousKey)));
                previousKey = entry.key();
            }
            String nextKeyMarker = null;
            String nextVersionIdMarker = null;
            if (page.truncated()) {
                PrefixListing.Entry last = page.entries().get(page.entries().size() - 1);
                nextKeyMarker = last.name();
                if (!last.isPrefix()) {
                    nextVersionIdMarker =
                            versions.get(versions.size() - 1).meta().versionId();
                }
            }
            return new VersionPage(versions, commonPrefixes, page.truncated(), nextKeyMarker, nextVersionIdMarker);
        }
    }

    @Override
    public boolean isEmpty(String bucket) {
        byte[] bucketPrefix = Keys.bucketPrefix(bucket);
        return partitions.all().stream()
                .allMatch(
                        p -> p.noKeyWithPrefix(Cf.META, bucketPrefix) && p.noKeyWithPrefix(Cf.VERSIONS, bucketPrefix));
    }

    private static ObjectRecord requireObject(ObjectRecord record, ObjectKey key) {
        if (record == null) {
            throw new StorageException(Reason.NO_SUCH_KEY, "no object " + key);
        }
        return record;
    }

    // ---- multipart ----

    @Override
    public MultipartUpload createUpload(ObjectKey key, String owner, ObjectAttributes attributes) {
        return withSpace(0, () -> multipart.create(key, owner, attributes));
    }

    @Override
    public MultipartUpload getUpload(ObjectKey key, String uploadId) {
        return multipart.get(key, uploadId);
    }

    @Override
    public PartMeta uploadPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            InputStream body,
            long length,
            byte[] contentMd5,
            Map<String, String> checksums,
            StoredForm form,
            Map<String, String> system)
            throws IOException {
        return withSpaceForBody(
                length,
                () -> multipart.uploadPart(
                        key, uploadId, partNumber, body, length, contentMd5, checksums, form, system));
    }

    @Override
    public ObjectMeta completeUpload(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            Map<String, String> checksums,
            String checksumType,
            Function<List<PartMeta>, Map<String, String>> system) {
        return withSpace(
                0, () -> multipart.complete(key, uploadId, parts, minPartSize, checksums, checksumType, system));
    }

    @Override
    public void abortUpload(ObjectKey key, String uploadId) {
        multipart.abort(key, uploadId);
    }

    @Override
    public List<PartMeta> listParts(ObjectKey key, String uploadId, int partNumberMarker, int maxParts) {
        return multipart.listParts(key, uploadId, partNumberMarker, maxParts);
    }

    @Override
    public UploadListing listUploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads) {
        buckets.get(bucket);
        return multipart.listUploads(bucket, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads);
    }

    // ---- disk space ----

    /** A write that reads a body. */
    @FunctionalInterface
    private interface BodyWrite<T> {
        T run() throws IOException;
    }

    /**
     * Runs a write of {@code bytes} (-1 when unknown) once the disk guard admits it; a failure for want of space
     * after that (the disk filled meanwhile) is noted with the guard.
     *
     * @throws StorageException {@code INSUFFICIENT_STORAGE} when refused or out of space
     */
    private <T> T withSpaceForBody(long bytes, BodyWrite<T> write) throws IOException {
        disk.admit(bytes);
        try {
            return write.run();
        } catch (StorageException e) {
            if (e.reason() == Reason.INSUFFICIENT_STORAGE) {
                disk.ranOut(e);
            }
            throw e;
        }
    }

    /** {@link #withSpaceForBody} for a write of records only: {@code bytes} is about their size. */
    private <T> T withSpace(long bytes, Supplier<T> write) {
        disk.admit(bytes);
        try {
            return write.get();
        } catch (StorageException e) {
            if (e.reason() == Reason.INSUFFICIENT_STORAGE) {
                disk.ranOut(e);
            }
            throw e;
        }
    }

    @Override
    public DiskStatus disk() {
        return disk.status();
    }

    // ---- usage ----

    /** The store's own small durable records (metering rows). */
    public SystemStore system() {
        return system;
    }

    @Override
    public BucketUsage usage(String bucket) {
        BucketInfo info = buckets.get(bucket);
        long[] total = new long[Stats.COUNTERS.length];
        try (ReadOptions options = new ReadOptions()) {
            for (Partition p : partitions.all()) {
                long[] values = Stats.read(p, options, bucket);
                for (int i = 0; i < total.length; i++) {
                    total[i] += values[i];
                }
            }
        }
        return usage(info, total);
    }

    @Override
    public List<BucketUsage> usage() {
        List<BucketUsage> result = new ArrayList<>();
        for (BucketInfo info : buckets.list(null)) {
            try {
                result.add(usage(info.name()));
            } catch (StorageException e) {
                if (e.reason() != Reason.NO_SUCH_BUCKET) { // deleted meanwhile
                    throw e;
                }
            }
        }
        return result;
    }

    @Override
    public BucketUsage rebuildUsage(String bucket) {
        BucketInfo info = buckets.get(bucket);
        long[] total = new long[Stats.COUNTERS.length];
        for (Partition p : partitions.all()) {
            long[] values = Stats.rebuild(p, bucket);
            for (int i = 0; i < total.length; i++) {
                total[i] += values[i];
            }
        }
        return usage(info, total);
    }

    @Override
    public Map<String, Long> engineStats() {
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("partitions", (long) partitions.all().size());
        for (String property : ENGINE_PROPERTIES) {
            long total = 0;
            for (Partition p : partitions.all()) {
                total += p.longProperty(property);
            }
            stats.put(property, total);
        }
        DiskStatus status = disk.status();
        stats.put("disk.free-bytes", status.freeBytes());
        stats.put("disk.total-bytes", status.totalBytes());
        stats.put("disk.reserve-bytes", status.reserveBytes());
        stats.put("disk.accepting-writes", status.acceptingWrites() ? 1L : 0L);
        stats.put("disk.stopped-partitions", (long) status.stoppedPartitions());
        stats.put("disk.writes-refused", status.writesRefused());
        return stats;
    }

    private static BucketUsage usage(BucketInfo info, long[] values) {
        return new BucketUsage(
                info.name(),
                info.owner(),
                values[Stats.BYTES],
                values[Stats.OBJECTS],
                values[Stats.PART_BYTES],
                values[Stats.PARTS]);
    }

    /** Counts usage from the objects present in a data folder made before the counters existed. */
    private void countUsageOnce() {
        if (system.get(STATS_MARKER) != null) {
            return;
        }
        for (BucketInfo info : buckets.list(null)) {
            rebuildUsage(info.name());
        }
        system.apply(Map.of(STATS_MARKER, new byte[] {1}));
    }

    // ---- lifecycle ----

    /** Stops the reclaimer, closes streams still open, then closes every partition. Idempotent. */
    /**
     * Reads every data file this store's partitions (a node's own replicas, in a cluster) still reference, chunk by
     * chunk as a GET would, at most {@code bytesPerSecond}: each chunk's CRC32C checked, and in a cluster a chunk
     * missing or damaged here repaired from another replica. Returns what the pass did; damage beyond repair is
     * counted and logged, and the pass goes on.
     *
     * @throws InterruptedException when interrupted, or when the store closes meanwhile
     */
    public ScrubReport scrub(long bytesPerSecond) throws InterruptedException {
        return scrubber.pass(bytesPerSecond);
    }

    /** Runs a {@link #scrub} pass every {@code every} (the first one interval from now), in the background. */
    public void startScrubbing(Duration every, long bytesPerSecond) {
        scrubber.start(every, bytesPerSecond);
    }

    /** How many data-file chunks this store's replicas repaired from other replicas since they opened. */
    public long repairedChunks() {
        return partitions.held().stream().mapToLong(Partition::repairedChunks).sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        scrubber.close();
        disk.close();
        reclaimer.close();
        for (ChunkInputStream stream : List.copyOf(openStreams)) {
            stream.close();
        }
        partitions.close();
    }

    // ---- hooks for tests in this package ----

    /** Wakes the reclaimer and waits until no data is queued for reclamation; false on timeout. */
    boolean awaitReclaimed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            reclaimer.wakeUp();
            if (reclaimer.idle()) {
                return true;
            }
            Thread.sleep(10);
        }
        return reclaimer.idle();
    }

    Partitions partitionsForTest() {
        return partitions;
    }

    /** Number of keys in {@code cf} over all partitions. */
    long countKeys(Cf cf) {
        long count = 0;
        for (Partition p : partitions.all()) {
            try (ReadOptions options = new ReadOptions();
                    Partition.Cursor it = p.iterator(cf, options)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    count++;
                }
            }
        }
        return count;
    }

    /** Overwrites one stored chunk value as is, bypassing the CRC: simulates corruption on disk. */
    void overwriteChunk(ObjectKey key, int segment, int chunk, byte[] value) {
        Partition p = partitions.forObject(key);
        Segment s = requireObject(Versions.read(p, key), key).segments().get(segment);
        if (s.file()) {
            try (FileChannel file = FileChannel.open(p.files().path(s.dataId()), StandardOpenOption.WRITE)) {
                file.write(ByteBuffer.wrap(value), DataFiles.offset(chunk, s.chunkSize()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        p.commit("corrupt chunk", batch -> batch.put(p.cf(Cf.DATA), Keys.chunkKey(s.dataId(), chunk), value));
    }

    /** Writes a durable pending marker and part of a data file, as a crash in a large upload would leave them. */
    void simulateCrashedFileUpload(ObjectKey key) {
        Partition p = partitions.forObject(key);
        byte[] dataId = ids.dataId();
        p.commit("simulate crash", batch -> Chunks.markPending(batch, p, dataId));
        try (DataFiles.Writer file = p.files().create(dataId)) {
            file.append(ByteBuffer.allocateDirect(Chunks.CRC_LENGTH + 3)
                    .putInt(0)
                    .put(new byte[] {1, 2, 3})
                    .flip());
        }
    }

    /** Writes a pending marker and a chunk, as an upload the process crashed in would have left them. */
    void simulateCrashedUpload(ObjectKey key) {
        Partition p = partitions.forObject(key);
        byte[] dataId = ids.dataId();
        byte[] value = Chunks.encode(new byte[] {1, 2, 3}, 3);
        p.commit("simulate crash", batch -> {
            Chunks.markPending(batch, p, dataId);
            Chunks.putChunk(batch, p, dataId, 0, value);
        });
    }
}
