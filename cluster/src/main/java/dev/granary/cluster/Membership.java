package dev.granary.cluster;

import dev.granary.cluster.placement.Node;
import dev.granary.cluster.placement.PartitionMap;
import dev.granary.storage.command.Command;
import dev.granary.storage.rocksdb.ReplicaPartition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's membership as system records of partition 0 (the catalog, on every node): the node registry and the
 * partition map. Nodes that joined a running cluster are registered ({@code cluster/nodes/<id>}: address, zone, state);
 * the founding members, named by every node's flags, are members without a record until their state changes. The map
 * ({@code cluster/map}) says which nodes hold each object partition, its preferred leader first, as of the last change
 * the controller committed; a node that holds no replica of a partition reaches its group through it.
 *
 * <p>Text forms, one field per line, so that an operator reading the records (or a test) sees what they say.
 */
final class Membership {
    static final String NODES = "cluster/nodes/";
    static final String MAP = "cluster/map";
    static final String LOADS = "cluster/load/";
    static final String AUTOSCALER = "cluster/autoscaler";
    private static final String CF = "system";

    private Membership() {}

    /** A member: its id, Raft address, zone label (empty when none) and state. */
    record Registered(RaftNode.Member member, String zone, Node.State state) {
        Node node() {
            return new Node(member.id(), zone, state);
        }

        byte[] encode() {
            return (member.host() + ":" + member.port() + "\n" + zone + "\n" + state.name())
                    .getBytes(StandardCharsets.UTF_8);
        }

        static Registered decode(String id, byte[] value) {
            String[] lines = new String(value, StandardCharsets.UTF_8).split("\n", -1);
            int colon = lines[0].lastIndexOf(':');
            return new Registered(
                    new RaftNode.Member(
                            id, lines[0].substring(0, colon), Integer.parseInt(lines[0].substring(colon + 1))),
                    lines.length > 1 ? lines[1] : "",
                    lines.length > 2 ? Node.State.valueOf(lines[2]) : Node.State.UP);
        }
    }

    /** The write that registers {@code registered}. */
    static Command.WriteRecords register(Registered registered) {
        return Command.WriteRecords.of(List.of(new Command.SmallRecord(
                Command.RecordTable.SYSTEM, key(NODES + registered.member().id()), registered.encode())));
    }

    /** The nodes registered in {@code catalog} (partition 0's replica), by id. */
    static Map<String, Registered> registered(ReplicaPartition catalog) {
        Map<String, Registered> nodes = new TreeMap<>();
        byte[] from = key(NODES);
        byte[] upper = key(NODES.substring(0, NODES.length() - 1) + (char) ('/' + 1));
        List<byte[]> entries = catalog.scan(CF, from, upper, 10_000, Integer.MAX_VALUE);
        for (int i = 0; i + 1 < entries.size(); i += 2) {
            String id = new String(entries.get(i), StandardCharsets.UTF_8).substring(NODES.length());
            nodes.put(id, Registered.decode(id, entries.get(i + 1)));
        }
        return nodes;
    }

    /** The stored form of {@code map}, or null while there is none. */
    static byte[] storedMap(ReplicaPartition catalog) {
        return catalog.read(CF, key(MAP), 0);
    }

