package dev.granary.cluster;

import dev.granary.storage.rocksdb.ReplicaPartition;
import dev.granary.storage.rocksdb.ReplicaPartition.Mark;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A read of a replica's state through Ratis (a read-only request): one byte naming it, answered as bytes. */
enum Query {
    /** The last log entry applied, commands and the log's own entries alike: term and index, 8 bytes each. */
    APPLIED((byte) 1),
    /** The digest of the partition's object state, as ASCII hex. */
    DIGEST((byte) 2),
    /** The group as the answering replica sees it ({@link PartitionStatus}), asked of the leader. */
    STATUS((byte) 3),
    /**
     * The last command applied (Ratis's own entries, such as the commit-index records a leader appends after every
     * commit, left out), as {@link #APPLIED}: the read barrier's target. A leader's own entries are committed on
     * followers only at its next message, which, with no write following, is the next heartbeat: a barrier that
     * waited for them would make an idle follower's reads wait up to a heartbeat interval.
     */
    LAST_COMMAND((byte) 4),
    /**
     * Asked of one replica (a stale read addressed to it) before the controller removes it from its group: the node
     * stops serving the partition from it, and serves it through the group from then on. Answers nothing.
     */
    RELEASE((byte) 5),
    /**
     * Asked of one node's replica of the catalog (a stale read addressed to it), about another partition that node
     * hosts ({@link #progress(int)}; a replica being added answers nothing itself until it has its configuration): how
     * a copy of it arrives there, four longs: the bytes of its newest copy, the bytes of a copy arriving, the copies it
     * installed, the last entry it applied (all 0 when the node hosts none).
     */
    PROGRESS((byte) 6),
    /** The read leases readers on other nodes hold on the answering replica, a long (asked of one replica). */
    LEASES((byte) 7);

    private final byte code;

    Query(byte code) {
        this.code = code;
    }

    byte[] encode() {
        return new byte[] {code};
    }

    /** The query {@link #PROGRESS} about {@code partition}. */
    static byte[] progress(int partition) {
        return ByteBuffer.allocate(5).put(PROGRESS.code).putInt(partition).array();
    }

    /** The partition a {@link #PROGRESS} query asks about. */
    static int partitionAsked(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    static Query decode(byte[] bytes) {
        if (bytes.length == 5 && bytes[0] == PROGRESS.code) {
            return PROGRESS;
        }
        if (bytes.length == 1) {
            for (Query query : values()) {
                if (query.code == bytes[0]) {
                    return query;
                }
            }
        }
        throw new IllegalArgumentException("not a query: " + bytes.length + " bytes");
    }

    byte[] answer(ReplicaPartition replica, Mark lastApplied, Mark lastCommand) {
        if (replica == null) {
            throw new IllegalStateException("the replica is not open");
        }
        return switch (this) {
            case APPLIED -> encode(lastApplied);
            case LAST_COMMAND -> encode(lastCommand);
            case DIGEST -> replica.digest().getBytes(StandardCharsets.US_ASCII);
            case LEASES -> ByteBuffer.allocate(8).putLong(replica.openLeases()).array();
            case STATUS, RELEASE, PROGRESS ->
                throw new IllegalStateException("the state machine answers " + this + " itself");
        };
    }

    private static byte[] encode(Mark mark) {
        return ByteBuffer.allocate(16)
                .putLong(mark.term())
                .putLong(mark.index())
                .array();
    }

    static Mark mark(byte[] answer) {
        ByteBuffer buffer = ByteBuffer.wrap(answer);
        return new Mark(buffer.getLong(), buffer.getLong());
    }
}
