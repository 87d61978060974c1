package dev.granary.cluster;

import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandCodec;
import dev.granary.storage.command.CommandResult;
import dev.granary.storage.rocksdb.ReplicaHost;
import dev.granary.storage.rocksdb.ReplicaPartition;
import dev.granary.storage.rocksdb.ReplicaPartition.Mark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.SnapshotInfo;
import org.apache.ratis.statemachine.SnapshotRetentionPolicy;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's replica of one partition, as Ratis drives it: each committed log entry is a {@link Command} that
 * {@link ReplicaPartition#apply} applies with the entry's term and index, in log order, on every replica alike.
 * The Raft log is the partition's write-ahead log: a snapshot is a copy of the partition (a RocksDB checkpoint, hard
 * links to its files, in {@code partitions/NNN.copies/<term>_<index>}) as of the index it reports, and after a
 * restart Ratis replays the log from there (entries the partition had applied already are skipped by their index).
 *
 * <p>A replica behind the leader's purged log gets the leader's newest copy through Ratis's own snapshot transfer
 * (chunks over the servers' TLS connections, each file's MD5 checked on arrival, the set published into the copies
 * folder by one rename), then installs it ({@link ReplicaPartition#install}: block checksums verified, every record
 * replaced, an interrupted install finished at the next open). The partition object stays the same, so the store over
 * it and the readers inside it carry on.
 */
final class PartitionStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);

    /**
     * What a leader sends for the bytes of a chunk whose data file is gone (one byte, never a chunk: those have a
     * CRC32C of 4 bytes first).
     */
    private static final ByteString GONE = ByteString.copyFrom(new byte[] {0});

    private final int partition;
    private final ReplicaHost host;
    private volatile ReplicaPartition replica;
    /** The copies of this partition for replicas behind the log ({@code NNN.copies}), and where arriving ones land. */
    private final Path copies;

    private final Path incoming;
    /** The newest complete copy: reported as the snapshot, the point a restart replays from. */
    private volatile Copy latest;
    /** Copies installed from a leader since this process started. */
    private final java.util.concurrent.atomic.AtomicLong installs = new java.util.concurrent.atomic.AtomicLong();
    /** The last command (not Ratis's own entry) applied: what the read barrier waits for ({@link Query#LAST_COMMAND}). */
    private volatile Mark lastCommand = Mark.NONE;

    private final StateMachineStorage storage = new StateMachineStorage() {
        @Override
        public void init(RaftStorage raftStorage) {
            // The state lives in the partition's RocksDB folder, its copies beside it, not in Ratis's folder: the
            // folders are made as the replica opens ({@link #open}), after a replica given away here is deleted.
        }

        @Override
        public SnapshotInfo getLatestSnapshot() {
            return PartitionStateMachine.this.getLatestSnapshot();
        }

        @Override
        public void format() {
            // Nothing of ours is in Ratis's folder.
        }

        @Override
        public void cleanupOldSnapshots(SnapshotRetentionPolicy policy) {
            // takeSnapshot keeps the newest copies itself.
        }

        @Override
        public File getSnapshotDir() {
            return copies.toFile();
        }

        @Override
        public File getTmpDir() {
            return incoming.toFile();
        }
    };

    /** Whether a log entry's client is one of this node's own (its proposer here waits for the outcome). */
    private final Predicate<ClientId> ownClient;

    private final Departures departures;

    /** The node's bound on arriving copies ({@link CopyPacer}). */
    private final CopyPacer pacer;
    /** The bytes of the copy arriving, when the pacer last counted them. */
    private long arrivedSoFar;
    /** The node's answer to {@link Query#PROGRESS} about one of its partitions. */
    private volatile java.util.function.IntFunction<byte[]> progressOf = p -> NO_PROGRESS;

    /** {@link #progress()} of a partition a node does not host. */
    static final byte[] NO_PROGRESS = new byte[32];

    /** Answers {@link Query#PROGRESS} (asked of the catalog) with {@code progressOf}: the node's own partitions. */
    void answerProgressWith(java.util.function.IntFunction<byte[]> progressOf) {
        this.progressOf = Objects.requireNonNull(progressOf, "progressOf");
    }

    /** What the node hosting a replica does as the replica's group lets it go. */
    interface Departures {
        /** Serve {@code partition} through its group from now on, not from this replica ({@link Query#RELEASE}). */
        void release(int partition);

        /**
         * This replica's division closed while the node runs (its group removed it): returns whether the node keeps
         * the open replica (closing it once nothing reads it), else it is closed now.
         */
        boolean keep(int partition, PartitionStateMachine machine, ReplicaPartition replica);
    }

    /** Departures of a node that keeps nothing: a division closed closes its replica. */
    static final Departures CLOSE = new Departures() {
        @Override
        public void release(int partition) {}

        @Override
        public boolean keep(int partition, PartitionStateMachine machine, ReplicaPartition replica) {
            return false;
        }
    };

    PartitionStateMachine(int partition, ReplicaHost host, Predicate<ClientId> ownClient) {
        this(partition, host, ownClient, CLOSE);
    }

    PartitionStateMachine(int partition, ReplicaHost host, Predicate<ClientId> ownClient, Departures departures) {
        this(partition, host, ownClient, departures, new CopyPacer(0));
    }

    PartitionStateMachine(
            int partition, ReplicaHost host, Predicate<ClientId> ownClient, Departures departures, CopyPacer pacer) {
        this.partition = partition;
        this.pacer = Objects.requireNonNull(pacer, "pacer");
        this.host = Objects.requireNonNull(host, "host");
        this.ownClient = Objects.requireNonNull(ownClient, "ownClient");
        this.departures = Objects.requireNonNull(departures, "departures");
        this.copies = host.copiesOf(partition);
        this.incoming = copies.resolveSibling(copies.getFileName() + "-incoming");
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(this::open);
    }

    /**
     * Opens the replica and brings it in line with its newest copy: an install a crash interrupted is finished, a copy
     * that arrived ahead of the replica is installed, and a replica ahead of its newest copy (or without one) gets a
     * fresh copy, so that the snapshot Ratis starts from is where the replica is.
     */
    private void open() {
        // A replica this node gave away earlier is deleted here, its copies with it: the folders are made after.
        ReplicaPartition opened = host.openPartition(partition);
        try {
            Files.createDirectories(copies);
            deleteTree(incoming); // a transfer cut short by a restart
            Files.createDirectories(incoming);
            Copy newest = Copy.newest(copies);
            Mark interrupted = opened.installing();
            if (interrupted != null) {
                if (newest == null || !newest.mark().equals(interrupted)) {
                    throw new IllegalStateException("partition " + partition + ": the install of the copy at "
                            + interrupted + " was interrupted and that copy is gone from " + copies);
                }
                LOG.warn("partition {}: finishing the install of the copy at {}", partition, interrupted);
                opened.install(newest.dir(), newest.mark());
            } else if (newest != null
                    && newest.mark().index() > opened.applied().index()) {
                opened.install(newest.dir(), newest.mark());
            }
            Mark mark = opened.applied();
            if (mark.index() >= 0 && (newest == null || newest.mark().index() < mark.index())) {
                newest = copy(opened, mark);
            }
            replica = opened;
            latest = newest;
            lastCommand = mark;
            if (mark.index() >= 0) {
                setLastAppliedTermIndex(TermIndex.valueOf(mark.term(), mark.index()));
            }
            LOG.debug("partition {} replica opened at {}", partition, mark);
        } catch (IOException e) {
            opened.close();
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * A copy of {@code replica} as of its applied mark or {@code upTo} if later, made under a temporary name and
     * published by a rename; older copies but the newest two are deleted (a leader may still be sending the one
     * before: Ratis reads its files as it goes).
     */
    private Copy copy(ReplicaPartition replica, Mark upTo) throws IOException {
        Path making = copies.resolve(".making");
        deleteTree(making);
        Mark mark = replica.checkpoint(upTo, making);
        Path dir = copies.resolve(mark.term() + "_" + mark.index());
        if (Files.exists(dir)) {
            deleteTree(making); // a copy at that mark is there already (nothing was applied since)
        } else {
            Files.move(making, dir, StandardCopyOption.ATOMIC_MOVE);
        }
        Copy made = Copy.of(dir, mark);
        List<Copy> all = Copy.all(copies);
        for (int i = 0; i < all.size() - 2; i++) {
            deleteTree(all.get(i).dir());
        }
        return made;
    }

    /**
     * On the leader, before an entry is appended: a {@link Command.WriteFileChunk} is split into its header, which the
     * log keeps, and its bytes, which travel beside the log to every replica ({@link #write}) and are kept as the
     * transaction's context for the leader's own sends ({@link #read}). The bytes are not copied; the header is.
     */
    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ByteString content = request.getMessage().getContent();
        if (content.size() > CommandCodec.FILE_CHUNK_HEADER
                && CommandCodec.isFileChunk(content.byteAt(0), content.byteAt(1))) {
            ByteString bytes = content.substring(CommandCodec.FILE_CHUNK_HEADER);
            // Checked here too, so that a damaged chunk is refused to its proposer before it is in the log (a replica
            // failing to write it would stop its log).
            Command header = CommandCodec.decode(
                    content.substring(0, CommandCodec.FILE_CHUNK_HEADER).toByteArray());
            try {
                ReplicaPartition.verifyChunk(
                        (Command.WriteFileChunk) header, bytes.asReadOnlyByteBuffer(), "partition " + partition);
            } catch (StorageException e) {
                throw new IOException(e.getMessage(), e);
            }
            return TransactionContext.newBuilder()
                    .setStateMachine(this)
                    .setClientRequest(request)
                    // A copy: a substring would share the request's array, and the log's cache would keep the
                    // whole chunk alive through the header of every entry it holds (measured: out of heap after a
                    // few hundred 1 MiB PUTs).
                    .setLogData(UnsafeByteOperations.unsafeWrap(
                            content.substring(0, CommandCodec.FILE_CHUNK_HEADER).toByteArray()))
                    .setStateMachineData(bytes)
                    .setStateMachineContext(bytes)
                    .build();
        }
        return super.startTransaction(request);
    }

    /**
     * On every replica, as an entry with bytes beside the log is appended (before it can be committed): writes the
     * chunk's bytes into its data file, after checking its CRC32C. A chunk that fails the check fails the append, and
     * with it this replica's log (the bytes were damaged between the proposer and here, which TLS rules out).
     */
    @Override
    public CompletableFuture<?> write(LogEntryProto entry, TransactionContext trx) {
        try {
            Command.WriteFileChunk header = fileChunk(entry);
            ByteString bytes =
                    entry.getStateMachineLogEntry().getStateMachineEntry().getStateMachineData();
            if (bytes.size() == GONE.size() && bytes.equals(GONE)) {
                // The leader no longer had the bytes: the body was dropped before this replica got here, and an
                // entry after this one drops it here too.
                return CompletableFuture.completedFuture(null);
            }
            replica.writeData(header, bytes.asReadOnlyByteBuffer());
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            LOG.error("partition {}: writing the bytes of entry {} failed", partition, entry.getIndex(), e);
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * On the leader, for a follower whose entries the log holds without their bytes: the bytes of the proposal still
     * pending here, else read back from the data file. A file gone (the body was dropped since, by an entry later in
     * the log) answers {@link #GONE}, since Ratis sends no entry whose bytes are empty.
     */
    @Override
    public CompletableFuture<ByteString> read(LogEntryProto entry, TransactionContext trx) {
        if (trx != null && trx.getStateMachineContext() instanceof ByteString pending) {
            return CompletableFuture.completedFuture(pending);
        }
        try {
            byte[] stored = replica.readData(fileChunk(entry));
            if (stored != null && pacer.bounded() && committed(entry.getIndex())) {
                // A committed entry read back for a follower: one catching up (a replica being added replays the
                // log this way when it was not purged), which the commit does not wait for: paced.
                pacer.arrived(stored.length, CATCH_UP_WAIT_MILLIS);
            }
            return CompletableFuture.completedFuture(stored == null ? GONE : UnsafeByteOperations.unsafeWrap(stored));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The longest a send to a follower catching up waits for the pacer at once (the debt carries over): the appender
     * sending it sends that follower's heartbeats too.
     */
    private static final long CATCH_UP_WAIT_MILLIS = 200;

    /** Whether this (leading) replica's log is committed up to {@code index}. */
    private boolean committed(long index) {
        try {
            return index
                    <= getServer().join().getDivision(getGroupId()).getRaftLog().getLastCommittedIndex();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Called before the log is synced up to {@code index}: every chunk written beside it is made durable first. */
    @Override
    public CompletableFuture<Void> flush(long index) {
        try {
            ReplicaPartition open = replica;
            if (open != null) {
                open.syncData();
            }
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Command.WriteFileChunk fileChunk(LogEntryProto entry) {
        Command command =
                CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
        if (!(command instanceof Command.WriteFileChunk chunk)) {
            throw new IllegalStateException(
                    "entry " + entry.getIndex() + " has bytes beside the log but is " + command);
        }
        return chunk;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Mark mark = new Mark(entry.getTerm(), entry.getIndex());
        try {
            Command command = CommandCodec.decode(
                    entry.getStateMachineLogEntry().getLogData().toByteArray());
            boolean own = ownClient.test(
                    ClientId.valueOf(entry.getStateMachineLogEntry().getClientId()));
            CommandResult result = replica.apply(mark, command, own);
            lastCommand = mark;
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(CommandCodec.encode(result))));
        } catch (RuntimeException e) {
            // The replica could not apply an entry every replica must apply: it cannot go on. Ratis stops applying
            // to this group on an exceptional result; the error reaches the proposer if this replica leads.
            LOG.error("partition {}: applying entry {} failed; the replica stops", partition, mark, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            byte[] bytes = request.getContent().toByteArray();
            if (PartitionRead.isRead(bytes)) {
                return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(
                        PartitionRead.answer(replica, getServer().join().getId().toString(), bytes))));
            }
            Query query = Query.decode(bytes);
            if (query == Query.RELEASE) {
                departures.release(partition);
                return CompletableFuture.completedFuture(Message.EMPTY);
            }
            if (query == Query.PROGRESS) {
                return CompletableFuture.completedFuture(
                        Message.valueOf(ByteString.copyFrom(progressOf.apply(Query.partitionAsked(bytes)))));
            }
            byte[] answer = query == Query.STATUS
                    ? PartitionStatus.of(partition, getServer().join().getDivision(getGroupId()))
                            .encode()
                    : query.answer(replica, lastApplied(), lastCommand);
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(answer)));
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        // Called on the thread that applies entries: everything up to the last applied entry is in the database.
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        Copy made = copy(replica, new Mark(last.getTerm(), last.getIndex()));
        latest = made;
        return made.mark().index();
    }

    /**
     * The newest complete copy. On a follower receiving a copy, Ratis asks this before it writes each chunk: where the
     * node's {@link CopyPacer} holds it back to its bound (a leader, which asks it at every send, is never held).
     */
    @Override
    public SnapshotInfo getLatestSnapshot() {
        if (pacer.bounded() && !leads()) {
            pace();
        }
        return latest;
    }

    private boolean leads() {
        CompletableFuture<RaftServer> server = getServer();
        if (server == null || !server.isDone() || getGroupId() == null) {
            return true; // not started: nothing arrives yet
        }
        try {
            return server.join().getDivision(getGroupId()).getInfo().isLeader();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Counts what arrived since the last chunk and waits for the pacer; a new copy starts from a smaller total. */
    private void pace() {
        long arrived = CopyPacer.bytesUnder(incoming);
        long added = arrived >= arrivedSoFar ? arrived - arrivedSoFar : arrived;
        arrivedSoFar = arrived;
        try {
            pacer.arrived(added, CopyPacer.MAX_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How a copy of this partition moves, for the cluster's status: the bytes of this replica's newest copy (what a
     * new replica is sent, when this one leads), the bytes of a copy arriving, the copies installed and the last entry
     * applied.
     */
    byte[] progress() {
        return java.nio.ByteBuffer.allocate(32)
                .putLong(PartitionStatus.bytesOf(latest))
                .putLong(CopyPacer.bytesUnder(incoming))
                .putLong(installs.get())
                .putLong(lastApplied().index())
                .array();
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    /** Ratis asserts PAUSED before it reloads a state machine: the transitions it expects, idempotent. */
    @Override
    public void pause() {
        LifeCycle lifeCycle = getLifeCycle();
        if (lifeCycle.getCurrentState() == LifeCycle.State.RUNNING) {
            lifeCycle.transition(LifeCycle.State.PAUSING);
            lifeCycle.transition(LifeCycle.State.PAUSED);
        }
    }

    /**
     * Runs once Ratis has published a copy from the leader into the copies folder (the updater thread, nothing
     * applied meanwhile): installs it into the same replica, after which the log applies from its mark on.
     */
    @Override
    public void reinitialize() throws IOException {
        getLifeCycle()
                .startAndTransition(
                        () -> {
                            ReplicaPartition current = replica;
                            Copy newest = Copy.newest(copies);
                            if (newest != null
                                    && newest.mark().index() > current.applied().index()) {
                                LOG.info("partition {}: installing the leader's copy at {}", partition, newest.mark());
                                current.install(newest.dir(), newest.mark());
                                installs.incrementAndGet();
                            }
                            latest = newest;
                            Mark mark = current.applied();
                            lastCommand = mark;
                            if (mark.index() >= 0) {
                                setLastAppliedTermIndex(TermIndex.valueOf(mark.term(), mark.index()));
                            }
                        },
                        IOException.class);
    }

    @Override
    public void close() {
        ReplicaPartition open = replica;
        replica = null;
        if (open != null) {
            try {
                open.flush();
            } finally {
                if (!departures.keep(partition, this, open)) {
                    open.close();
                }
            }
        }
    }

    /**
     * The last log entry this replica applied, commands and the log's own entries (elections, configurations)
     * alike: replicas that applied up to the same entry hold the same state.
     */
    Mark lastApplied() {
        TermIndex last = getLastAppliedTermIndex();
        return last == null ? Mark.NONE : new Mark(last.getTerm(), last.getIndex());
    }

    /** The replica, for this node's own reads and checks. */
    ReplicaPartition replica() {
        return replica;
    }

    /** How many copies this replica installed from a leader since the process started. */
    long installs() {
        return installs.get();
    }

    /** A complete copy of the partition in {@code dir}, at {@code mark}: the files Ratis sends to a replica behind. */
    private record Copy(Path dir, Mark mark, List<FileInfo> files) implements SnapshotInfo {
        private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("(\\d+)_(\\d+)");

        static Copy of(Path dir, Mark mark) throws IOException {
            List<FileInfo> files = new java.util.ArrayList<>();
            try (java.util.stream.Stream<Path> found = Files.list(dir)) {
                for (Path file : found.sorted().toList()) {
                    // Ratis leaves an .md5 beside each file it received; the copy is the rest.
                    if (Files.isRegularFile(file)
                            && !file.getFileName().toString().endsWith(".md5")) {
                        files.add(new FileInfo(file, null));
                    }
                }
            }
            return new Copy(dir, mark, List.copyOf(files));
        }

        /** The complete copies in {@code copies}, oldest first. */
        static List<Copy> all(Path copies) throws IOException {
            List<Copy> all = new java.util.ArrayList<>();
            if (!Files.isDirectory(copies)) {
                return all;
            }
            try (java.util.stream.Stream<Path> found = Files.list(copies)) {
                for (Path dir : found.toList()) {
                    java.util.regex.Matcher name =
                            NAME.matcher(dir.getFileName().toString());
                    if (Files.isDirectory(dir) && name.matches()) {
                        all.add(Copy.of(dir, new Mark(Long.parseLong(name.group(1)), Long.parseLong(name.group(2)))));
                    }
                }
            }
            all.sort(java.util.Comparator.comparingLong(c -> c.mark().index()));
            return all;
        }

        static Copy newest(Path copies) throws IOException {
            List<Copy> all = all(copies);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        @Override
        public TermIndex getTermIndex() {
            return TermIndex.valueOf(mark.term(), mark.index());
        }

        @Override
        public List<FileInfo> getFiles() {
            return files;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            for (Path path : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
