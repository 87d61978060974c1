package dev.granary.storage.rocksdb;

import dev.granary.storage.contract.MultipartContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link MultipartContract} on the standalone engine. */
class StandaloneMultipartContractTest extends MultipartContract {
    @Override
    protected StoreFixture fixture() {
        return Standalone.FIXTURE;
    }
}
