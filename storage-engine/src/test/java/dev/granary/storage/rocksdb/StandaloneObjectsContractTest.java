package dev.granary.storage.rocksdb;

import dev.granary.storage.contract.ObjectsContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ObjectsContract} on the standalone engine. */
class StandaloneObjectsContractTest extends ObjectsContract {
    @Override
    protected StoreFixture fixture() {
        return Standalone.FIXTURE;
    }
}
