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
    DIGEST((byte) 2);

    private final byte code;

    Query(byte code) {
        this.code = code;
    }

    byte[] encode() {
        return new byte[] {code};
    }

    static Query decode(byte[] bytes) {
        if (bytes.length == 1) {
            for (Query query : values()) {
                if (query.code == bytes[0]) {
                    return query;
                }
            }
        }
        throw new IllegalArgumentException("not a query: " + bytes.length + " bytes");
    }

    byte[] answer(ReplicaPartition replica, Mark lastApplied) {
        if (replica == null) {
            throw new IllegalStateException("the replica is not open");
        }
        return switch (this) {
            case APPLIED ->
                ByteBuffer.allocate(16)
                        .putLong(lastApplied.term())
                        .putLong(lastApplied.index())
                        .array();
            case DIGEST -> replica.digest().getBytes(StandardCharsets.US_ASCII);
        };
    }

    static Mark mark(byte[] answer) {
        ByteBuffer buffer = ByteBuffer.wrap(answer);
        return new Mark(buffer.getLong(), buffer.getLong());
    }
}
