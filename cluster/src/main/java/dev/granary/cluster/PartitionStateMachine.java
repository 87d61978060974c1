package dev.granary.cluster;

import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandCodec;
import dev.granary.storage.command.CommandResult;
import dev.granary.storage.rocksdb.ReplicaHost;
import dev.granary.storage.rocksdb.ReplicaPartition;
import dev.granary.storage.rocksdb.ReplicaPartition.Mark;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
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
import org.apache.ratis.util.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's replica of one partition, as Ratis drives it: each committed log entry is a {@link Command} that
 * {@link ReplicaPartition#apply} applies with the entry's term and index, in log order, on every replica alike.
 * The Raft log is the partition's write-ahead log: a snapshot is a flush of the partition's RocksDB, reporting the
 * index it covers, and after a restart Ratis replays the log from there (entries the partition had applied already
 * are skipped by their index).
 *
 * <p>Ratis's own snapshot transfer is off (a replica's state is a RocksDB database and its data files, not files
 * Ratis could copy); a replica behind the leader's purged log is brought up to date by a checkpoint install, which a
 * later slice adds. Until then {@link #notifyInstallSnapshotFromLeader} fails, so that Ratis keeps asking rather than
 * believing a replica is current that is not; purged logs keep a long tail ({@link RaftNode}) to make that rare.
 */
final class PartitionStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionStateMachine.class);

    private final int partition;
    private final ReplicaHost host;
    private volatile ReplicaPartition replica;
    /** The latest mark known durable: reported as the snapshot, the point a restart replays from. */
    private volatile TermIndex durable;
    /** The last command (not Ratis's own entry) applied: what the read barrier waits for ({@link Query#LAST_COMMAND}). */
    private volatile Mark lastCommand = Mark.NONE;

    private final StateMachineStorage storage = new StateMachineStorage() {
        @Override
        public void init(RaftStorage raftStorage) {
            // The state lives in the partition's RocksDB folder, not in Ratis's storage folder.
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
            // A snapshot is the database itself: nothing older to clean up.
        }
    };

    /** Whether a log entry's client is one of this node's own (its proposer here waits for the outcome). */
    private final Predicate<ClientId> ownClient;

    PartitionStateMachine(int partition, ReplicaHost host, Predicate<ClientId> ownClient) {
        this.partition = partition;
        this.host = Objects.requireNonNull(host, "host");
        this.ownClient = Objects.requireNonNull(ownClient, "ownClient");
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        getLifeCycle().startAndTransition(this::open);
    }

    private void open() {
        ReplicaPartition opened = host.openPartition(partition);
        replica = opened;
        Mark mark = opened.applied();
        lastCommand = mark;
        durable = mark.index() < 0 ? null : TermIndex.valueOf(mark.term(), mark.index());
        if (durable != null) {
            setLastAppliedTermIndex(durable);
        }
        LOG.debug("partition {} replica opened at {}", partition, mark);
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
            Query query = Query.decode(request.getContent().toByteArray());
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
    public long takeSnapshot() {
        // Called on the thread that applies entries: everything up to the last applied entry is in the database.
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) {
            return -1;
        }
        Mark flushed = replica.flush(new Mark(last.getTerm(), last.getIndex()));
        durable = TermIndex.valueOf(flushed.term(), flushed.index());
        return flushed.index();
    }

    @Override
    public SnapshotInfo getLatestSnapshot() {
        TermIndex at = durable;
        return at == null ? null : new Flushed(at);
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

    @Override
    public void reinitialize() throws IOException {
        ReplicaPartition old = replica;
        if (old != null) {
            old.close();
        }
        getLifeCycle().startAndTransition(this::open);
    }

    @Override
    public CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(
            RoleInfoProto roleInfo, TermIndex firstTermIndexInLog) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("partition " + partition
                + ": the leader's log starts at " + firstTermIndexInLog
                + ", past this replica's; installing a checkpoint is not built yet"));
    }

    @Override
    public void close() {
        ReplicaPartition open = replica;
        replica = null;
        if (open != null) {
            try {
                open.flush();
            } finally {
                open.close();
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

    /** A snapshot that is the database itself, flushed up to a log position: no files for Ratis to copy. */
    private record Flushed(TermIndex termIndex) implements SnapshotInfo {
        @Override
        public TermIndex getTermIndex() {
            return termIndex;
        }

        @Override
        public List<FileInfo> getFiles() {
            return List.of();
        }
    }
}
