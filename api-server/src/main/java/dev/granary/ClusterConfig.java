package dev.granary;

import dev.granary.cluster.RaftNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A node's place in a cluster: {@code --node-id} / {@code GRANARY_NODE_ID}, {@code --members} /
 * {@code GRANARY_MEMBERS} ({@code id=host:port,...}, every member with its Raft address, this node included),
 * {@code --cluster-name} / {@code GRANARY_CLUSTER_NAME} (default {@code granary}) and the secret its nodes' mutual TLS
 * derives from, {@code GRANARY_CLUSTER_SECRET} (at least 16 characters; a flag would show in process lists), and
 * {@code --replicas} / {@code GRANARY_REPLICAS}, each partition's replica count (default 3, at most the members).
 *
 * @param nodeId this node's member id
 * @param members every member
 * @param name the cluster's name
 * @param secret the cluster's shared secret
 * @param replicas replicas per partition, at most one per member
 * @param joining this node, when it joins the running cluster of {@code members} ({@code --join} / {@code GRANARY_JOIN},
 *     with its own Raft address from {@code --raft-address} / {@code GRANARY_RAFT_ADDRESS}) rather than founding it;
 *     null for a founding member
 * @param deadAfter how long a member may not answer before the cluster declares it dead and makes its replicas again
 *     elsewhere ({@code --dead-after} seconds / {@code GRANARY_DEAD_AFTER}, default 60)
 * @param autoscale the autoscaler's policy ({@code --autoscale MIN-MAX} / {@code GRANARY_AUTOSCALE}, thresholds and
 *     windows from {@code --autoscale-policy} / {@code GRANARY_AUTOSCALE_POLICY}); null when it is off
 * @param statefulSet the StatefulSet a Kubernetes provisioner scales ({@code --provisioner kubernetes}); null for none
 * @param moveBandwidth the bound, in bytes per second, on copies of partitions arriving on this node (a replica moving
 *     here): {@code --move-bandwidth} MiB/s / {@code GRANARY_MOVE_BANDWIDTH}, default 64; 0 for none
 * @param zone this node's zone label ({@code --zone} / {@code GRANARY_ZONE}; "" for none): a partition's replicas go to
 *     distinct zones where the labels allow
 */
public record ClusterConfig(
        String nodeId,
        List<RaftNode.Member> members,
        String name,
        String secret,
        int replicas,
        RaftNode.Member joining,
        java.time.Duration deadAfter,
        dev.granary.cluster.placement.Autoscaler.Config autoscale,
        String statefulSet,
        long moveBandwidth,
        String zone) {
    /** Replicas per partition unless {@code --replicas} says otherwise. */
    public static final int DEFAULT_REPLICAS = 3;

    public ClusterConfig {
        Objects.requireNonNull(nodeId, "nodeId");
        members = List.copyOf(members);
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(deadAfter, "deadAfter");
        zone = zone == null ? "" : zone.strip();
        if (moveBandwidth < 0) {
            throw new IllegalArgumentException("--move-bandwidth must be 0 (no bound) or more, got " + moveBandwidth);
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("--replicas must be at least 1, got " + replicas);
        }
        if (secret == null || secret.length() < 16) {
            throw new IllegalArgumentException("GRANARY_CLUSTER_SECRET must be set, with at least 16 characters");
        }
        boolean founding = members.stream().anyMatch(m -> m.id().equals(nodeId));
        if (joining == null && !founding) {
            throw new IllegalArgumentException("--node-id " + nodeId + " is not one of --members");
        }
        if (joining != null && (founding || !joining.id().equals(nodeId))) {
            throw new IllegalArgumentException(
                    "--node-id " + nodeId + " joins through --join " + members + ": it must not be one of them");
        }
    }

    /** A founding member of a cluster. */
    public ClusterConfig(String nodeId, List<RaftNode.Member> members, String name, String secret, int replicas) {
        this(
                nodeId,
                members,
                name,
                secret,
                replicas,
                null,
                java.time.Duration.ofMinutes(1),
                null,
                null,
                RaftNode.DEFAULT_MOVE_BANDWIDTH,
                "");
    }

    /** A member of a cluster with {@link #DEFAULT_REPLICAS} replicas per partition. */
    public ClusterConfig(String nodeId, List<RaftNode.Member> members, String name, String secret) {
        this(nodeId, members, name, secret, DEFAULT_REPLICAS);
    }

    /** Replicas each partition has: {@link #replicas()}, fewer while there are fewer members. */
    public int effectiveReplicas() {
        return Math.min(replicas, members.size());
    }

    /** This node's member entry. */
    public RaftNode.Member self() {
        if (joining != null) {
            return joining;
        }
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
        return "ClusterConfig[" + nodeId + " of " + members + " in " + name + ", " + replicas + " replicas]";
    }
}
