package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.IntPredicate;

/**
 * The replicas one node holds, in its data folder ({@code <data>/partitions/NNN}, as a standalone store lays
 * them out): opens them with one block cache and RocksDB's library loaded once. Closed after its replicas.
 */
public final class ReplicaHost implements AutoCloseable {
    /**
     * How long a body may stay pending before the reclaimer of the partition's leader abandons it: a proposer that
     * died mid-body leaves its chunks on every replica, and no restart of another node recovers them. Longer than any
     * upload lasts (a 5 GiB PUT at 1 MiB/s takes under an hour and a half).
     */
    static final java.time.Duration ABANDON_PENDING_AFTER = java.time.Duration.ofHours(24);

    /** The file in a replica's folder that says the node gave the replica away ({@link #retire}). */
    static final String RETIRED = "RETIRED";

    private final Path dataDir;
    private final SharedResources shared;

    private ReplicaHost(Path dataDir) {
        this.dataDir = dataDir;
        this.shared = new SharedResources();
    }

    /** A host for replicas under {@code dataDir}. */
    public static ReplicaHost open(Path dataDir) {
        Objects.requireNonNull(dataDir, "dataDir");
        NativeLibrary.load(dataDir);
        return new ReplicaHost(dataDir);
    }

    /**
     * Opens (creating if missing) this node's replica of partition {@code index}. A replica this node gave away
     * ({@link #retire}) is not reopened: its folders are deleted and it starts empty, for the group to fill again.
     */
    public ReplicaPartition openPartition(int index) {
        if (isRetired(index)) {
            deleteRetired(index);
        }
        return ReplicaPartition.open(shared, index, folderOf(index));
    }

    private Path folderOf(int index) {
        return dataDir.resolve("partitions").resolve(String.format("%03d", index));
    }

    /**
     * Marks this node's replica of partition {@code index} as given away (the partition's group has removed this
     * node): it is never served again, and its folders are deleted when it is next opened ({@link #openPartition}) or
     * by {@link #deleteRetired}.
     */
    public void retire(int index) {
        Path marker = folderOf(index).resolve(RETIRED);
        try {
            if (!java.nio.file.Files.exists(marker)) {
                java.nio.file.Files.createFile(marker);
                try (java.nio.channels.FileChannel folder =
                        java.nio.channels.FileChannel.open(marker.getParent(), java.nio.file.StandardOpenOption.READ)) {
                    folder.force(true);
                }
            }
        } catch (java.io.IOException e) {
            throw new StorageException(
                    StorageException.Reason.IO, "partition " + index + ": cannot mark the replica given away", e);
        }
    }

    /** Whether this node's replica of partition {@code index} was given away ({@link #retire}). */
    public boolean isRetired(int index) {
        return java.nio.file.Files.exists(folderOf(index).resolve(RETIRED));
    }

