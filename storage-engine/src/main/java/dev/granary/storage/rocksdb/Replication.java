package dev.granary.storage.rocksdb;

import dev.granary.storage.command.Command;

/** How a store over a node's replicas gets its commands into each partition's replicated log (a cluster's job). */
@FunctionalInterface
public interface Replication {
    /**
     * Proposes {@code command} to the replicas of partition {@code partition} and returns the log index of its
     * entry once the entry is committed (a majority holds it). The node's own replica applies it in its turn.
     *
     * @throws dev.granary.storage.StorageException {@code IO} when it could not be committed
     */
    long replicate(int partition, Command command);
}
