package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A partition as one replica of a replicated log holds it: the log's entries are {@link Command}s, applied in log
 * order by one thread, each entry's writes committed in one batch together with the entry's term and index (the
 * <em>applied mark</em>). The log is the write-ahead log, so commits are not synced; {@link #flush} makes every
 * applied entry durable and returns the mark that is then safe to report as a snapshot. Re-applying an entry at
 * or below the mark does nothing ({@link CommandResult.Status#SKIPPED}), so replaying a log from any earlier point
 * leaves the state as it was.
 *
 * <p>Replicas that applied the same entries have equal {@link #digest}s: apply reads only the command and the
 * partition. Bodies from the file threshold up are kept in data files that every replica writes from the bytes
 * that arrive beside the log ({@link #writeData}, {@link #syncData}); copies carry them ({@link #checkpoint}).
 */
public final class ReplicaPartition implements AutoCloseable {
    private static final byte[] APPLIED_KEY = "raft/applied".getBytes(StandardCharsets.US_ASCII);
    /**
     * Present while {@link #install} replaces the partition's records, with the mark of the copy being installed: a
     * partition opened with it is incomplete ({@link #installing}).
     */
    private static final byte[] INSTALLING_KEY = "raft/installing".getBytes(StandardCharsets.US_ASCII);

    /** A log position: the term and index of an entry. */
    public record Mark(long term, long index) {
        /** Before any entry (a log's first entry has index 0). */
        public static final Mark NONE = new Mark(0, -1);

        byte[] encode() {
            return ByteBuffer.allocate(16).putLong(term).putLong(index).array();
        }

        static Mark decode(byte[] bytes) {
            if (bytes == null) {
                return NONE;
            }
            if (bytes.length != 16) {
                throw new StorageException(
                        StorageException.Reason.IO, "bad applied mark of " + bytes.length + " bytes");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            return new Mark(buffer.getLong(), buffer.getLong());
        }
    }

    /** How many outcomes of this node's own proposals are kept for their proposers to collect. */
    private static final int KEPT_OUTCOMES = 4096;

    private final Partition partition;
    private final PartitionService service;
    private volatile Mark applied;

    /**
     * What applying an entry proposed on this node did, by log index, until its proposer collects it ({@link
     * #awaitOutcome}): the version written, or the refusal to throw. Bounded; the oldest go first.
     */
    private final Map<Long, Object> outcomes = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
            return size() > KEPT_OUTCOMES;
        }
    };

    /** Prefix of a data file's name in a copy ({@link #checkpoint}): {@code data-} and the data id in hex. */
    private static final String COPY_DATA_PREFIX = "data-";

    /** Data files written beside the log since the last {@link #syncData}, by hex id, and those it created. */
    private final Map<String, Boolean> unsyncedFiles = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Snapshots held for readers on other nodes ({@link #openRead}), by lease id: a remote GET reads the record and
     * every chunk of one version, as a local one does, and keeps that version's files from being deleted here.
     */
    private final Map<Long, Lease> leases = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.AtomicLong leaseIds =
            new java.util.concurrent.atomic.AtomicLong(new java.security.SecureRandom().nextLong() >>> 1);

    /** How long a lease lives without a read through it: a reader that went away must not pin a snapshot. */
    static final Duration LEASE_IDLE = Duration.ofSeconds(30);

    /** A snapshot held for a remote reader, released when the reader says so or after {@link #LEASE_IDLE}. */
    private static final class Lease {
        final org.rocksdb.Snapshot snapshot;
        final org.rocksdb.ReadOptions options;
        volatile long lastUse = System.nanoTime();
        boolean released;

        Lease(org.rocksdb.Snapshot snapshot) {
            this.snapshot = snapshot;
            this.options = new org.rocksdb.ReadOptions().setSnapshot(snapshot);
        }
    }

    private ReplicaPartition(Partition partition) {
        this.partition = partition;
        this.service = new PartitionService(partition);
        this.applied = Mark.decode(partition.getOwn(APPLIED_KEY, "read the applied mark"));
    }

    /**
     * Opens (creating if missing) partition {@code index} in {@code dir} with a host's shared resources, and flushes
     * what RocksDB recovered from its own log, so that the applied mark read at open is durable from the start.
     */
    static ReplicaPartition open(SharedResources shared, int index, Path dir) {
        ReplicaPartition replica = new ReplicaPartition(Partition.open(index, dir, shared, false, true));
        replica.partition.flush();
        return replica;
    }

    /** The partition's number. */
    public int index() {
        return partition.index();
    }

    /** The last entry applied (in memory or on disk). */
    public Mark applied() {
        return applied;
    }

    /**
     * Applies the entry at {@code mark}: its writes and the new applied mark in one batch. Refusals (a condition
     * that does not hold, a bucket or upload that is not there) are results, written as the applied mark alone;
     * every replica refuses alike.
     *
     * @throws StorageException when the partition cannot be read or written: the replica cannot go on
     */
    public CommandResult apply(Mark mark, Command command) {
        return apply(mark, command, false);
    }

    /**
     * {@link #apply(Mark, Command)}, keeping what it did for the proposer on this node when {@code keepOutcome}
     * (the entry was proposed here), to collect with {@link #awaitOutcome}.
     */
    public synchronized CommandResult apply(Mark mark, Command command, boolean keepOutcome) {
        Objects.requireNonNull(command, "command");
        if (mark.index() <= applied.index()) {
            return CommandResult.SKIPPED;
        }
        releaseIdleLeases();
        CommandResult[] result = new CommandResult[1];
        byte[] encoded = mark.encode();
        partition.withTrailer(batch -> partition.putOwn(batch, APPLIED_KEY, encoded), "apply entry " + mark, () -> {
            try {
                PartitionService.Applied done = service.apply(command);
                if (keepOutcome) {
                    outcomes.put(mark.index(), done);
                }
                ObjectRecord record = done.record();
                result[0] = (record == null
                                ? CommandResult.APPLIED
                                : CommandResult.applied(
                                        record.nullVersion() ? "null" : record.versionId(),
                                        record.deleteMarker(),
                                        record.lastModified()))
                        .withOutcome(
                                done.leavesGarbage(),
                                record == null
                                        ? null
                                        : record.withoutInlineBody().encode());
            } catch (PartitionService.PartsChanged e) {
                if (keepOutcome) {
                    outcomes.put(mark.index(), e);
                }
                result[0] = CommandResult.partsChanged(e.getMessage());
            } catch (StorageException e) {
                if (e.reason() == StorageException.Reason.IO
                        || e.reason() == StorageException.Reason.CORRUPT_DATA
                        || e.reason() == StorageException.Reason.INSUFFICIENT_STORAGE) {
                    throw e; // not a refusal: this replica failed, and must not record the entry as applied
                }
                if (keepOutcome) {
                    outcomes.put(mark.index(), e);
                }
                result[0] = CommandResult.refused(e);
            }
        });
        applied = mark;
        notifyAll();
        return result[0];
    }

    /**
     * Waits until this replica applied the entry at {@code index}, which this node proposed, and returns what
     * applying it did, or throws the refusal it met, as a standalone partition's apply would have.
     *
     * @throws StorageException {@code IO} when the replica did not get that far within {@code timeout}, or the
     *     outcome was not kept (the entry was applied before a restart)
     */
    synchronized PartitionService.Applied awaitOutcome(long index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (applied.index() < index) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StorageException(
                            StorageException.Reason.UNAVAILABLE,
                            "partition " + index() + ": entry " + index + " committed but not applied here in "
                                    + timeout);
                }
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Reason.IO, "interrupted waiting for entry " + index, e);
        }
        Object outcome = outcomes.remove(index);
        if (outcome instanceof PartitionService.Applied done) {
            return done;
        } else if (outcome instanceof RuntimeException refusal) {
            throw refusal;
        }
        throw new StorageException(
                StorageException.Reason.IO, "partition " + index() + ": the outcome of entry " + index + " is unknown");
    }

    /** The partition, for a store over this node's replicas. */
    Partition partition() {
        return partition;
    }

    /**
     * Makes every applied entry durable (a flush of every column family) and returns the applied mark it covers: the
     * index up to which the log may be purged.
     */
    public synchronized Mark flush() {
        partition.flush();
        partition.deleteFilesOnceUnread(java.util.List.of()); // deletions that waited for readers
        return applied;
    }

    /**
     * Records that the log's entries up to {@code upTo} are applied although the last ones were not commands for
     * this partition (a log's configuration entries), then flushes: the returned mark, {@code upTo} or the applied
     * mark if later, is durable and the log may be purged up to it. Without the record a restart would ask the log
     * for entries already purged.
     */
    public synchronized Mark flush(Mark upTo) {
        if (upTo.index() > applied.index()) {
            byte[] encoded = upTo.encode();
            partition.write("record applied mark " + upTo, batch -> partition.putOwn(batch, APPLIED_KEY, encoded));
            applied = upTo;
        }
        return flush();
    }

    /**
     * Writes the bytes of a chunk that arrived beside the log ({@code stored}: its CRC32C, then its bytes, for the
     * chunk {@code header} describes) into its data file, after checking them: called on every replica, in any
     * order, before the entry is committed; {@link #syncData} makes them durable.
     *
     * @throws StorageException {@code CORRUPT_DATA} when the bytes are not the chunk's (length or CRC32C); {@code IO}
     */
    public void writeData(Command.WriteFileChunk header, ByteBuffer stored) {
        ByteBuffer chunk = verifyChunk(header, stored, "partition " + index());
        byte[] id = header.dataId().bytes();
        boolean created = partition.files().writeChunk(id, header.index(), header.chunkSize(), chunk);
        unsyncedFiles.merge(java.util.HexFormat.of().formatHex(id), created, Boolean::logicalOr);
    }

    /**
     * Checks that {@code stored} holds the chunk {@code header} describes (its length, and its CRC32C over its bytes),
     * and returns it as a buffer from index 0, its position and limit those of the chunk.
     *
     * @throws StorageException {@code CORRUPT_DATA} when it does not
     */
    public static ByteBuffer verifyChunk(Command.WriteFileChunk header, ByteBuffer stored, String where) {
        String what = where + ": " + header;
        if (stored.remaining() != header.length()) {
            throw new StorageException(
                    StorageException.Reason.CORRUPT_DATA, what + ": " + stored.remaining() + " bytes arrived");
        }
        ByteBuffer chunk = stored.slice();
        Chunks.verify(chunk, header.length() - Chunks.CRC_LENGTH, what);
        return chunk;
    }

    /** Makes every data file {@link #writeData} wrote durable (their bytes, and the folder entries of new ones). */
    public void syncData() {
        if (unsyncedFiles.isEmpty()) {
            return;
        }
        java.util.HexFormat hex = java.util.HexFormat.of();
        java.util.List<byte[]> ids = new java.util.ArrayList<>();
        java.util.List<byte[]> created = new java.util.ArrayList<>();
        for (String name : java.util.List.copyOf(unsyncedFiles.keySet())) {
            Boolean isNew = unsyncedFiles.remove(name);
            byte[] id = hex.parseHex(name);
            ids.add(id);
            if (Boolean.TRUE.equals(isNew)) {
                created.add(id);
            }
        }
        partition.files().force(ids, created);
    }

    /**
     * The stored bytes of the chunk {@code header} describes, read back from its data file (for a replica behind whose
     * entries the log no longer holds with their bytes), or null when the file is gone: the body was dropped since,
     * and a later entry of the log drops it on every replica.
     */
    public byte[] readData(Command.WriteFileChunk header) {
        return partition
                .files()
                .readChunk(header.dataId().bytes(), header.index(), header.chunkSize(), header.length());
    }

    /**
     * The value of {@code key} in column family {@code cf} (its name, as {@link RemotePartitions} gives it), or null:
     * a read by a node without a replica of this partition; under the snapshot of lease {@code lease}, or of the
     * latest state when it is 0.
     *
     * @throws StorageException {@code UNAVAILABLE} when the lease is not held (expired, or this replica restarted)
     */
    public byte[] read(String cf, byte[] key, long lease) {
        if (lease == 0) {
            return partition.get(column(cf), key, "read for another node");
        }
        Lease held = lease(lease);
        synchronized (held) {
            if (held.released) {
                throw leaseGone(lease);
            }
            return partition.get(column(cf), held.options, key, "read for another node");
        }
    }

    /**
     * Takes a snapshot for a reader on another node and returns its lease id: reads through the lease see that
     * snapshot, and no data file is deleted here while it is held ({@link Partition#fileMayBeRead}). Released by
     * {@link #releaseRead}, or once unused for {@link #LEASE_IDLE}.
     */
    public long openRead() {
        releaseIdleLeases();
        long id = leaseIds.incrementAndGet();
        leases.put(id, new Lease(partition.snapshot()));
        return id;
    }

    /** How many leases readers on other nodes hold on this replica now (idle ones released first). */
    public int openLeases() {
        releaseIdleLeases();
        return leases.size();
    }

    /** Releases lease {@code lease}'s snapshot (nothing if it is gone already). */
    public void releaseRead(long lease) {
        Lease held = leases.remove(lease);
        if (held != null) {
            release(held);
        }
    }

    /** Releases the leases unused for {@link #LEASE_IDLE}: runs as leases are opened and entries applied. */
    void releaseIdleLeases() {
        if (leases.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        leases.entrySet().removeIf(entry -> {
            if (now - entry.getValue().lastUse > LEASE_IDLE.toNanos()) {
                release(entry.getValue());
                return true;
            }
            return false;
        });
    }

    private Lease lease(long id) {
        Lease held = leases.get(id);
        if (held == null) {
            throw leaseGone(id);
        }
        held.lastUse = System.nanoTime();
        return held;
    }

    private static StorageException leaseGone(long id) {
        return new StorageException(
                StorageException.Reason.UNAVAILABLE,
                "read lease " + id + " is not held (expired, or the node restarted)");
    }

    private void release(Lease held) {
        synchronized (held) {
            if (!held.released) {
                held.released = true;
                partition.release(held.snapshot);
                held.options.close();
            }
        }
    }

    /**
     * Up to {@code limit} entries of column family {@code cf} from {@code from} below {@code upperBound}, keys and
     * values alternating ({@link RemotePartitions#scan}), at most about {@code maxBytes} of them after the first.
     */
    public List<byte[]> scan(String cf, byte[] from, byte[] upperBound, int limit, int maxBytes) {
        List<byte[]> entries = new ArrayList<>();
        org.rocksdb.Slice upper = upperBound == null ? null : new org.rocksdb.Slice(upperBound);
        try (org.rocksdb.ReadOptions options = new org.rocksdb.ReadOptions()) {
            if (upper != null) {
                options.setIterateUpperBound(upper);
            }
            long bytes = 0;
            try (Partition.Cursor it = partition.iterator(column(cf), options)) {
                for (it.seek(from); it.isValid() && entries.size() / 2 < limit && bytes < maxBytes; it.next()) {
                    byte[] key = it.key();
                    byte[] value = it.value();
                    entries.add(key);
                    entries.add(value);
                    bytes += key.length + value.length;
                }
                it.check("scan for another node");
            }
        } finally {
            if (upper != null) {
                upper.close();
            }
        }
        return entries;
    }

    /**
     * The stored form of a data file's chunk ({@link RemotePartitions#readFileChunk}), or null when the file is gone.
     * Through a lease, the file must be here (the lease keeps it): one lost or damaged here is repaired from another
     * replica first ({@link Partition#repairChunk}). Without one (another replica repairing its own copy, or a read as
     * of now), the chunk is answered as it is here, unchecked.
     */
    public byte[] readFileChunk(byte[] dataId, int index, int chunkSize, int length, long lease) {
        if (lease == 0) {
            return partition.files().readChunk(dataId, index, chunkSize, length);
        }
        lease(lease); // held: the file stays while it is
        String what =
                "chunk " + index + " of data file " + java.util.HexFormat.of().formatHex(dataId);
        int chunkLength = length - Chunks.CRC_LENGTH;
        try {
            byte[] stored = partition.files().readChunk(dataId, index, chunkSize, length);
            if (stored == null) {
                throw DataFiles.missing(what, dataId);
            }
            Chunks.verify(stored, chunkLength, what);
            return stored;
        } catch (StorageException damage) {
            if (damage.reason() != StorageException.Reason.CORRUPT_DATA
                    && damage.reason() != StorageException.Reason.IO) {
                throw damage;
            }
            ByteBuffer repaired = partition.repairChunk(dataId, index, chunkSize, chunkLength, what, damage);
            byte[] bytes = new byte[repaired.remaining()];
            repaired.get(bytes);
            return bytes;
        }
    }

    private static Cf column(String name) {
        return Cf.named(name);
    }

    /** Chunks of data files this replica found missing or damaged and repaired from another replica since it opened. */
    public long repairedChunks() {
        return partition.repairedChunks();
    }

    /**
     * About the bytes this replica holds, cheaply: its objects' and parts' bytes (the usage counters) and its
     * database's live files.
     */
    public long storedBytes() {
        long total = partition.longProperty("rocksdb.live-sst-files-size");
        try (org.rocksdb.ReadOptions options = new org.rocksdb.ReadOptions();
                Partition.Cursor it = partition.iterator(Cf.STATS, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                byte counter = key[key.length - 1];
                if (counter == Stats.COUNTERS[Stats.BYTES] || counter == Stats.COUNTERS[Stats.PART_BYTES]) {
                    total += Stats.decode(it.value());
                }
            }
            it.check("count stored bytes");
        }
        return total;
    }

    /** Whether data is queued for reclamation in this replica (replaced or deleted bodies not yet dropped). */
    public boolean hasQueuedGarbage() {
        return !partition.noKeyWithPrefix(Cf.GC, new byte[0]);
    }

    /**
     * SHA-256 over the partition's object state (not its applied mark), data files of stored bodies included: equal
     * for replicas in equal states.
     */
    public String digest() {
        String records = service.digest();
        try {
            java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
            sha256.update(records.getBytes(StandardCharsets.US_ASCII));
            java.util.HexFormat hex = java.util.HexFormat.of();
            java.util.List<byte[]> ids =
                    new java.util.ArrayList<>(partition.files().ids());
            ids.sort(java.util.Arrays::compare);
            int counted = 0;
            for (byte[] id : ids) {
                // Files of bodies still arriving, or dropped and waiting to be deleted, differ between replicas
                // for a while; the files of stored bodies may not.
                if (partition.get(Cf.PENDING, id, "digest") != null
                        || partition.get(Cf.GC, id, "digest") != null
                        || partition.deletionWaits(id)) {
                    continue;
                }
                sha256.update(id);
                try (java.io.InputStream in =
                        java.nio.file.Files.newInputStream(partition.files().path(id))) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha256.update(buffer, 0, n);
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    sha256.update((byte) 0); // deleted since listed
                }
                counted++;
            }
            return counted == 0 ? records : hex.formatHex(sha256.digest());
        } catch (java.security.NoSuchAlgorithmException | java.io.IOException e) {
            throw new StorageException(StorageException.Reason.IO, "partition " + index() + ": digest data files", e);
        }
    }

    /**
     * Writes a copy of this replica as of the applied mark (recorded first as {@code upTo}, if later: see {@link
     * #flush(Mark)}) into {@code target}, which must not exist, and returns the mark it holds: what a replica behind
     * a purged log installs ({@link #install}). Call where entries are applied, between two of them.
     */
    public synchronized Mark checkpoint(Mark upTo, Path target) {
        Mark mark = flush(upTo);
        syncData();
        partition.checkpoint(target);
        // The data files beside the records, hard-linked: a body's file is the same bytes wherever it is, and one
        // still being written only gains chunks the log also brings after the copy's mark.
        java.util.HexFormat hex = java.util.HexFormat.of();
        try {
            for (byte[] id : partition.files().ids()) {
                Path file = partition.files().path(id);
                try {
                    java.nio.file.Files.createLink(target.resolve(COPY_DATA_PREFIX + hex.formatHex(id)), file);
                } catch (java.nio.file.NoSuchFileException e) {
                    // Deleted since it was listed: no record of the copy needs it.
                }
            }
        } catch (java.io.IOException e) {
            throw new StorageException(StorageException.Reason.IO, "partition " + index() + ": copy data files", e);
        }
        return mark;
    }

    /**
     * The mark of a copy whose install was interrupted (a crash while {@link #install} ran), or null: a replica
     * opened with one is incomplete, and must install that copy again before it applies anything.
     */
    public Mark installing() {
        byte[] marker = partition.getOwn(INSTALLING_KEY, "read the install marker");
        return marker == null ? null : Mark.decode(marker);
    }

    /**
     * Replaces this replica's state with the copy in {@code source} ({@link #checkpoint} of another replica of this
     * partition, at {@code expected}): after it, the replica has applied exactly the entries up to {@code expected}.
     * Block checksums of the copy are verified first. Interrupted by a crash, the replica opens {@link #installing}
     * that mark. Call where entries are applied; nothing else may write the partition meanwhile.
     *
     * @throws StorageException {@code CORRUPT_DATA} when the copy is not at {@code expected} (nothing changed then);
     *     {@code IO} when it cannot be read or written
     */
    public synchronized void install(Path source, Mark expected) {
        // The copy's data files go in first: once its records are in, every file they name is there. Files the copy
        // does not have belong to bodies dropped before its mark (or to entries after it, none of which this replica
        // has yet): they go last.
        java.util.HexFormat hex = java.util.HexFormat.of();
        java.util.Set<String> copied = new java.util.HashSet<>();
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(source)) {
            for (Path file : all.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(COPY_DATA_PREFIX) && !name.endsWith(".md5")) {
                    String id = name.substring(COPY_DATA_PREFIX.length());
                    partition.files().link(hex.parseHex(id), file);
                    copied.add(id);
                }
            }
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new StorageException(
                    StorageException.Reason.IO, "partition " + index() + ": install the data files of " + source, e);
        }
        partition.replaceWith(source, APPLIED_KEY, expected.encode(), INSTALLING_KEY, expected.encode());
        try {
            java.util.List<byte[]> stale = new java.util.ArrayList<>();
            for (byte[] id : partition.files().ids()) {
                if (!copied.contains(hex.formatHex(id))) {
                    stale.add(id);
                }
            }
            partition.deleteFilesOnceUnread(stale);
        } catch (java.io.IOException e) {
            throw new StorageException(StorageException.Reason.IO, "partition " + index() + ": list data files", e);
        }
        applied = expected;
        outcomes.clear();
        notifyAll();
        partition.notifyReplaced();
    }

    /** Closes the partition (its host's shared resources stay open). */
    @Override
    public void close() {
        leases.values().forEach(this::release);
        leases.clear();
        partition.close();
    }
}
