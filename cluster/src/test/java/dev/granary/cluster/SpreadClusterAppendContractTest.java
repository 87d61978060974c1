package dev.granary.cluster;

import dev.granary.storage.contract.AppendContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link AppendContract} on a three-node cluster whose store under test holds one of three object partitions. */
class SpreadClusterAppendContractTest extends AppendContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.SPREAD;
    }
}
