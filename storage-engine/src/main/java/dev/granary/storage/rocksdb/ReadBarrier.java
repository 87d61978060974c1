package dev.granary.storage.rocksdb;

import java.util.Set;

/** How a store over a node's replicas waits until they hold every write acknowledged anywhere (a cluster's job). */
@FunctionalInterface
public interface ReadBarrier {
    /**
     * Returns once this node's replicas of {@code partitions} have applied every entry their leaders had applied
     * when it was called.
     *
     * @throws dev.granary.storage.StorageException {@code IO} when they cannot catch up in time
     */
    void await(Set<Integer> partitions);
}
