package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectStore;
import dev.granary.storage.contract.StoreFixture;
import java.nio.file.Path;

/** The standalone engine as the contract tests' store: 4 partitions, small chunks, every body in RocksDB. */
final class Standalone implements StoreFixture {
    static final Standalone FIXTURE = new Standalone();

    private Standalone() {}

    @Override
    public ObjectStore open(Path dir) {
        return RocksObjectStore.open(
                dir, new EngineOptions(4, true, StoreTestSupport.INLINE, StoreTestSupport.CHUNK, Long.MAX_VALUE));
    }

    @Override
    public int chunkSize() {
        return StoreTestSupport.CHUNK;
    }
}
