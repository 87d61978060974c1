package dev.granary.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * What a node's data folder was made for, in {@code cluster.properties}: the cluster's name, the node's id, the
 * partition count, replicas per partition and the member ids. Placement and group ids derive from these, so a node
 * started again with different ones would serve other groups from the same folder, or place objects elsewhere: it is
 * refused instead, naming the difference. (Membership changes come with elastic clusters, as Raft membership changes,
 * never by editing flags.)
 */
final class ClusterManifest {
    static final String FILE = "cluster.properties";
    private static final String FORMAT = "granary-cluster-2";

    private ClusterManifest() {}

    /** The partition count the folder was made with, if it was made for a cluster. */
    static OptionalInt storedPartitions(Path dataDir) throws IOException {
        Properties stored = read(dataDir);
        if (stored == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(
                    Integer.parseInt(stored.getProperty("partitions", "").trim()));
        } catch (NumberFormatException e) {
            throw new IOException(dataDir.resolve(FILE) + ": no partition count", e);
        }
    }

    /**
     * Records the layout in a new folder, or checks an existing folder's against it. A node that joined a running
     * cluster records that it did instead of the members (it reaches the cluster through any of them).
     *
     * @return whether the folder was new
     * @throws IllegalArgumentException when the folder was made for another layout
     */
    static boolean check(
            Path dataDir,
            String nodeId,
            List<RaftNode.Member> sortedMembers,
            RaftNode.Settings settings,
            boolean joining)
            throws IOException {
        Properties expected = new Properties();
        expected.setProperty("format", FORMAT);
        expected.setProperty("cluster", settings.clusterName());
        expected.setProperty("node", nodeId);
        expected.setProperty("partitions", Integer.toString(settings.partitions()));
        expected.setProperty(
                "replicas",
                Integer.toString(joining ? settings.replicas() : Math.min(settings.replicas(), sortedMembers.size())));
        expected.setProperty(
                "members",
                joining
                        ? "joined"
                        : String.join(
                                ",",
                                sortedMembers.stream().map(RaftNode.Member::id).toList()));
        Properties stored = read(dataDir);
        if (stored == null) {
            if (Files.isDirectory(dataDir.resolve("partitions")) && !Files.isDirectory(dataDir.resolve("raft"))) {
                throw new IllegalArgumentException(dataDir + " holds a standalone server's data: a cluster node"
                        + " starts on an empty folder (moving a standalone server's objects into a cluster is not"
                        + " built yet)");
            }
            Files.createDirectories(dataDir);
            Path temp = dataDir.resolve(FILE + ".tmp");
            try (OutputStream out = Files.newOutputStream(temp)) {
                expected.store(out, "Granary cluster node: do not edit");
            }
            Files.move(temp, dataDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
        List<String> differences = new ArrayList<>();
        for (String name : List.of("format", "cluster", "node", "partitions", "replicas", "members")) {
            if (!Objects.equals(stored.getProperty(name), expected.getProperty(name))) {
                differences.add(name + " " + stored.getProperty(name) + " (now " + expected.getProperty(name) + ")");
            }
        }
        if (!differences.isEmpty()) {
            throw new IllegalArgumentException(dataDir + " belongs to another cluster layout: it was made with "
                    + String.join(", ", differences) + "; start this node with the flags it was made with");
        }
        return false;
    }

    private static Properties read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            stored.load(in);
        }
        return stored;
    }
}
