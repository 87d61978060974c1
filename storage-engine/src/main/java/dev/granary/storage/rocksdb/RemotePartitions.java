package dev.granary.storage.rocksdb;

import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandResult;
import java.util.List;

/**
 * Partitions whose replicas are all on other nodes: their reads and their commands, for a cluster node's store (see
 * {@link ReplicaHost#openStore}): each read is linearizable, answered by a replica at least as current as the
 * partition's last committed write when the read began. Column families are named as
 * {@link ReplicaPartition#read} and {@link ReplicaPartition#scan} take them on the replica's side.
 *
 * <p>Every method throws {@link dev.granary.storage.StorageException} ({@code UNAVAILABLE}) when no replica
 * answered in time.
 */
public interface RemotePartitions {
    /**
     * The value of {@code key} in column family {@code cf} (its name) of {@code partition}, or null when absent: as of
     * now, or, with a {@code lease}, in that lease's snapshot.
     */
    byte[] get(int partition, String cf, byte[] key, Lease lease);

    /**
     * A snapshot of {@code partition} on one of its replicas, taken by a linearizable read, for a reader that reads
     * several records and chunks of one version ({@link #get}, {@link #readFileChunk}); the replica holds it until
     * {@link #release} or until it is unused for a while (30 s).
     */
    Lease openRead(int partition);

    /**
     * {@link #get} through {@code lease}, without waiting: what a stream reads ahead. Fails as {@link #get} throws.
     */
    java.util.concurrent.CompletableFuture<byte[]> getAsync(int partition, String cf, byte[] key, Lease lease);

    /** {@link #readFileChunk} through {@code lease}, without waiting. */
    java.util.concurrent.CompletableFuture<byte[]> readFileChunkAsync(
            int partition, byte[] dataId, int index, int chunkSize, int length, Lease lease);

    /** Releases {@code lease} (best effort: an unreleased lease expires). */
    void release(int partition, Lease lease);

    /** A snapshot held by replica {@code server} for this node, by its id there. */
    record Lease(long id, String server) {}

    /**
     * Up to {@code limit} entries of column family {@code cf} (its name) of {@code partition} from {@code from} (included)
     * below {@code upperBound} (null: to the end), in key order, as a list of keys and values alternating.
     */
    List<byte[]> scan(int partition, String cf, byte[] from, byte[] upperBound, int limit);

    /**
     * The stored form (CRC32C, then the bytes) of chunk {@code index} of the data file of {@code dataId} in
     * {@code partition}, whose chunks are {@code chunkSize} bytes and this one's stored form {@code length} (its CRC32C
     * included); null when the file is gone. With a {@code lease}, read from the replica that holds it, whose file stays while it does.
     */
    byte[] readFileChunk(int partition, byte[] dataId, int index, int chunkSize, int length, Lease lease);

    /** The replicas of {@code partition} on other nodes (their server ids): where a replica here repairs from. */
    List<String> peersOf(int partition);

    /**
     * {@link #readFileChunk} as replica {@code peer} of {@code partition} has it, unverified (the reader checks its
     * CRC32C); null when it has no such file or a shorter one.
     *
     * @throws dev.granary.storage.StorageException {@code UNAVAILABLE} when that replica does not answer
     */
    byte[] readFileChunkFrom(int partition, String peer, byte[] dataId, int index, int chunkSize, int length);

    /**
     * Proposes {@code command} to {@code partition}'s replicas and returns what applying it did, as the replica that
     * answered computed it ({@link CommandResult#record} and {@link CommandResult#leavesGarbage} included).
     *
     * @throws dev.granary.storage.StorageException {@code UNAVAILABLE} when it may or may not take effect
     */
    CommandResult propose(int partition, Command command);
}
