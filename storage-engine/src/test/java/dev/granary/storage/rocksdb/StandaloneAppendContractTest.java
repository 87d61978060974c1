package dev.granary.storage.rocksdb;

import dev.granary.storage.contract.AppendContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link AppendContract} on the standalone engine. */
class StandaloneAppendContractTest extends AppendContract {
    @Override
    protected StoreFixture fixture() {
        return Standalone.FIXTURE;
    }
}
