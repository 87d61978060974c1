package dev.granary.cluster.placement;

import java.util.Set;

/**
 * What starts and removes nodes for the autoscaler: node processes on this machine ({@code granary cluster
 * --autoscale}), a Kubernetes StatefulSet. The autoscaler only records the node count it wants and drains the node a
 * scale-in removes; a provisioner, called every few seconds with what the cluster reports, makes it so.
 */
public interface Provisioner {
    /**
     * Moves the running nodes towards {@code target}: starts nodes (which join) while fewer than it run, and removes
     * nodes that are drained (hold no replica) while more run. Idempotent: called again with the same state, it does
     * nothing more.
     *
     * @param target the node count the autoscaler wants
     * @param running the members that run now (up, draining or drained; not dead), by id
     * @param drained those of them that hold no replica and may be removed
     */
    void provision(int target, Set<String> running, Set<String> drained);
}
