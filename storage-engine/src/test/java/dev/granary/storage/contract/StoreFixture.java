package dev.granary.storage.contract;

import dev.granary.storage.ObjectStore;
import java.nio.file.Path;

/** How a contract test gets a store: the standalone engine in a folder, later a cluster's node. */
public interface StoreFixture {
    /** Opens (or reopens) the store whose state lives under {@code dir}. */
    ObjectStore open(Path dir);

    /** Bytes per chunk of the store, so tests can cross chunk boundaries on purpose. */
    int chunkSize();
}
