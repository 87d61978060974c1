package dev.granary.storage.rocksdb;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The replicas one node holds, in its data folder ({@code <data>/partitions/NNN}, as a standalone store lays
 * them out): opens them with one block cache and RocksDB's library loaded once. Closed after its replicas.
 */
public final class ReplicaHost implements AutoCloseable {
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

    /** Opens (creating if missing) this node's replica of partition {@code index}. */
    public ReplicaPartition openPartition(int index) {
        return ReplicaPartition.open(
                shared, index, dataDir.resolve("partitions").resolve(String.format("%03d", index)));
    }

    @Override
    public void close() {
        shared.close();
    }
}
