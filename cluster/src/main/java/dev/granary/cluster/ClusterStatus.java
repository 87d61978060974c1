package dev.granary.cluster;

import java.util.List;

/**
 * The cluster as one node finds it ({@link RaftNode#status}): its members and whether they answer, and every
 * partition's group as its leader tells it (or, when no leader answers, as the asking node's own replica sees it).
 *
 * @param clusterName the cluster's name
 * @param self the node that asked
 * @param replicasPerPartition replicas each partition has
 * @param nodes every member
 * @param partitions every partition, in order
 * @param copiesInstalled by partition, the copies the asking node's replica installed from a leader since it started
 *     (it was behind the leader's purged log)
 * @param chunksRepaired by partition, the data-file chunks the asking node's replica found missing or damaged and
 *     repaired from another replica since it started
 * @param mapEpoch the epoch of the partition map (-1 while none is recorded)
 * @param moves the replica moves between the map and the placement the controller moves towards, the one under way
 *     first ({@code from} null: a replica added; {@code to} null: one removed), with their bytes
 * @param autoscaler the autoscaler's bounds, the node count it wants and its last decisions; null when it is off
 */
public record ClusterStatus(
        String clusterName,
        String self,
        int replicasPerPartition,
        List<Node> nodes,
        List<PartitionStatus> partitions,
        java.util.Map<Integer, Long> copiesInstalled,
        java.util.Map<Integer, Long> chunksRepaired,
        long mapEpoch,
        List<MoveProgress> moves,
        Autoscaling autoscaler) {

    /**
     * A replica move and how far it is.
     *
     * @param partition the partition
     * @param from the node whose replica leaves (null: a replica added)
     * @param to the node a replica moves to (null: one removed)
     * @param bytes what {@code to} is sent: its partition's leader's newest copy (0 when there is none to send: the
     *     replica replays the log, or none arrives)
     * @param bytesDone what arrived on {@code to} so far (0 for a move not started)
     */
    public record MoveProgress(int partition, String from, String to, long bytes, long bytesDone) {
        /** What is still to arrive. */
        public long bytesRemaining() {
            return Math.max(0, bytes - bytesDone);
        }
    }

    /**
     * The autoscaler as the catalog records it.
     *
     * @param minNodes its lower bound (-1 when this node was not given the policy)
     * @param maxNodes its upper bound (-1 likewise)
     * @param targetNodes the node count it wants, which a provisioner starts or stops nodes to match (-1: none yet)
     * @param decisions its last decisions that were not holds, oldest first
     */
    public record Autoscaling(
            int minNodes,
            int maxNodes,
            int targetNodes,
            List<dev.granary.cluster.placement.Autoscaler.Decision> decisions) {
        public Autoscaling {
            decisions = List.copyOf(decisions);
        }
    }

    /**
     * A member.
     *
     * @param id its id
     * @param raftAddress where its Raft server listens
     * @param zone its zone label ("" for none)
     * @param state {@code up} (itself, or a leader heard from it lately, or it leads a group that answered) or
     *     {@code unreachable}; {@code draining} while a drain moves its replicas away, {@code drained} once it holds
     *     none of an object partition (it keeps its replica of the catalog)
     * @param lastContactMillis how long ago a leader last heard from it, the least any leader reports; 0 for the node
     *     that asked; -1 when no leader reported it
     */
    public record Node(String id, String raftAddress, String zone, String state, long lastContactMillis) {}

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        partitions = List.copyOf(partitions);
        copiesInstalled = java.util.Map.copyOf(copiesInstalled);
        chunksRepaired = java.util.Map.copyOf(chunksRepaired);
        moves = List.copyOf(moves);
    }
}
