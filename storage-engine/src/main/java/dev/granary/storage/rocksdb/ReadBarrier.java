package dev.granary.storage.rocksdb;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** How a store over a node's replicas waits until they hold every write acknowledged anywhere (a cluster's job). */
@FunctionalInterface
public interface ReadBarrier {
    /**
     * Completes once this node's replicas of {@code partitions} have applied every entry their leaders had applied
     * when it was called; nothing waits for it on the calling thread.
     *
     * @return a future that fails with a {@link dev.granary.storage.StorageException} ({@code UNAVAILABLE}) when the
     *     replicas cannot catch up in time
     */
    CompletableFuture<Void> current(Set<Integer> partitions);
}
