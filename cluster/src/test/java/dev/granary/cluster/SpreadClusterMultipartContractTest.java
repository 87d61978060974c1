package dev.granary.cluster;

import dev.granary.storage.contract.MultipartContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link MultipartContract} on a three-node cluster whose store under test holds one of three object partitions. */
class SpreadClusterMultipartContractTest extends MultipartContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.SPREAD;
    }
}
