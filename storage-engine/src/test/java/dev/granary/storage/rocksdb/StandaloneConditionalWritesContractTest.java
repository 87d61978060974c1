package dev.granary.storage.rocksdb;

import dev.granary.storage.contract.ConditionalWritesContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ConditionalWritesContract} on the standalone engine. */
class StandaloneConditionalWritesContractTest extends ConditionalWritesContract {
    @Override
    protected StoreFixture fixture() {
        return Standalone.FIXTURE;
    }
}
