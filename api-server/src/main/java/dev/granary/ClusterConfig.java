package dev.granary;

import dev.granary.cluster.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node's place in a cluster: {@code --node-id} / {@code GRANARY_NODE_ID}, {@code --members} /
 * {@code GRANARY_MEMBERS} ({@code id=host:port,...}, every member with its Raft address, this node included),
 * {@code --cluster-name} / {@code GRANARY_CLUSTER_NAME} (default {@code granary}) and the secret its nodes' mutual TLS
 * derives from, {@code GRANARY_CLUSTER_SECRET} (at least 16 characters; a flag would show in process lists).
 *
 * @param nodeId this node's member id
 * @param members every member
 * @param name the cluster's name
 * @param secret the cluster's shared secret
 */
public record ClusterConfig(String nodeId, List<RaftNode.Member> members, String name, String secret) {
    public ClusterConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        members = List.copyOf(members);
        Objects.requireNonNull(name, "name");
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("GRANARY_CLUSTER_SECRET must be set, with at least 16 characters");
        }
        if (members.stream().noneMatch(m -> m.id().equals(nodeId))) {
            throw new IllegalArgumentException("--node-id " + nodeId + " is not one of --members");
        }
    }

    /** This node's member entry. */
    public RaftNode.Member self() {
        return members.stream().filter(m -> m.id().equals(nodeId)).findFirst().orElseThrow();
    }

    /**
     * Parses {@code id=host:port,id=host:port,...}.
     *
     * @throws IllegalArgumentException when an entry is not of that form
     */
    public static List<RaftNode.Member> parseMembers(String members) {
        List<RaftNode.Member> parsed = new ArrayList<>();
        for (String entry : members.split(",", -1)) {
            String trimmed = entry.trim();
            int eq = trimmed.indexOf('=');
            int colon = trimmed.lastIndexOf(':');
            if (eq <= 0 || colon < eq + 2 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("--members: '" + trimmed + "' is not id=host:port");
            }
            String host = trimmed.substring(eq + 1, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            try {
                parsed.add(new RaftNode.Member(
                        trimmed.substring(0, eq), host, Integer.parseInt(trimmed.substring(colon + 1))));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--members: '" + trimmed + "' has no port number", e);
            }
        }
        return parsed;
    }

    @Override
    public String toString() {
        return "ClusterConfig[" + nodeId + " of " + members + " in " + name + "]";
    }
}
