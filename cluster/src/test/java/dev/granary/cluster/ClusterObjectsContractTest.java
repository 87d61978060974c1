package dev.granary.cluster;

import dev.granary.storage.contract.ObjectsContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ObjectsContract} on a three-node cluster. */
class ClusterObjectsContractTest extends ObjectsContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.FIXTURE;
    }
}
