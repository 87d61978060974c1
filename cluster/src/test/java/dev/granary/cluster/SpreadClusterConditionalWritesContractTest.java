package dev.granary.cluster;

import dev.granary.storage.contract.ConditionalWritesContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ConditionalWritesContract} on a three-node cluster whose store under test holds one of three object partitions. */
class SpreadClusterConditionalWritesContractTest extends ConditionalWritesContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.SPREAD;
    }
}
