package dev.granary.cluster;

import dev.granary.storage.contract.MultipartContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link MultipartContract} on a three-node cluster. */
class ClusterMultipartContractTest extends MultipartContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.FIXTURE;
    }
}
