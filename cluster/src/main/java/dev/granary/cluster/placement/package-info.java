/**
 * Where a cluster's replicas should be and how many nodes it should run, as pure functions of what the cluster
 * knows: {@link dev.granary.cluster.placement.PlacementPolicy} turns a partition map and the nodes into the map to
 * move towards (distinct nodes and zones, replicas and leaders balanced, as little data moved as the change needs);
 * {@link dev.granary.cluster.placement.Autoscaler} turns load samples into scale-out and scale-in decisions, with
 * hysteresis and cool-downs. No Ratis, no I/O, no clock of their own: what executes the moves and starts or stops
 * nodes calls them, and so does the simulator in {@code bench/} that runs them at sizes one machine cannot.
 */
package dev.granary.cluster.placement;
