package dev.granary.cluster;

import dev.granary.storage.contract.ConditionalWritesContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ConditionalWritesContract} on a three-node cluster. */
class ClusterConditionalWritesContractTest extends ConditionalWritesContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.FIXTURE;
    }
}
