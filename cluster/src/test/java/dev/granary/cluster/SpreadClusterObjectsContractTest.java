package dev.granary.cluster;

import dev.granary.storage.contract.ObjectsContract;
import dev.granary.storage.contract.StoreFixture;

/** {@link ObjectsContract} on a three-node cluster whose store under test holds one of three object partitions. */
class SpreadClusterObjectsContractTest extends ObjectsContract {
    @Override
    protected StoreFixture fixture() {
        return ThreeNodes.SPREAD;
    }
}
