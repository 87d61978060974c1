package dev.granary.cluster;

import dev.granary.cluster.placement.Move;
import dev.granary.cluster.placement.Node;
import dev.granary.cluster.placement.PartitionMap;
import dev.granary.cluster.placement.PlacementPolicy;
import dev.granary.storage.StorageException;
import dev.granary.storage.rocksdb.ReplicaPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the cluster's membership, one step per round, on the node that leads partition 0 (the catalog, where
 * the registry and the partition map are): every member gets a replica of the catalog, then the object partitions'
 * replicas move towards {@link PlacementPolicy#target}, one Raft membership change at a time.
 *
 * <p>A move of partition p from node A to node B is two changes, each committed before the map records it: B is added
 * (its server first hosts the group with no configuration, as Ratis's own tools do, so that it waits for the leader
 * instead of campaigning; the leader stages it until it caught up, from the log or from a copy of the partition), then
 * A is asked to serve the partition through the group ({@link Query#RELEASE}) and removed. A removed replica's group is
 * deleted from its node a few seconds later, once every node has read the new map. Each step is idempotent (Ratis
 * answers a configuration it already has with success), so a controller that dies midway is followed by one that reads
 * the map and goes on; the map may lag a committed change by one step, which the next step's configuration corrects.
 */
final class Controller {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /** How long a removed replica's group stays on its node: every node reads the new map meanwhile. */
    static final long REMOVE_GROUP_AFTER_MILLIS = 3_000;

    private final RaftNode node;
    private final PlacementPolicy policy;

    Controller(RaftNode node, PlacementPolicy policy) {
        this.node = node;
        this.policy = policy;
    }

    /** One round: nothing unless this node leads the catalog; else at most one membership change. */
    void round() throws IOException {
        if (!node.leads(0)) {
            return;
        }
        ReplicaPartition catalog = node.localReplica(0);
        if (catalog == null) {
            return;
        }
        // The map first: a node that joins reaches the partitions it holds no replica of through it.
        byte[] stored = Membership.storedMap(catalog);
        PartitionMap map = Membership.map(stored);
        if (map == null) {
            node.submit(0, Membership.replaceMap(null, node.foundingMap()));
            LOG.info("partition map recorded: {}", node.foundingMap());
            return;
        }
        Map<String, Membership.Registered> registered = Membership.registered(catalog);
        List<RaftNode.Member> members = node.members();
        RaftConfiguration catalogConf = node.configuration(0);
        if (!catalogConf.getPreviousPeers().isEmpty()) {
            return; // a change of the catalog's members is under way
        }
        Set<String> inCatalog = ids(catalogConf.getCurrentPeers());
        for (RaftNode.Member member : members) {
            if (!inCatalog.contains(member.id()) && state(registered, member.id()) != Node.State.DEAD) {
                List<RaftNode.Member> next = new ArrayList<>();
                for (String id : inCatalog) {
                    next.add(node.member(id));
                }
                next.add(member);
                LOG.info("adding {} to the catalog's group", member.id());
                node.addReplica(0, member, next);
                return;
            }
        }
        PartitionMap target = policy.target(map, nodes(registered, members), p -> 0);
        if (target.replicas().equals(map.replicas())) {
            leadOnePartition(map, registered);
            return;
        }
        step(map, stored, target);
    }

    /** The partition whose leadership the next quiet round looks at (round-robin). */
    private int nextLeadership;

    /**
     * Hands one partition's leadership to its preferred leader when another replica leads it: Ratis yields to a
     * higher-priority replica by itself only when it finds it exactly caught up, which under steady writes can take
     * long; a transfer waits for the replica to catch up and then moves leadership, refusing writes for that moment
     * (the proposers retry them).
     */
    private void leadOnePartition(PartitionMap map, Map<String, Membership.Registered> registered) {
        int i = nextLeadership++ % map.partitions();
        String preferred = map.preferredLeader(i);
        if (preferred == null || state(registered, preferred) != Node.State.UP) {
            return;
        }
        String leader = node.leaderOf(i + 1);
        if (leader != null && !leader.equals(preferred)) {
            LOG.info("partition {}: handing leadership from {} to {}", i + 1, leader, preferred);
            node.transferLeadership(
                    i + 1,
                    node.member(preferred),
                    map.replicas(i).stream().map(node::member).toList());
        }
    }

    private static List<Node> nodes(Map<String, Membership.Registered> registered, List<RaftNode.Member> members) {
        List<Node> nodes = new ArrayList<>();
        for (RaftNode.Member member : members) {
            Membership.Registered known = registered.get(member.id());
            nodes.add(new Node(member.id(), known == null ? "" : known.zone(), state(registered, member.id())));
        }
        return nodes;
    }

    /**
     * The moves between {@code map} and the placement the controller moves towards, the next one first (the policy is
     * deterministic: any node computes the same), numbered by partition.
     */
    List<Move> pendingMoves(
            PartitionMap map, Map<String, Membership.Registered> registered, List<RaftNode.Member> members) {
        PartitionMap target = policy.target(map, nodes(registered, members), p -> 0);
        List<Move> moves = new ArrayList<>();
        for (Move move : PlacementPolicy.moves(map, target, p -> 0)) {
            moves.add(new Move(move.partition() + 1, move.from(), move.to(), move.bytes()));
        }
        return moves;
    }

    /** Takes the first partition that differs from {@code target} one change towards it, and records the map. */
    private void step(PartitionMap map, byte[] stored, PartitionMap target) throws IOException {
        for (int i = 0; i < map.partitions(); i++) {
            List<String> now = map.replicas(i);
            List<String> wanted = target.replicas(i);
            if (now.equals(wanted)) {
                continue;
            }
            int p = i + 1;
            String arriving =
                    wanted.stream().filter(id -> !now.contains(id)).findFirst().orElse(null);
            String leaving = arriving != null
                    ? null
                    : now.stream()
                            .filter(id -> !wanted.contains(id))
                            .findFirst()
                            .orElse(null);
            List<String> next = new ArrayList<>(now);
            if (arriving != null) {
                next.add(arriving);
            } else if (leaving != null) {
                next.remove(leaving);
            }
            next = ordered(next, wanted);
            List<RaftNode.Member> peers = next.stream().map(node::member).toList();
            if (arriving != null) {
                LOG.info("partition {}: adding a replica on {} ({} -> {})", p, arriving, now, next);
                node.addReplica(p, node.member(arriving), peers);
            } else if (leaving != null) {
                LOG.info("partition {}: removing the replica on {} ({} -> {})", p, leaving, now, next);
                node.removeReplica(p, node.member(leaving), peers);
            } else {
                LOG.info("partition {}: preferred leader {} ({} -> {})", p, next.get(0), now, next);
                node.setPeers(p, peers);
            }
            List<List<String>> replicas = new ArrayList<>(map.replicas());
            replicas.set(i, next);
            PartitionMap recorded = new PartitionMap(map.epoch() + 1, replicas);
            try {
                node.submit(0, Membership.replaceMap(stored, recorded));
            } catch (StorageException e) {
                LOG.warn("partition map epoch {} not recorded: {}", recorded.epoch(), e.getMessage());
                return;
            }
            if (leaving != null) {
                node.removeGroupLater(p, node.member(leaving), REMOVE_GROUP_AFTER_MILLIS);
            }
            return;
        }
    }

    /** {@code next} with the replicas {@code wanted} names first, in its order (its first is the preferred leader). */
    private static List<String> ordered(List<String> next, List<String> wanted) {
        List<String> ordered = new ArrayList<>();
        for (String id : wanted) {
            if (next.contains(id)) {
                ordered.add(id);
            }
        }
        for (String id : next) {
            if (!ordered.contains(id)) {
                ordered.add(id);
            }
        }
        return ordered;
    }

    private static Node.State state(Map<String, Membership.Registered> registered, String id) {
        Membership.Registered known = registered.get(id);
        return known == null ? Node.State.UP : known.state();
    }

    private static Set<String> ids(java.util.Collection<RaftPeer> peers) {
        Set<String> ids = new TreeSet<>();
        peers.forEach(peer -> ids.add(peer.getId().toString()));
        return ids;
    }
}