    /**
     * The partition map of the object partitions {@code 1..P-1}; map index {@code i} is partition {@code i + 1}. Null
     * when none is stored.
     */
    static PartitionMap map(byte[] stored) {
        if (stored == null) {
            return null;
        }
        String[] lines = new String(stored, StandardCharsets.UTF_8).split("\n", -1);
        long epoch = Long.parseLong(lines[0]);
        List<List<String>> replicas = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            replicas.add(lines[i].isEmpty() ? List.of() : List.of(lines[i].split(",", -1)));
        }
        return new PartitionMap(epoch, replicas);
    }

    static byte[] encode(PartitionMap map) {
        StringBuilder out = new StringBuilder().append(map.epoch());
        for (List<String> held : map.replicas()) {
            out.append('\n').append(String.join(",", held));
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The write that replaces the map stored as {@code expected} (null: none yet) by {@code next}. */
    static Command.WriteRecords replaceMap(byte[] expected, PartitionMap next) {
        return new Command.WriteRecords(
                List.of(new Command.SmallRecord(Command.RecordTable.SYSTEM, key(MAP), expected)),
                List.of(new Command.SmallRecord(Command.RecordTable.SYSTEM, key(MAP), encode(next))),
                List.of());
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** A node's load as it reported it, and when (epoch milliseconds). */
    record Reported(dev.granary.cluster.placement.Autoscaler.NodeLoad load, long atMillis) {}

    /** The write of {@code load}, measured at {@code atMillis}. */
    static Command.WriteRecords report(dev.granary.cluster.placement.Autoscaler.NodeLoad load, long atMillis) {
        String value = load.requestsPerSecond() + " " + load.cpu() + " " + load.storedBytes() + " " + load.freeBytes()
                + " " + load.p99Millis() + " " + atMillis;
        return Command.WriteRecords.of(List.of(new Command.SmallRecord(
                Command.RecordTable.SYSTEM, key(LOADS + load.node()), value.getBytes(StandardCharsets.UTF_8))));
    }

    /** Every node's last reported load, by id. */
    static Map<String, Reported> loads(ReplicaPartition catalog) {
        Map<String, Reported> loads = new TreeMap<>();
        byte[] upper = key(LOADS.substring(0, LOADS.length() - 1) + (char) ('/' + 1));
        List<byte[]> entries = catalog.scan(CF, key(LOADS), upper, 10_000, Integer.MAX_VALUE);
        for (int i = 0; i + 1 < entries.size(); i += 2) {
            String id = new String(entries.get(i), StandardCharsets.UTF_8).substring(LOADS.length());
            String[] f = new String(entries.get(i + 1), StandardCharsets.UTF_8).split(" ", -1);
            loads.put(
                    id,
                    new Reported(
                            new dev.granary.cluster.placement.Autoscaler.NodeLoad(
                                    id,
                                    Double.parseDouble(f[0]),
                                    Double.parseDouble(f[1]),
                                    Long.parseLong(f[2]),
                                    Long.parseLong(f[3]),
                                    Double.parseDouble(f[4])),
                            Long.parseLong(f[5])));
        }
        return loads;
    }

    /**
     * The autoscaler's state as the controller recorded it: the node count it wants (a provisioner starts or stops
     * nodes to match) and its last decisions that were not holds, oldest first.
     */
    record Scaling(int targetNodes, List<dev.granary.cluster.placement.Autoscaler.Decision> decisions) {
        byte[] encode() {
            StringBuilder out = new StringBuilder().append(targetNodes);
            for (dev.granary.cluster.placement.Autoscaler.Decision d : decisions) {
                out.append('\n')
                        .append(d.at().toEpochMilli())
                        .append('\t')
                        .append(d.action())
                        .append('\t')
                        .append(d.nodes())
                        .append('\t')
                        .append(d.targetNodes())
                        .append('\t')
                        .append(d.drain() == null ? "" : d.drain())
                        .append('\t')
                        .append(d.reason().replace('\n', ' ').replace('\t', ' '));
            }
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        static Scaling decode(byte[] stored) {
            if (stored == null) {
                return null;
            }
            String[] lines = new String(stored, StandardCharsets.UTF_8).split("\n", -1);
            List<dev.granary.cluster.placement.Autoscaler.Decision> decisions = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split("\t", -1);
                decisions.add(new dev.granary.cluster.placement.Autoscaler.Decision(
                        java.time.Instant.ofEpochMilli(Long.parseLong(f[0])),
                        dev.granary.cluster.placement.Autoscaler.Action.valueOf(f[1]),
                        Integer.parseInt(f[2]),
                        Integer.parseInt(f[3]),
                        f[4].isEmpty() ? null : f[4],
                        f[5]));
            }
            return new Scaling(Integer.parseInt(lines[0]), decisions);
        }
    }

    static Scaling scaling(ReplicaPartition catalog) {
        return Scaling.decode(catalog.read(CF, key(AUTOSCALER), 0));
    }

    static Command.WriteRecords recordScaling(Scaling scaling) {
        return Command.WriteRecords.of(
                List.of(new Command.SmallRecord(Command.RecordTable.SYSTEM, key(AUTOSCALER), scaling.encode())));
    }
}
