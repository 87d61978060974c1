package dev.granary.cluster.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.IntToLongFunction;

/**
 * The partition map a cluster should move towards, from the map it has, its nodes and each partition's stored
 * bytes. What it promises, for nodes that are up:
 *
 * <ol>
 *   <li>every partition on {@code min(R, up nodes)} distinct nodes, and on distinct zones where the zone labels
 *       allow (as Garage places);
 *   <li>replicas per node within one of each other, and preferred leaders per node too, where the replicas allow;
 *   <li>as little data moved as that needs: replicas on nodes that are up stay where they are unless balance needs
 *       them elsewhere, each replica that must move moves once, and of the replicas a full node could give, the
 *       smallest go;
 *   <li>stable: the target of a target is itself, so a controller that asks again after every step never churns.
 * </ol>
 *
 * <p>Deterministic: ties are broken by node id and partition number, so every node computing it gets the same map.
 */
public final class PlacementPolicy {
    private final int replicas;

    /** A policy placing {@code replicas} copies of each partition. */
    public PlacementPolicy(int replicas) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas " + replicas);
        }
        this.replicas = replicas;
    }

    public int replicas() {
        return replicas;
    }

    /**
     * The map to move towards from {@code current}: {@code current} itself when it already keeps every promise,
     * else a map of the next epoch. With no node up, {@code current} unchanged (there is nowhere to place anything).
     */
    public PartitionMap target(PartitionMap current, List<Node> nodes, IntToLongFunction bytes) {
        Objects.requireNonNull(bytes, "bytes");
        List<Node> up = nodes.stream()
                .filter(n -> n.state() == Node.State.UP)
                .sorted(Comparator.comparing(Node::id))
                .toList();
        if (up.isEmpty()) {
            return current;
        }
        Layout layout = new Layout(current, up, bytes);
        int r = Math.min(replicas, up.size());
        for (int p = 0; p < layout.held.size(); p++) {
            layout.keepOnlyUp(p);
            while (layout.held.get(p).size() > r) {
                layout.dropFromFullest(p);
            }
        }
        for (int p = 0; p < layout.held.size(); p++) {
            while (layout.held.get(p).size() < r) {
                layout.addOnEmptiest(p);
            }
        }
        layout.spreadZones();
        layout.balanceReplicas();
        layout.balanceLeaders();
        return layout.held.equals(current.replicas()) ? current : new PartitionMap(current.epoch() + 1, layout.held);
    }

    /**
     * The replica moves that take {@code from} to {@code to}: per partition, each replica that leaves paired with
     * one that arrives, in the order of the lists; a change of preferred leader alone moves nothing.
     */
    public static List<Move> moves(PartitionMap from, PartitionMap to, IntToLongFunction bytes) {
        if (from.partitions() != to.partitions()) {
            throw new IllegalArgumentException(from.partitions() + " partitions against " + to.partitions());
        }
        List<Move> moves = new ArrayList<>();
        for (int p = 0; p < from.partitions(); p++) {
            List<String> before = from.replicas(p);
            List<String> after = to.replicas(p);
            List<String> leaving =
                    before.stream().filter(n -> !after.contains(n)).toList();
            List<String> arriving =
                    after.stream().filter(n -> !before.contains(n)).toList();
            for (int i = 0; i < Math.max(leaving.size(), arriving.size()); i++) {
                String arrives = i < arriving.size() ? arriving.get(i) : null;
                moves.add(new Move(
                        p,
                        i < leaving.size() ? leaving.get(i) : null,
                        arrives,
                        arrives == null ? 0 : bytes.applyAsLong(p)));
            }
        }
        return moves;
    }

    /** The replica lists being worked on, and each up node's replica count, bytes and preferred leaderships. */
    private static final class Layout {
        final List<List<String>> held = new ArrayList<>();
        final List<Node> up;
        final Map<String, Node> byId = new HashMap<>();
        final Map<String, Integer> count = new HashMap<>();
        final Map<String, Long> stored = new HashMap<>();
        final Map<String, Integer> leads = new HashMap<>();
        final IntToLongFunction bytes;

        Layout(PartitionMap current, List<Node> up, IntToLongFunction bytes) {
            this.up = up;
            this.bytes = bytes;
            for (Node node : up) {
                byId.put(node.id(), node);
                count.put(node.id(), 0);
                stored.put(node.id(), 0L);
                leads.put(node.id(), 0);
            }
            for (int p = 0; p < current.partitions(); p++) {
                held.add(new ArrayList<>(current.replicas(p)));
                for (String node : current.replicas(p)) {
                    if (byId.containsKey(node)) {
                        count.merge(node, 1, Integer::sum);
                        stored.merge(node, bytes.applyAsLong(p), Long::sum);
                    }
                }
            }
            for (List<String> nodes : held) {
                if (!nodes.isEmpty() && byId.containsKey(nodes.get(0))) {
                    leads.merge(nodes.get(0), 1, Integer::sum);
                }
            }
        }

        /** Fewer replicas first, then fewer bytes, then the id. */
        final Comparator<String> emptiestFirst = Comparator.<String>comparingInt(count::get)
                .thenComparingLong(stored::get)
                .thenComparing(Comparator.naturalOrder());

        void keepOnlyUp(int p) {
            List<String> nodes = held.get(p);
            String leader = nodes.isEmpty() ? null : nodes.get(0);
            nodes.removeIf(n -> !byId.containsKey(n));
            if (leader != null && !byId.containsKey(leader) && !nodes.isEmpty()) {
                leads.merge(nodes.get(0), 1, Integer::sum);
            }
        }

        void dropFromFullest(int p) {
            List<String> nodes = held.get(p);
            String fullest = nodes.stream().max(emptiestFirst).orElseThrow();
            remove(p, fullest);
        }

        void addOnEmptiest(int p) {
            List<String> nodes = held.get(p);
            Node chosen = up.stream()
                    .filter(n -> !nodes.contains(n.id()))
                    .min(Comparator.<Node>comparingInt(n -> zoneTaken(p, n.zone(), null) ? 1 : 0)
                            .thenComparing(Node::id, emptiestFirst))
                    .orElseThrow();
            nodes.add(chosen.id());
            count.merge(chosen.id(), 1, Integer::sum);
            stored.merge(chosen.id(), bytes.applyAsLong(p), Long::sum);
            if (nodes.size() == 1) {
                leads.merge(chosen.id(), 1, Integer::sum);
            }
        }

        /**
         * Whether a replica of {@code p} other than {@code except}'s is in {@code zone} (never, for the empty
         * zone: nodes without a label place as if each were its own zone).
         */
        boolean zoneTaken(int p, String zone, String except) {
            if (zone.isEmpty()) {
                return false;
            }
            for (String node : held.get(p)) {
                if (!node.equals(except) && byId.get(node).zone().equals(zone)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Moves a replica that shares its zone with another replica of its partition to a node in a zone the
         * partition lacks, where that node holds no more replicas than the one it relieves.
         */
        void spreadZones() {
            for (int p = 0; p < held.size(); p++) {
                List<String> nodes = held.get(p);
                for (int i = nodes.size() - 1; i > 0; i--) {
                    String node = nodes.get(i);
                    if (!zoneTaken(p, byId.get(node).zone(), node)) {
                        continue;
                    }
                    int partition = p;
                    up.stream()
                            .filter(n -> !nodes.contains(n.id())
                                    && !n.zone().isEmpty()
                                    && !zoneTaken(partition, n.zone(), null)
                                    && count.get(n.id()) <= count.get(node))
                            .map(Node::id)
                            .min(emptiestFirst)
                            .ifPresent(to -> replace(partition, node, to));
                }
            }
        }

        /**
         * While a node holds two or more replicas more than another, moves one of its replicas to the emptiest node
         * that can take it (does not hold the partition, and no zone of the partition doubled): the smallest partition
         * it does not lead, else the smallest it leads. The fullest node gives first; one that can give nothing (its
         * partitions' zones are taken everywhere emptier) leaves the turn to the next fullest. Every move makes the
         * counts more even, so this ends.
         */
        void balanceReplicas() {
            List<String> ids = new ArrayList<>(byId.keySet());
            int limit = held.size() * replicasAtMost() + 1;
            for (int step = 0; step < limit; step++) {
                ids.sort(emptiestFirst);
                if (!moveOneReplicaDown(ids)) {
                    return;
                }
            }
        }

        /** One replica from the fullest node that can give one to the emptiest that can take it; false if none. */
        private boolean moveOneReplicaDown(List<String> emptiestFirstIds) {
            for (int from = emptiestFirstIds.size() - 1; from > 0; from--) {
                String giver = emptiestFirstIds.get(from);
                for (String to : emptiestFirstIds) {
                    if (count.get(giver) - count.get(to) <= 1) {
                        break;
                    }
                    int p = smallestMovable(giver, to);
                    if (p >= 0) {
                        replace(p, giver, to);
                        return true;
                    }
                }
            }
            return false;
        }

        private int replicasAtMost() {
            return held.stream().mapToInt(List::size).max().orElse(0);
        }

        /** The partition on {@code from} that can go to {@code to} with the least disturbance, or -1. */
        private int smallestMovable(String from, String to) {
            String zone = byId.get(to).zone();
            int best = -1;
            for (int p = 0; p < held.size(); p++) {
                List<String> nodes = held.get(p);
                if (!nodes.contains(from) || nodes.contains(to) || zoneTaken(p, zone, from)) {
                    continue;
                }
                if (best < 0 || disturbance(p, from) < disturbance(best, from)) {
                    best = p;
                }
            }
            return best;
        }

        /** Leading replicas last, then by bytes: what moving {@code from}'s replica of {@code p} costs. */
        private long disturbance(int p, String from) {
            boolean leads = held.get(p).get(0).equals(from);
            return (leads ? Long.MAX_VALUE / 2 : 0) + bytes.applyAsLong(p);
        }

        /**
         * While a node is the preferred leader of two or more partitions more than another node, hands one
         * leadership down a chain (moving no data): the busiest node's partition to a replica on a node that leads
         * one of its own partitions in turn to the next, and so on, to a node with two fewer leaderships than the
         * first. Every node on the way keeps its count; the chain is a shortest one (breadth first).
         */
        void balanceLeaders() {
            for (int step = 0; step <= held.size(); step++) {
                int most = leads.values().stream()
                        .mapToInt(Integer::intValue)
                        .max()
                        .orElse(0);
                int least = leads.values().stream()
                        .mapToInt(Integer::intValue)
                        .min()
                        .orElse(0);
                if (most - least <= 1 || !handDownOneLeadership(most)) {
                    return;
                }
            }
        }

        /** One chain of leadership hand-overs from a node leading {@code most} partitions; false if none exists. */
        private boolean handDownOneLeadership(int most) {
            // through.get(v) = the partition whose leadership reaches v, led by the node before v on the chain.
            Map<String, Integer> through = new HashMap<>();
            Map<String, String> previous = new HashMap<>();
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
            up.stream().map(Node::id).filter(id -> leads.get(id) == most).forEach(id -> {
                previous.put(id, null);
                queue.add(id);
            });
            Map<String, List<Integer>> ledBy = new HashMap<>();
            for (int p = 0; p < held.size(); p++) {
                if (!held.get(p).isEmpty()) {
                    ledBy.computeIfAbsent(held.get(p).get(0), k -> new ArrayList<>())
                            .add(p);
                }
            }
            while (!queue.isEmpty()) {
                String node = queue.poll();
                if (leads.get(node) <= most - 2) {
                    for (String to = node; previous.get(to) != null; to = previous.get(to)) {
                        String from = previous.get(to);
                        List<String> nodes = held.get(through.get(to));
                        nodes.remove(to);
                        nodes.add(0, to);
                        leads.merge(from, -1, Integer::sum);
                        leads.merge(to, 1, Integer::sum);
                    }
                    return true;
                }
                for (int p : ledBy.getOrDefault(node, List.of())) {
                    for (String other : held.get(p)) {
                        if (!previous.containsKey(other)) {
                            previous.put(other, node);
                            through.put(other, p);
                            queue.add(other);
                        }
                    }
                }
            }
            return false;
        }

        /** {@code to} takes {@code from}'s place in partition {@code p}'s list (its leadership too, if it had it). */
        void replace(int p, String from, String to) {
            List<String> nodes = held.get(p);
            nodes.set(nodes.indexOf(from), to);
            long size = bytes.applyAsLong(p);
            count.merge(from, -1, Integer::sum);
            stored.merge(from, -size, Long::sum);
            count.merge(to, 1, Integer::sum);
            stored.merge(to, size, Long::sum);
            if (nodes.get(0).equals(to)) {
                leads.merge(from, -1, Integer::sum);
                leads.merge(to, 1, Integer::sum);
            }
        }

        void remove(int p, String node) {
            List<String> nodes = held.get(p);
            boolean led = nodes.get(0).equals(node);
            nodes.remove(node);
            count.merge(node, -1, Integer::sum);
            stored.merge(node, -bytes.applyAsLong(p), Long::sum);
            if (led) {
                leads.merge(node, -1, Integer::sum);
                if (!nodes.isEmpty()) {
                    leads.merge(nodes.get(0), 1, Integer::sum);
                }
            }
        }
    }
}