    /** Deletes the folders of a replica given away ({@link #retire}); the replica must not be open. */
    public void deleteRetired(int index) {
        try {
            for (Path folder : List.of(
                    copiesOf(index),
                    copiesOf(index).resolveSibling(copiesOf(index).getFileName() + "-incoming"))) {
                deleteTree(folder);
            }
            // The marker goes last: a crash midway leaves it, and the deletion is done again.
            Path folder = folderOf(index);
            try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(folder)) {
                for (Path entry : all.toList()) {
                    if (!entry.getFileName().toString().equals(RETIRED)) {
                        deleteTree(entry);
                    }
                }
            }
            deleteTree(folder);
        } catch (java.io.IOException e) {
            throw new StorageException(
                    StorageException.Reason.IO, "partition " + index + ": cannot delete the replica given away", e);
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(root)) {
            for (Path path : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
    }

    /**
     * Where partition {@code index}'s copies for other replicas are kept ({@link ReplicaPartition#checkpoint}),
     * beside its database.
     */
    public Path copiesOf(int index) {
        return dataDir.resolve("partitions").resolve(String.format("%03d.copies", index));
    }

    /**
     * An object store over {@code replicas}, this node's replicas of some of the {@code partitionCount} partitions,
     * and {@code remote} for the others, whose writes go through {@code replication} and return once the local
     * replica applied them (waiting at most {@code applyTimeout}), or, for a partition held elsewhere, through
     * {@code remote} once a replica there applied them. Partition 0 holds the catalog, the others objects
     * ({@link Partitions#clustered}). Its reclaimer proposes the reclamation of a partition while {@code leads} says
     * this node leads it.
     *
     * @see RocksObjectStore#openReplicated
     */
    public RocksObjectStore openStore(
            List<ReplicaPartition> replicas,
            int partitionCount,
            RemotePartitions remote,
            Replication replication,
            ReadBarrier barrier,
            IntPredicate leads,
            EngineOptions options,
            Duration applyTimeout) {
        Partition[] partitions = new Partition[partitionCount];
        for (ReplicaPartition replica : replicas) {
            if (replica.index() < 0 || replica.index() >= partitionCount || partitions[replica.index()] != null) {
                throw new IllegalArgumentException("replica " + replica.index() + " of " + partitionCount);
            }
            partitions[replica.index()] = served(replica, remote, replication, leads, applyTimeout);
        }
        for (int i = 0; i < partitionCount; i++) {
            if (partitions[i] == null) {
                partitions[i] = remotePartition(i, Objects.requireNonNull(remote, "remote partitions"));
            }
        }
        // The replicas go on applying entries while the store opens (a restarted node replays its log beside the
        // opening; leaders go on sending): the store reads its caches and hooks its listeners while none applies,
        // or an entry applied in between would be in neither.
        return whileNoneApplies(
                replicas,
                0,
                () -> RocksObjectStore.openReplicated(
                        dataDir, List.of(partitions), options.withPartitions(partitionCount), barrier));
    }

    /** {@code replica}'s partition, as a store serves it: writes replicated, reclaimed where this node leads. */
    private static Partition served(
            ReplicaPartition replica,
            RemotePartitions remote,
            Replication replication,
            IntPredicate leads,
            Duration applyTimeout) {
        Partition p = replica.partition();
        p.useProposer((partition, command) ->
                replica.awaitOutcome(replication.replicate(partition.index(), command), applyTimeout));
        p.reclaimOnlyWhen(() -> leads.test(replica.index()));
        p.abandonPendingAfter(ABANDON_PENDING_AFTER);
        if (remote != null) {
            p.repairFrom(remote);
        }
        return p;
    }

    /**
     * Makes {@code store} (opened by {@link #openStore}, which served partition {@code replica.index()} through
     * {@code remote}) serve it from {@code replica}, a replica this node gained while it ran: the arguments are
     * {@link #openStore}'s. Requests under way through the group finish there.
     */
    public void adopt(
            RocksObjectStore store,
            ReplicaPartition replica,
            RemotePartitions remote,
            Replication replication,
            IntPredicate leads,
            Duration applyTimeout) {
        Partition p = served(replica, Objects.requireNonNull(remote, "remote"), replication, leads, applyTimeout);
        // The store's caches read the replica while it applies nothing, and hear every entry it applies after.
        whileNoneApplies(List.of(replica), 0, () -> {
            store.adopt(p);
            return null;
        });
    }

    private static Partition remotePartition(int index, RemotePartitions remote) {
        Partition p = Partition.remote(index, remote);
        p.useProposer((partition, command) -> Partition.outcome(remote.propose(partition.index(), command)));
        return p;
    }

    /**
     * Makes {@code store} (opened by {@link #openStore} over {@code remote}) serve partition {@code index} through
     * {@code remote}: this node's replica of it is leaving. Requests under way on the replica finish on it (it stays
     * open until the node stops); new ones go to the partition's group. Does nothing when the store serves it remotely
     * already.
     */
    public void release(RocksObjectStore store, int index, RemotePartitions remote) {
        if (store.holds(index)) {
            store.replace(remotePartition(index, remote));
        }
    }

    /** Runs {@code action} holding the replicas from {@code from} on, each of which applies entries holding itself. */
    private static <T> T whileNoneApplies(
            List<ReplicaPartition> replicas, int from, java.util.function.Supplier<T> action) {
        if (from == replicas.size()) {
            return action.get();
        }
        synchronized (replicas.get(from)) {
            return whileNoneApplies(replicas, from + 1, action);
        }
    }

    @Override
    public void close() {
        shared.close();
    }
}
