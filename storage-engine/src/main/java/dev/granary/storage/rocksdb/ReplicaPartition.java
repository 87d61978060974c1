package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
 * partition. Object bodies are inline in this form; bodies stored in data files arrive with the commands that carry
 * them (a later slice).
 */
public final class ReplicaPartition implements AutoCloseable {
    private static final byte[] APPLIED_KEY = "raft/applied".getBytes(StandardCharsets.US_ASCII);

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

    private final Partition partition;
    private final PartitionService service;
    private volatile Mark applied;

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
        ReplicaPartition replica = new ReplicaPartition(Partition.open(index, dir, shared, false));
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
    public synchronized CommandResult apply(Mark mark, Command command) {
        Objects.requireNonNull(command, "command");
        if (mark.index() <= applied.index()) {
            return CommandResult.SKIPPED;
        }
        CommandResult[] result = new CommandResult[1];
        byte[] encoded = mark.encode();
        partition.withTrailer(batch -> partition.putOwn(batch, APPLIED_KEY, encoded), "apply entry " + mark, () -> {
            try {
                PartitionService.Applied done = service.apply(command);
                ObjectRecord record = done.record();
                result[0] = record == null
                        ? CommandResult.APPLIED
                        : CommandResult.applied(
                                record.nullVersion() ? "null" : record.versionId(),
                                record.deleteMarker(),
                                record.lastModified());
            } catch (PartitionService.PartsChanged e) {
                result[0] = CommandResult.partsChanged(e.getMessage());
            } catch (StorageException e) {
                if (e.reason() == StorageException.Reason.IO
                        || e.reason() == StorageException.Reason.CORRUPT_DATA
                        || e.reason() == StorageException.Reason.INSUFFICIENT_STORAGE) {
                    throw e; // not a refusal: this replica failed, and must not record the entry as applied
                }
                result[0] = CommandResult.refused(e);
            }
        });
        applied = mark;
        return result[0];
    }

    /**
     * Makes every applied entry durable (a flush of every column family) and returns the applied mark it covers: the
     * index up to which the log may be purged.
     */
    public synchronized Mark flush() {
        partition.flush();
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

    /** SHA-256 over the partition's object state (not its applied mark): equal for replicas in equal states. */
    public String digest() {
        return service.digest();
    }

    /** Closes the partition (its host's shared resources stay open). */
    @Override
    public void close() {
        partition.close();
    }
}
