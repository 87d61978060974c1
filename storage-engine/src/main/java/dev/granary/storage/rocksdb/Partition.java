package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition: a RocksDB instance with the column families of {@link Cf}, holding everything the partition
 * owns. Every mutation is a self-contained {@link WriteBatch} that goes through {@link #commit} or
 * {@link #write}: the one place a replicated partition will later turn into a log entry.
 */
final class Partition implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Partition.class);

    private static final long DATA_WRITE_BUFFER = 16L << 20;
    private static final long META_WRITE_BUFFER = 8L << 20;
    private static final long SMALL_WRITE_BUFFER = 4L << 20;
    /** Chunk tails below this stay in the SST files; full chunks go to blob files. */
    private static final long MIN_BLOB_SIZE = 4096;

    private static final long BLOB_FILE_SIZE = 256L << 20;
    /** Bounds WAL growth: forces flushes of rarely written column families that would pin old WAL files. */
    private static final long MAX_TOTAL_WAL_SIZE = 128L << 20;
    /**
     * The most disk a partition's RocksDB may take at once on its own, beyond the bytes written to it: a memtable
     * flushed into SST and blob files, and the next WAL, which RocksDB preallocates (1.1 memtables).
     */
    static final long SPACE_BURST = DATA_WRITE_BUFFER + DATA_WRITE_BUFFER * 11 / 10;

    private final int index;
    /** Null for a partition held here; else the reads of a partition whose replicas are on other nodes. */
    private final RemotePartitions remote;

    /** A remote partition's leases by the read options that read through them ({@link #openRemoteReads}; by identity). */
    private final Map<ReadOptions, RemotePartitions.Lease> remoteLeases = new ConcurrentHashMap<>();

    private final Path dir;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions;
    private final WriteOptions commitOptions;
    private final WriteOptions unsyncedOptions;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handleList;
    private final Map<Cf, ColumnFamilyHandle> handles;
    private final DataFiles files;
    /** Whether this is a replica under a replicated log, whose data files every replica writes beside the log. */
    private final boolean underLog;
    /**
     * Data files whose deletion a replica applied while a reader on this node might still read them (hex ids, and the
     * sequence number they were first seen at): deleted once no such reader is left ({@link #deleteFilesOnceUnread}).
     */
    private final Map<String, Long> unreadDeletes = new ConcurrentHashMap<>();
    /** Whether RocksDB stopped this partition's writes for want of space (it resumes them by itself). */
    private final SpaceRecovery space;
    /**
     * The snapshots held (by identity), for the reclaimer's decision on data files; while {@link #snapshot} takes
     * one, its {@link SnapshotUse} stands in for it under its own key.
     */
    private final Map<Object, SnapshotUse> snapshots = new ConcurrentHashMap<>();
    /** Default read options for point reads of the latest state, shared: RocksDB only reads them. */
    private final ReadOptions latest = new ReadOptions();
    /**
     * Writes added to every batch while set ({@link #withTrailer}): a replica's applied log index, committed in the
     * same batch as the writes of the entry it applies. Set and read only by the one thread that writes a replica.
     */
    private Mutation trailer;

    private boolean trailerWritten;

    /** Who applies this partition's commands: here, at once (standalone), or through its replicas' log. */
    private volatile Proposer proposer = Proposer.LOCAL;

    /** Hears of small records written to this partition (by a command applied here, whoever proposed it). */
    private volatile Consumer<Command.WriteRecords> recordsWritten = records -> {};

    /** Runs after {@link #replaceWith} replaced every record: the caches of what the partition holds reload. */
    private volatile Runnable replaced = () -> {};

    /** Runs after each column family {@link #replaceWith} copied; nothing outside tests (a crash midway). */
    private volatile Runnable replaceStep = () -> {};

    /** See {@link #onSnapshotTaken}; nothing outside tests. */
    private Runnable snapshotTaken = () -> {};

    private Partition(
            int index,
            Path dir,
            DBOptions dbOptions,
            List<ColumnFamilyOptions> cfOptions,
            WriteOptions commitOptions,
            WriteOptions unsyncedOptions,
            RocksDB db,
            List<ColumnFamilyHandle> handleList,
            SpaceRecovery space,
            boolean underLog) {
        this.index = index;
        this.remote = null;
        this.underLog = underLog;
        this.dir = dir;
        this.dbOptions = dbOptions;
        this.cfOptions = cfOptions;
        this.commitOptions = commitOptions;
        this.unsyncedOptions = unsyncedOptions;
        this.db = db;
        this.handleList = handleList;
        this.space = space;
        // A replica's data files are written beside its log, which must not run ahead of them: always synced.
        this.files = new DataFiles(dir.resolve("objects"), commitOptions.sync() || underLog);
        this.handles = new EnumMap<>(Cf.class);
        // handleList is in the order of open's descriptors: the default column family (unused but required by
        // RocksDB), then one per Cf in values() order.
        int next = 1;
        for (Cf cf : Cf.values()) {
            handles.put(cf, handleList.get(next++));
        }
    }

    private Partition(int index, RemotePartitions remote) {
        this.index = index;
        this.remote = remote;
        this.underLog = true;
        this.dir = null;
        this.dbOptions = null;
        this.cfOptions = List.of();
        this.commitOptions = null;
        this.unsyncedOptions = null;
        this.db = null;
        this.handleList = List.of();
        this.space = null;
        this.files = null;
        this.handles = new EnumMap<>(Cf.class);
    }

    /**
     * A partition of which this node holds no replica (a cluster of more nodes than replicas per partition): its
     * reads go through {@code reads} to a replica on another node, its commands through the proposer set with
     * {@link #useProposer}. Nothing here is local: no snapshots, no data files, nothing to close.
     */
    static Partition remote(int index, RemotePartitions reads) {
        return new Partition(index, java.util.Objects.requireNonNull(reads, "reads"));
    }

    /** Whether this partition's replicas are all on other nodes ({@link #remote}). */
    boolean isRemote() {
        return remote != null;
    }

    /** The other replicas of this partition, when it is one replica of several; null otherwise. */
    private volatile RemotePartitions peers;

    /** Lets this replica repair its data files from the other replicas ({@link #repairChunk}). */
    void repairFrom(RemotePartitions peers) {
        this.peers = Objects.requireNonNull(peers, "peers");
    }

    /**
     * Chunk {@code chunkIndex} of {@code dataId}'s data file as another replica has it, after this replica's copy was
     * found missing or damaged ({@code damage}): the first whole copy (length and CRC32C checked) is written back in
     * place and synced, so that the next read here finds it whole, and returned in its stored form. A file lost here
     * is so rebuilt chunk by chunk as it is read (created by the first chunk written back).
     *
     * @throws StorageException {@code damage}, when no other replica has the chunk whole (or there is none)
     */
    ByteBuffer repairChunk(
            byte[] dataId, int chunkIndex, int chunkSize, int length, String what, StorageException damage) {
        RemotePartitions others = peers;
        if (others == null) {
            throw damage;
        }
        for (String peer : others.peersOf(index)) {
            byte[] stored;
            try {
                stored = others.readFileChunkFrom(
                        index, peer, dataId, chunkIndex, chunkSize, Chunks.CRC_LENGTH + length);
                if (stored == null) {
                    continue;
                }
                Chunks.verify(stored, length, what + " from " + peer);
            } catch (RuntimeException e) { // that replica is down, damaged too, or answered nonsense: the next
                damage.addSuppressed(e);
                continue;
            }
            try {
                files.writeChunk(dataId, chunkIndex, chunkSize, ByteBuffer.wrap(stored));
                // The folder too: the file may have been missing, and another repair racing this one may not know.
                files.force(List.of(dataId), List.of(dataId));
            } catch (StorageException e) {
                // The disk that lost the chunk may refuse it back; the reader still gets the good copy.
                LOG.warn("partition {}: {} could not be written back here: {}", index, what, e.getMessage());
                return ByteBuffer.wrap(stored);
            }
            repairedChunks.incrementAndGet();
            LOG.warn(
                    "partition {}: {} was damaged here ({}); repaired from replica {}",
                    index,
                    what,
                    damage.getMessage(),
                    peer);
            return ByteBuffer.wrap(stored);
        }
        throw damage;
    }

    private final java.util.concurrent.atomic.AtomicLong repairedChunks = new java.util.concurrent.atomic.AtomicLong();

    /** How many chunks of data files this replica repaired from others since it opened. */
    long repairedChunks() {
        return repairedChunks.get();
    }

    /**
     * The stored form of chunk {@code chunkIndex} of a remote partition's {@code segment} ({@code length} bytes with
     * its CRC32C), from its data file or its records, through the lease of {@code readOptions} ({@link
     * #openRemoteReads}): completes with null when it is gone.
     */
    java.util.concurrent.CompletableFuture<byte[]> fetchChunkRemotely(
            ReadOptions readOptions, Segment segment, int chunkIndex, int length) {
        RemotePartitions.Lease lease = remoteLeases.get(readOptions);
        if (lease == null) { // read as of now, linearizably
            return java.util.concurrent.CompletableFuture.completedFuture(
                    segment.file()
                            ? remote.readFileChunk(
                                    index, segment.dataId(), chunkIndex, segment.chunkSize(), length, null)
                            : remote.get(index, Cf.DATA.toString(), Keys.chunkKey(segment.dataId(), chunkIndex), null));
        }
        return segment.file()
                ? remote.readFileChunkAsync(index, segment.dataId(), chunkIndex, segment.chunkSize(), length, lease)
                : remote.getAsync(index, Cf.DATA.toString(), Keys.chunkKey(segment.dataId(), chunkIndex), lease);
    }

    /**
     * Read options for several reads of one state of a remote partition, closed with {@link #closeReads}: they read
     * through a lease, a snapshot its replica holds for this node ({@link RemotePartitions#openRead}).
     */
    ReadOptions openRemoteReads() {
        ReadOptions options = new ReadOptions();
        try {
            remoteLeases.put(options, remote.openRead(index));
        } catch (RuntimeException e) {
            options.close();
            throw e;
        }
        return options;
    }

    /** Closes read options, releasing the lease {@link #openRemoteReads} took for them, if any. */
    void closeReads(ReadOptions options) {
        try {
            RemotePartitions.Lease lease = remote == null ? null : remoteLeases.remove(options);
            if (lease != null) {
                remote.release(index, lease);
            }
        } finally {
            options.close();
        }
    }

    /**
     * What a command proposed to a remote partition did, as a local proposal returns it: the result's record and
     * garbage, or the refusal thrown.
     */
    static PartitionService.Applied outcome(dev.granary.storage.command.CommandResult result) {
        switch (result.status()) {
            case REFUSED -> throw result.toException();
            case PARTS_CHANGED -> throw new PartitionService.PartsChanged(result.message());
            default -> {
                byte[] record = result.record();
                return new PartitionService.Applied(
                        record == null ? null : ObjectRecord.decode(record, "the result of a command"),
                        result.leavesGarbage());
            }
        }
    }

    /** Opens (creating if missing) the partition in {@code dir}, with RocksDB's own write-ahead log. */
    static Partition open(int index, Path dir, SharedResources shared, boolean syncWrites) {
        return open(index, dir, shared, syncWrites, false);
    }

    /**
     * Opens (creating if missing) the partition in {@code dir}. A replica of a replicated log ({@code underLog}) writes
     * without RocksDB's write-ahead log: the Raft log is the partition's, and what a crash loses of the memtables is
     * applied again from it (the applied mark is in the same batches). Its column families then flush together
     * (atomic flush), so that a crash leaves every column family at one point of the log, never the object records of
     * an entry without its chunks, or a usage counter ahead of the objects it counts.
     */
    static Partition open(int index, Path dir, SharedResources shared, boolean syncWrites, boolean underLog) {
        List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
        DBOptions dbOptions = null;
        WriteOptions commit = null;
        WriteOptions unsynced = null;
        SpaceRecovery space = new SpaceRecovery(index);
        try {
            Files.createDirectories(dir);
            dbOptions = new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setEnv(shared.env)
                    .setMaxBackgroundJobs(2)
                    .setMaxTotalWalSize(MAX_TOTAL_WAL_SIZE)
                    .setBytesPerSync(1L << 20)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(2)
                    .setMaxLogFileSize(1L << 20)
                    .setListeners(List.of(space))
                    .setAtomicFlush(underLog);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            ColumnFamilyOptions defaults = smallCfOptions(shared, SMALL_WRITE_BUFFER);
            cfOptions.add(defaults);
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, defaults));
            for (Cf cf : Cf.values()) {
                ColumnFamilyOptions options = switch (cf) {
                    case DATA -> dataCfOptions();
                    case META -> smallCfOptions(shared, META_WRITE_BUFFER);
                    case STATS -> smallCfOptions(shared, SMALL_WRITE_BUFFER).setMergeOperatorName("uint64add");
                    default -> smallCfOptions(shared, SMALL_WRITE_BUFFER);
                };
                cfOptions.add(options);
                descriptors.add(new ColumnFamilyDescriptor(cf.nameBytes(), options));
            }
            // Commits are acknowledged only once durable; concurrent synced writers share one fsync (group
            // commit). Chunk writes need no sync of their own: the WAL is sequential, so the synced commit
            // that follows them makes them durable too.
            commit = new WriteOptions().setSync(syncWrites).setDisableWAL(underLog);
            unsynced = new WriteOptions().setSync(false).setDisableWAL(underLog);
            List<ColumnFamilyHandle> handleList = new ArrayList<>();
            RocksDB db = RocksDB.open(dbOptions, dir.toString(), descriptors, handleList);
            return new Partition(index, dir, dbOptions, cfOptions, commit, unsynced, db, handleList, space, underLog);
        } catch (RocksDBException | java.io.IOException e) {
            cfOptions.forEach(ColumnFamilyOptions::close);
            for (AutoCloseable c : new AutoCloseable[] {dbOptions, commit, unsynced, space}) {
                closeQuietly(c);
            }
            throw new StorageException(StorageException.Reason.IO, "cannot open partition " + index + " in " + dir, e);
        }
    }

    private static ColumnFamilyOptions smallCfOptions(SharedResources shared, long writeBuffer) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(shared.blockCache)
                .setFilterPolicy(shared.bloomFilter)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(writeBuffer)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true);
    }

    private static ColumnFamilyOptions dataCfOptions() {
        // Integrated BlobDB: chunk values live in blob files, so compaction moves only the small keys and
        // blob references, never object bytes. Blob GC relocates live blobs out of old, mostly dead files.
        return new ColumnFamilyOptions()
                .setWriteBufferSize(DATA_WRITE_BUFFER)
                .setEnableBlobFiles(true)
                .setMinBlobSize(MIN_BLOB_SIZE)
                .setBlobFileSize(BLOB_FILE_SIZE)
                .setBlobCompressionType(CompressionType.NO_COMPRESSION)
                .setEnableBlobGarbageCollection(true)
                .setBlobGarbageCollectionAgeCutoff(0.25)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setLevelCompactionDynamicLevelBytes(true);
    }

    int index() {
        return index;
    }

    /** Shared read options for point reads of the latest state (no snapshot); never to be closed or changed. */
    ReadOptions latestReads() {
        return latest;
    }

    /** The partition's data files, beside its RocksDB files. */
    DataFiles files() {
        return files;
    }

    /**
     * Whether this partition is a replica whose data files arrive beside its log ({@code Command.WriteFileChunk}):
     * every replica then deletes them as it applies the commands that drop their data, rather than the proposer.
     */
    boolean filesBesideLog() {
        return underLog;
    }

    /**
     * Deletes the data files of {@code dataIds} (and of earlier calls' ids) that no reader on this node may still
     * read ({@link #fileMayBeRead}); the others wait for a later call. A crash forgets those waiting: their files stay
     * (unreferenced, they only take space).
     */
    /** Whether the deletion of the data file of {@code dataId} waits for readers ({@link #deleteFilesOnceUnread}). */
    boolean deletionWaits(byte[] dataId) {
        return unreadDeletes.containsKey(java.util.HexFormat.of().formatHex(dataId));
    }

    void deleteFilesOnceUnread(List<byte[]> dataIds) {
        long now = latestSequence();
        java.util.HexFormat hex = java.util.HexFormat.of();
        for (byte[] id : dataIds) {
            unreadDeletes.putIfAbsent(hex.formatHex(id), now);
        }
        List<byte[]> unread = new ArrayList<>();
        for (Map.Entry<String, Long> waiting : unreadDeletes.entrySet()) {
            byte[] id = hex.parseHex(waiting.getKey());
            if (!fileMayBeRead(id, waiting.getValue() + 1)) {
                unread.add(id);
            }
        }
        if (unread.isEmpty()) {
            return;
        }
        try {
            files.delete(unread);
        } catch (java.io.IOException e) {
            throw new StorageException(StorageException.Reason.IO, "partition " + index + ": delete data files", e);
        }
        unread.forEach(id -> unreadDeletes.remove(hex.formatHex(id)));
    }

    ColumnFamilyHandle cf(Cf cf) {
        return handles.get(cf);
    }

    /** Adds the puts and deletes of one mutation to a batch. */
    @FunctionalInterface
    interface Mutation {
        void addTo(WriteBatch batch) throws RocksDBException;
    }

    /**
     * Applies {@code command} to this partition and every replica of it, as the partition's proposer does: returns
     * once it is applied here.
     *
     * @throws StorageException as {@link PartitionService#apply} throws for a refused command
     */
    PartitionService.Applied propose(Command command) {
        return proposer.propose(this, command);
    }

    /** How the commands of a partition reach it. */
    @FunctionalInterface
    interface Proposer {
        /** Applies commands directly, under the caller's locks: a standalone store. */
        Proposer LOCAL = (p, command) -> new PartitionService(p).apply(command);

        PartitionService.Applied propose(Partition p, Command command);
    }

    /**
     * Whether this process's reclaimer proposes this partition's reclamation: always standalone; in a cluster only
     * on the node that leads the partition (the others' replicas apply its commands), so the work is done once.
     */
    private volatile java.util.function.BooleanSupplier reclaimsHere = () -> true;

    boolean reclaimsHere() {
        return reclaimsHere.getAsBoolean();
    }

    void reclaimOnlyWhen(java.util.function.BooleanSupplier condition) {
        this.reclaimsHere = Objects.requireNonNull(condition, "condition");
    }

    /**
     * Data marked pending for longer than this (by the time in its id) is abandoned by the reclaimer of the process
     * that reclaims here (see {@link Reclaimer#abandonStale}); negative: never (standalone, where a restart's recovery
     * takes what a dead upload left, and the process that began an upload is the one that could finish it).
     */
    private volatile long abandonAfterMillis = -1;

    long abandonAfterMillis() {
        return abandonAfterMillis;
    }

    void abandonPendingAfter(java.time.Duration age) {
        this.abandonAfterMillis = age.toMillis();
    }

    void useProposer(Proposer proposer) {
        this.proposer = Objects.requireNonNull(proposer, "proposer");
    }

    /** Sets what hears of small records written here (one listener: the store's caches of them). */
    void onRecordsWritten(Consumer<Command.WriteRecords> listener) {
        this.recordsWritten = Objects.requireNonNull(listener, "listener");
    }

    /** Sets what runs once {@link #replaceWith} replaced the partition's records (a store's cache reload). */
    void onReplaced(Runnable listener) {
        this.replaced = Objects.requireNonNull(listener, "listener");
    }

    void recordsWritten(Command.WriteRecords records) {
        recordsWritten.accept(records);
    }

    /** Applies a committing mutation atomically, durable on return when the store syncs writes. */
    void commit(String what, Mutation mutation) {
        apply(commitOptions, what, mutation);
    }

    /** Applies a mutation whose durability a later commit (or nobody) depends on: chunks, reclamation. */
    void write(String what, Mutation mutation) {
        apply(unsyncedOptions, what, mutation);
    }

    /** Whether commits wait for the WAL fsync (false only in the benchmark mode). */
    boolean syncsWrites() {
        return commitOptions.sync();
    }

    private void apply(WriteOptions options, String what, Mutation mutation) {
        try (WriteBatch batch = new WriteBatch()) {
            mutation.addTo(batch);
            Mutation trailing = trailer;
            if (trailing != null) {
                trailing.addTo(batch);
                trailerWritten = true;
            }
            db.write(options, batch);
            space.tookWrite();
        } catch (RocksDBException e) {
            if (SpaceRecovery.isNoSpace(e)) {
                space.stopped(e);
            }
            throw io(what, e);
        }
    }

    /**
     * Runs {@code action} with {@code trailing} added to each batch it commits, and commits {@code trailing} alone
     * if it commits none: whatever the action writes is atomic with the trailer. For a partition with one writer.
     */
    void withTrailer(Mutation trailing, String what, Runnable action) {
        trailer = trailing;
        trailerWritten = false;
        try {
            action.run();
        } finally {
            trailer = null;
        }
        if (!trailerWritten) {
            write(what, trailing);
        }
    }

    /** Reads a key of the default column family, which holds the partition's own bookkeeping. */
    byte[] getOwn(byte[] key, String what) {
        try {
            return db.get(handleList.get(0), key);
        } catch (RocksDBException e) {
            throw io(what, e);
        }
    }

    /** Puts a key of the default column family into a batch. */
    void putOwn(WriteBatch batch, byte[] key, byte[] value) throws RocksDBException {
        batch.put(handleList.get(0), key, value);
    }

    /** Flushes every column family's memtable to SST files and waits: what was written is then durable. */
    void flush() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, handleList);
        } catch (RocksDBException e) {
            throw io("flush", e);
        }
    }

    /**
     * Writes a consistent copy of this partition into {@code target}, which must not exist: a RocksDB checkpoint
     * (memtables flushed, then the SST and blob files hard-linked, the small ones copied) that opens as a database of
     * its own. Everything written before the call is in it.
     */
    void checkpoint(Path target) {
        try (org.rocksdb.Checkpoint checkpoint = org.rocksdb.Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw io("checkpoint into " + target, e);
        }
    }

    /** Batches of a {@link #replaceWith} copy are written at about this size. */
    private static final long REPLACE_BATCH_BYTES = 8L << 20;

    /**
     * Replaces every record of every column family (the default one included) with those of the partition copy in
     * {@code source} ({@link #checkpoint} of a replica of this partition), after checking the copy's block checksums
     * (CRC32C). The first batch deletes everything and puts {@code marker} into the default column family, synced; the
     * copy follows in batches; the last batch deletes the marker, and the partition is flushed. A crash in between
     * leaves the marker, by which the next open knows the partition is incomplete; whoever reopens it copies again.
     * For a partition with one writer, which is not writing meanwhile; readers may see a partial state until the
     * call returns.
     */
    void replaceWith(Path source, byte[] checkKey, byte[] checkValue, byte[] markerKey, byte[] markerValue) {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions.get(0)));
        Cf[] all = Cf.values();
        for (int i = 0; i < all.length; i++) {
            descriptors.add(new ColumnFamilyDescriptor(all[i].nameBytes(), cfOptions.get(i + 1)));
        }
        List<ColumnFamilyHandle> from = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB copy = RocksDB.openReadOnly(options, source.toString(), descriptors, from);
                WriteOptions synced = new WriteOptions().setSync(true)) {
            try {
                copy.verifyChecksum();
                byte[] found = copy.get(from.get(0), checkKey);
                if (!Arrays.equals(found, checkValue)) {
                    throw new StorageException(
                            StorageException.Reason.CORRUPT_DATA,
                            "partition " + index + ": the copy in " + source + " is not the one expected");
                }
                try (WriteBatch batch = new WriteBatch()) {
                    for (ColumnFamilyHandle handle : handleList) {
                        deleteAll(handle, batch);
                    }
                    batch.put(handleList.get(0), markerKey, markerValue);
                    db.write(synced, batch);
                }
                try (WriteBatch batch = new WriteBatch();
                        ReadOptions reads = new ReadOptions().setFillCache(false)) {
                    for (int i = 0; i < from.size(); i++) {
                        try (RocksIterator it = copy.newIterator(from.get(i), reads)) {
                            for (it.seekToFirst(); it.isValid(); it.next()) {
                                batch.put(handleList.get(i), it.key(), it.value());
                                if (batch.getDataSize() >= REPLACE_BATCH_BYTES) {
                                    db.write(unsyncedOptions, batch);
                                    batch.clear();
                                }
                            }
                            it.status();
                        }
                        db.write(unsyncedOptions, batch);
                        batch.clear();
                        replaceStep.run();
                    }
                    batch.delete(handleList.get(0), markerKey);
                    db.write(unsyncedOptions, batch);
                }
            } finally {
                from.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            throw io("replace partition " + index + " with the copy in " + source, e);
        }
        flush();
    }

    /** Sets what runs after each column family a {@link #replaceWith} copied (tests: a crash midway). */
    void onReplaceStep(Runnable step) {
        this.replaceStep = Objects.requireNonNull(step, "step");
    }

    /** Tells the listener of {@link #onReplaced} that the records were replaced (once the copy is verified). */
    void notifyReplaced() {
        replaced.run();
    }

    /** Adds to {@code batch} the deletion of every key of a column family, as it is now. */
    private void deleteAll(ColumnFamilyHandle handle, WriteBatch batch) throws RocksDBException {
        try (RocksIterator it = db.newIterator(handle)) {
            it.seekToFirst();
            if (!it.isValid()) {
                it.status();
                return;
            }
            byte[] first = it.key();
            it.seekToLast();
            byte[] last = it.key();
            it.status();
            batch.deleteRange(handle, first, last); // the end is exclusive
            batch.delete(handle, last);
        }
    }

    /** Whether RocksDB refuses this partition's writes since one ran out of space, until it recovers by itself. */
    boolean writesStopped() {
        if (remote != null) {
            return false;
        }
        return space.isStopped();
    }

    byte[] get(Cf cf, byte[] key, String what) {
        if (remote != null) {
            return remote.get(index, cf.toString(), key, null);
        }
        try {
            return db.get(handles.get(cf), key);
        } catch (RocksDBException e) {
            throw io(what, e);
        }
    }

    byte[] get(Cf cf, ReadOptions readOptions, byte[] key, String what) {
        if (remote != null) {
            return remote.get(index, cf.toString(), key, remoteLeases.get(readOptions));
        }
        try {
            return db.get(handles.get(cf), readOptions, key);
        } catch (RocksDBException e) {
            throw io(what, e);
        }
    }

    /**
     * A cursor the caller closes (before this partition), bounded by {@code readOptions}' upper bound and reading
     * under its snapshot (a remote partition's reads take neither snapshot nor local state: each batch of keys is a
     * linearizable read of a replica).
     */
    Cursor iterator(Cf cf, ReadOptions readOptions) {
        if (remote != null) {
            org.rocksdb.Slice upper = readOptions.iterateUpperBound();
            return new RemoteCursor(remote, index, cf.toString(), upper == null ? null : upper.data());
        }
        return new LocalCursor(db.newIterator(handles.get(cf), readOptions));
    }

    /** A position in one column family of one partition, moving forward: a RocksDB iterator, or remote batches. */
    interface Cursor extends AutoCloseable {
        void seek(byte[] target);

        void seekToFirst();

        boolean isValid();

        byte[] key();

        byte[] value();

        void next();

        /** Throws if the cursor stopped on an error rather than at the end. */
        void check(String what);

        @Override
        void close();
    }

    /** A cursor over this node's replica. */
    private final class LocalCursor implements Cursor {
        private final RocksIterator it;

        LocalCursor(RocksIterator it) {
            this.it = it;
        }

        @Override
        public void seek(byte[] target) {
            it.seek(target);
        }

        @Override
        public void seekToFirst() {
            it.seekToFirst();
        }

        @Override
        public boolean isValid() {
            return it.isValid();
        }

        @Override
        public byte[] key() {
            return it.key();
        }

        @Override
        public byte[] value() {
            return it.value();
        }

        @Override
        public void next() {
            it.next();
        }

        @Override
        public void check(String what) {
            checkStatus(it, what);
        }

        @Override
        public void close() {
            it.close();
        }
    }

    /** A cursor over another node's replica: keys and values fetched in batches, each read where it is current. */
    private static final class RemoteCursor implements Cursor {
        /** Keys asked for first, and at most: a short listing, or a check for any key, reads few. */
        private static final int FIRST_BATCH = 32;

        private static final int MAX_BATCH = 1024;
        private final RemotePartitions remote;
        private final int partition;
        private final String cf;
        private final byte[] upper;
        private List<byte[]> batch = List.of();
        private int at;
        private boolean more;
        private int size = FIRST_BATCH;

        RemoteCursor(RemotePartitions remote, int partition, String cf, byte[] upper) {
            this.remote = remote;
            this.partition = partition;
            this.cf = cf;
            this.upper = upper;
        }

        @Override
        public void seek(byte[] target) {
            fetch(target);
            size = FIRST_BATCH; // a seek starts over: a listing jumping past a common prefix may want one key
        }

        private void fetch(byte[] from) {
            batch = remote.scan(partition, cf, from, upper, size);
            at = 0;
            more = batch.size() / 2 >= size;
        }

        @Override
        public void seekToFirst() {
            seek(new byte[0]);
        }

        @Override
        public boolean isValid() {
            return at < batch.size();
        }

        @Override
        public byte[] key() {
            return batch.get(at);
        }

        @Override
        public byte[] value() {
            return batch.get(at + 1);
        }

        @Override
        public void next() {
            at += 2;
            if (at >= batch.size() && more) {
                byte[] last = batch.get(batch.size() - 2);
                size = Math.min(MAX_BATCH, size * 4);
                fetch(java.util.Arrays.copyOf(last, last.length + 1)); // from the first key after the last one
            }
        }

        @Override
        public void check(String what) {
            // A failed remote read throws where it happens.
        }

        @Override
        public void close() {
            batch = List.of();
        }
    }

    /** The sequence number of the last write. */
    long latestSequence() {
        return db.getLatestSequenceNumber();
    }

    /**
     * Takes a snapshot, registered for {@link #fileMayBeRead} from before it exists: registered only after
     * {@code getSnapshot()}, a reclaimer pass in between could delete a data file the snapshot still reads (an
     * overwrite commits, the pass finds no older snapshot), and the read failed with a missing file. A placeholder
     * with the latest sequence number now, which is at most the snapshot's, holds back every file the snapshot can
     * read until the snapshot's own entry replaces it. This costs the read path one cheap JNI call and a map entry;
     * a lock shared with the reclaimer's decision would put its file deletes and fsyncs in front of every GET.
     */
    Snapshot snapshot() {
        if (remote != null) {
            return null; // each remote read is current when it is made
        }
        SnapshotUse use = new SnapshotUse(db.getLatestSequenceNumber());
        snapshots.put(use, use);
        try {
            Snapshot snapshot = db.getSnapshot();
            snapshotTaken.run();
            snapshots.put(snapshot, use);
            return snapshot;
        } finally {
            snapshots.remove(use);
        }
    }

    /**
     * Test seam: {@code hook} runs in {@link #snapshot} right after RocksDB took the snapshot, before the partition
     * registers it (the moment a reclaimer pass racing with a read used to slip into). Set before the reads.
     */
    void onSnapshotTaken(Runnable hook) {
        snapshotTaken = hook;
    }

    void release(Snapshot snapshot) {
        if (snapshot == null) {
            return;
        }
        snapshots.remove(snapshot);
        db.releaseSnapshot(snapshot);
    }

    /** Declares that {@code snapshot} serves only a stream reading these data files (besides records). */
    void claim(Snapshot snapshot, List<byte[]> dataFiles) {
        if (snapshot == null) {
            return;
        }
        SnapshotUse use = snapshots.get(snapshot);
        if (use != null) {
            use.files = List.copyOf(dataFiles);
        }
    }

    /**
     * Whether a snapshot older than {@code sequence} is held that may read the data file of {@code dataId}: one not
     * claimed by a stream (it may read anything), or one whose stream reads that file.
     */
    boolean fileMayBeRead(byte[] dataId, long sequence) {
        for (SnapshotUse use : snapshots.values()) {
            if (use.sequence < sequence) {
                List<byte[]> files = use.files;
                if (files == null || files.stream().anyMatch(f -> Arrays.equals(f, dataId))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A held snapshot: its sequence number and, once claimed, the data files its stream reads. */
    private static final class SnapshotUse {
        final long sequence;
        volatile List<byte[]> files;

        SnapshotUse(long sequence) {
            this.sequence = sequence;
        }
    }

    /**
     * Compacts {@code [begin, end)} of a column family now, down to the last level, so that what range
     * tombstones deleted is dropped from SST files and the blob files it referenced become obsolete and are
     * deleted: disk space comes back soon after a delete rather than whenever compaction happens to get there.
     */
    void compactRange(Cf cf, byte[] begin, byte[] end) {
        try (CompactRangeOptions options = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
            db.compactRange(handles.get(cf), begin, end, options);
        } catch (RocksDBException e) {
            throw io("compact " + cf, e);
        }
    }

    /** Whether the column family holds no key starting with {@code prefix}. */
    boolean noKeyWithPrefix(Cf cf, byte[] prefix) {
        if (remote != null) {
            return remote.scan(index, cf.toString(), prefix, Keys.prefixSuccessor(prefix), 1)
                    .isEmpty();
        }
        try (ReadOptions options = new ReadOptions();
                Cursor it = iterator(cf, options)) {
            it.seek(prefix);
            boolean found = it.isValid() && Keys.startsWith(it.key(), prefix);
            it.check("scan " + cf);
            return !found;
        }
    }

    /** Throws if the iterator stopped on an error rather than at the end. */
    void checkStatus(RocksIterator it, String what) {
        try {
            it.status();
        } catch (RocksDBException e) {
            throw io(what, e);
        }
    }

    StorageException io(String what, RocksDBException e) {
        if (SpaceRecovery.isNoSpace(e)) {
            return DiskGuard.ranOut(e);
        }
        return new StorageException(
                StorageException.Reason.IO, "partition " + index + " (" + dir + "): " + what + " failed", e);
    }

    /** A numeric RocksDB property summed over the column families (e.g. {@code rocksdb.total-sst-files-size}). */
    long longProperty(String property) {
        long total = 0;
        try {
            for (ColumnFamilyHandle handle : handleList) {
                total += db.getLongProperty(handle, property);
            }
        } catch (RocksDBException e) {
            throw io("read property " + property, e);
        }
        return total;
    }

    /** Syncs the WAL, then closes the handles, the database and the options they were made with, in order. */
    @Override
    public void close() {
        if (remote != null) {
            return;
        }
        RocksDBException failure = null;
        try {
            db.syncWal(); // with syncWrites off, a clean shutdown still keeps every write
        } catch (RocksDBException e) {
            failure = e;
        }
        handleList.forEach(ColumnFamilyHandle::close);
        try {
            db.closeE();
        } catch (RocksDBException e) {
            failure = failure == null ? e : failure;
        } finally {
            cfOptions.forEach(ColumnFamilyOptions::close);
            dbOptions.close();
            commitOptions.close();
            unsyncedOptions.close();
            latest.close();
            space.close(); // after the database: RocksDB may call it until then
        }
        if (failure != null) {
            throw io("close", failure);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Already failing with the open error; nothing more to report.
            }
        }
    }
}
