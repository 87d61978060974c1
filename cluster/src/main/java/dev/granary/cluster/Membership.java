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
}
