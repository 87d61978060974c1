package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectStore;
import dev.granary.storage.contract.ObjectsContract;
import dev.granary.storage.contract.StoreFixture;
import java.nio.file.Path;

/** {@link ObjectsContract} on the standalone engine: 4 partitions, small chunks, every body in RocksDB. */
class StandaloneObjectsContractTest extends ObjectsContract {
    static final StoreFixture STANDALONE = new StoreFixture() {
        @Override
        public ObjectStore open(Path dir) {
            return RocksObjectStore.open(
                    dir, new EngineOptions(4, true, StoreTestSupport.INLINE, StoreTestSupport.CHUNK, Long.MAX_VALUE));
        }

        @Override
        public int chunkSize() {
            return StoreTestSupport.CHUNK;
        }
    };

    @Override
    protected StoreFixture fixture() {
        return STANDALONE;
    }
}
