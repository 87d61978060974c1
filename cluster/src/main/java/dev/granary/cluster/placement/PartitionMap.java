package dev.granary.cluster.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which nodes hold each partition, the first of them its preferred leader (the replica Ratis gives the higher
 * priority), and the epoch of the map, one higher after every change.
 */
public record PartitionMap(long epoch, List<List<String>> replicas) {
    public PartitionMap {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch " + epoch);
        }
        List<List<String>> copy = new ArrayList<>(replicas.size());
        for (List<String> nodes : replicas) {
            List<String> held = List.copyOf(nodes);
            if (held.stream().distinct().count() != held.size()) {
                throw new IllegalArgumentException("a node twice in " + held);
            }
            copy.add(held);
        }
        replicas = List.copyOf(copy);
    }

    /**
     * The map a cluster of {@code nodes} starts with: partition p on {@code min(replicas, nodes)} consecutive nodes
     * from node {@code p mod nodes}, so replicas and preferred leaders are spread as evenly as the counts allow.
     */
    public static PartitionMap initial(List<String> nodes, int partitions, int replicas) {
        if (nodes.isEmpty() || partitions < 1 || replicas < 1) {
            throw new IllegalArgumentException(nodes.size() + " nodes, " + partitions + " partitions, R=" + replicas);
        }
        int r = Math.min(replicas, nodes.size());
        List<List<String>> map = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            List<String> held = new ArrayList<>(r);
            for (int i = 0; i < r; i++) {
                held.add(nodes.get((p + i) % nodes.size()));
            }
            map.add(held);
        }
        return new PartitionMap(0, map);
    }

    public int partitions() {
        return replicas.size();
    }

    /** The nodes holding partition {@code p}, its preferred leader first. */
    public List<String> replicas(int p) {
        return replicas.get(p);
    }

    /** Partition {@code p}'s preferred leader, or null while it has no replica. */
    public String preferredLeader(int p) {
        List<String> held = replicas.get(p);
        return held.isEmpty() ? null : held.get(0);
    }

    /** How many replicas each of {@code nodes} holds (zero for one holding none), by node id. */
    public Map<String, Integer> replicaCounts(List<String> nodes) {
        Map<String, Integer> counts = zeros(nodes);
        for (List<String> held : replicas) {
            for (String node : held) {
                counts.merge(node, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** How many partitions each of {@code nodes} is the preferred leader of, by node id. */
    public Map<String, Integer> leaderCounts(List<String> nodes) {
        Map<String, Integer> counts = zeros(nodes);
        for (List<String> held : replicas) {
            if (!held.isEmpty()) {
                counts.merge(held.get(0), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Whether {@code node} holds no replica here. */
    public boolean holdsNothing(String node) {
        Objects.requireNonNull(node, "node");
        return replicas.stream().noneMatch(held -> held.contains(node));
    }

    private static Map<String, Integer> zeros(List<String> nodes) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String node : nodes) {
            counts.put(node, 0);
        }
        return counts;
    }
}
