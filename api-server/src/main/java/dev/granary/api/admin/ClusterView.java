package dev.granary.api.admin;

import dev.granary.auth.JsonWriter;
import dev.granary.cluster.ClusterStatus;
import dev.granary.cluster.PartitionStatus;
import java.util.Locale;

/**
 * {@link ClusterStatus} as the admin API shows it: {@code GET /admin/v1/cluster}'s JSON, and per-partition gauges
 * for {@code /metrics}.
 *
 * <pre>
 * {"cluster": {"name": "granary", "partitions": 8, "replicas": 3},
 *  "node": "node-1",
 *  "nodes": [{"id": "node-0", "state": "up", "raft": "127.0.0.1:9200", "lastContactMs": 130}, ...],
 *  "partitions": [{"id": 0, "replicas": ["node-0", "node-1", "node-2"], "leader": "node-0", "term": 2,
 *                  "commitIndex": 5512, "appliedIndex": 5512, "snapshotIndex": 5000, "reportedBy": "node-0",
 *                  "lag": [{"node": "node-1", "commitIndex": 5512, "behind": 0, "lastContactMs": 40}, ...]}, ...],
 *  "mapEpoch": 12, "moves": [{"partition": 3, "from": "node-0", "to": "node-3"}, ...],
 *  "autoscaler": {"minNodes": 1, "maxNodes": 5, "targetNodes": 2, "decisions": [{"at": "...", "action": "SCALE_OUT",
 *                 "nodes": 1, "targetNodes": 2, "drain": null, "reason": "..."}]}}   (null when it is off)
 * </pre>
 *
 * A partition is reported by its leader when it answers ({@code reportedBy} equals {@code leader}); otherwise by the
 * asking node's replica, with {@code leader} null while there is none. {@code behind} is how many committed entries a
 * replica has yet to learn of, as its reporter knows.
 */
final class ClusterView {
    private ClusterView() {}

    static String json(ClusterStatus status) {
        long pid = ProcessHandle.current().pid();
        return JsonWriter.write(json -> {
                    json.writeStartObject();
                    json.writeObjectFieldStart("cluster");
                    json.writeStringField("name", status.clusterName());
                    json.writeNumberField("partitions", status.partitions().size());
                    json.writeNumberField("replicas", status.replicasPerPartition());
                    json.writeEndObject();
                    json.writeStringField("node", status.self());
                    json.writeArrayFieldStart("nodes");
                    for (ClusterStatus.Node node : status.nodes()) {
                        json.writeStartObject();
                        json.writeStringField("id", node.id());
                        json.writeStringField("state", node.state());
                        json.writeStringField("raft", node.raftAddress());
                        json.writeStringField("zone", node.zone());
                        json.writeNumberField("lastContactMs", node.lastContactMillis());
                        if (node.id().equals(status.self())) {
                            json.writeNumberField("pid", pid);
                        }
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeArrayFieldStart("partitions");
                    for (PartitionStatus partition : status.partitions()) {
                        json.writeStartObject();
                        json.writeNumberField("id", partition.partition());
                        json.writeArrayFieldStart("replicas");
                        for (PartitionStatus.Replica replica : partition.replicas()) {
                            json.writeString(replica.node());
                        }
                        json.writeEndArray();
                        if (partition.leader() == null) {
                            json.writeNullField("leader");
                        } else {
                            json.writeStringField("leader", partition.leader());
                        }
                        json.writeNumberField("term", partition.term());
                        json.writeNumberField("commitIndex", partition.commitIndex());
                        json.writeNumberField("appliedIndex", partition.appliedIndex());
                        json.writeNumberField("snapshotIndex", partition.snapshotIndex());
                        json.writeStringField("reportedBy", partition.reporter());
                        json.writeArrayFieldStart("lag");
                        for (PartitionStatus.Replica replica : partition.replicas()) {
                            json.writeStartObject();
                            json.writeStringField("node", replica.node());
                            json.writeNumberField("commitIndex", replica.commitIndex());
                            if (replica.commitIndex() >= 0 && partition.commitIndex() >= 0) {
                                json.writeNumberField(
                                        "behind", Math.max(0, partition.commitIndex() - replica.commitIndex()));
                            } else {
                                json.writeNullField("behind");
                            }
                            json.writeNumberField("lastContactMs", replica.lastContactMillis());
                            json.writeEndObject();
                        }
                        json.writeEndArray();
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeNumberField("mapEpoch", status.mapEpoch());
                    json.writeArrayFieldStart("moves");
                    for (ClusterStatus.MoveProgress move : status.moves()) {
                        json.writeStartObject();
                        json.writeNumberField("partition", move.partition());
                        if (move.from() == null) {
                            json.writeNullField("from");
                        } else {
                            json.writeStringField("from", move.from());
                        }
                        if (move.to() == null) {
                            json.writeNullField("to");
                        } else {
                            json.writeStringField("to", move.to());
                        }
                        json.writeNumberField("bytes", move.bytes());
                        json.writeNumberField("bytesDone", move.bytesDone());
                        json.writeNumberField("bytesRemaining", move.bytesRemaining());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    ClusterStatus.Autoscaling scaling = status.autoscaler();
                    if (scaling == null) {
                        json.writeNullField("autoscaler");
                    } else {
                        json.writeObjectFieldStart("autoscaler");
                        json.writeNumberField("minNodes", scaling.minNodes());
                        json.writeNumberField("maxNodes", scaling.maxNodes());
                        json.writeNumberField("targetNodes", scaling.targetNodes());
                        json.writeArrayFieldStart("decisions");
                        for (dev.granary.cluster.placement.Autoscaler.Decision d : scaling.decisions()) {
                            json.writeStartObject();
                            json.writeStringField("at", d.at().toString());
                            json.writeStringField("action", d.action().name());
                            json.writeNumberField("nodes", d.nodes());
                            json.writeNumberField("targetNodes", d.targetNodes());
                            if (d.drain() == null) {
                                json.writeNullField("drain");
                            } else {
                                json.writeStringField("drain", d.drain());
                            }
                            json.writeStringField("reason", d.reason());
                            json.writeEndObject();
                        }
                        json.writeEndArray();
                        json.writeEndObject();
                    }
                    json.writeEndObject();
                })
                + "\n";
    }

    /** {@code {"partitions":[{"id":0,"appliedIndex":N,"digest":"hex"},...]}}: this node's replicas. */
    static String replicasJson(java.util.Map<Integer, dev.granary.cluster.RaftNode.ReplicaDigest> digests) {
        return JsonWriter.write(json -> {
                    json.writeStartObject();
                    json.writeArrayFieldStart("partitions");
                    for (java.util.Map.Entry<Integer, dev.granary.cluster.RaftNode.ReplicaDigest> entry :
                            digests.entrySet()) {
                        json.writeStartObject();
                        json.writeNumberField("id", entry.getKey());
                        json.writeNumberField("appliedIndex", entry.getValue().appliedIndex());
                        json.writeStringField("digest", entry.getValue().digest());
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                })
                + "\n";
    }

    /** Prometheus text (format 0.0.4) of the partitions and nodes, appended to the metering's metrics. */
    static String metrics(ClusterStatus status) {
        StringBuilder out = new StringBuilder();
        gauge(out, "granary_cluster_node_up", "1 when the node answers (see /admin/v1/cluster), else 0");
        for (ClusterStatus.Node node : status.nodes()) {
            out.append("granary_cluster_node_up{node=\"")
                    .append(node.id())
                    .append("\"} ")
                    .append(node.state().equals("unreachable") || node.state().equals("dead") ? 0 : 1)
                    .append('\n');
        }
        gauge(
                out,
                "granary_cluster_node_state",
                "1 on the series of the node's state: up, unreachable, draining, drained or dead");
        for (ClusterStatus.Node node : status.nodes()) {
            out.append("granary_cluster_node_state{node=\"")
                    .append(node.id())
                    .append("\",state=\"")
                    .append(node.state())
                    .append("\"} 1\n");
        }
        gauge(out, "granary_cluster_map_epoch", "the partition map's epoch: one higher after every replica change");
        out.append("granary_cluster_map_epoch ").append(status.mapEpoch()).append('\n');
        gauge(out, "granary_cluster_moves_pending", "replica moves between the partition map and its target");
        out.append("granary_cluster_moves_pending ")
                .append(status.moves().size())
                .append('\n');
        long bytesDone = 0;
        long bytesRemaining = 0;
        for (ClusterStatus.MoveProgress move : status.moves()) {
            bytesDone += move.bytesDone();
            bytesRemaining += move.bytesRemaining();
        }
        gauge(out, "granary_cluster_move_bytes_done", "bytes that arrived for the replica move under way");
        out.append("granary_cluster_move_bytes_done ").append(bytesDone).append('\n');
        gauge(out, "granary_cluster_move_bytes_remaining", "bytes still to arrive for the pending replica moves");
        out.append("granary_cluster_move_bytes_remaining ")
                .append(bytesRemaining)
                .append('\n');
        ClusterStatus.Autoscaling scaling = status.autoscaler();
        if (scaling != null) {
            gauge(out, "granary_autoscaler_target_nodes", "the node count the autoscaler wants (-1: none yet)");
            out.append("granary_autoscaler_target_nodes ")
                    .append(scaling.targetNodes())
                    .append('\n');
            gauge(out, "granary_autoscaler_decisions", "the autoscaler's last 20 decisions that were not holds");
            for (dev.granary.cluster.placement.Autoscaler.Action action :
                    dev.granary.cluster.placement.Autoscaler.Action.values()) {
                out.append("granary_autoscaler_decisions{action=\"")
                        .append(action.name().toLowerCase(java.util.Locale.ROOT))
                        .append("\"} ")
                        .append(scaling.decisions().stream()
                                .filter(d -> d.action() == action)
                                .count())
                        .append('\n');
            }
        }
        gauge(out, "granary_partition_leader", "1 on the series of the node that leads the partition's group");
        for (PartitionStatus p : status.partitions()) {
            for (PartitionStatus.Replica replica : p.replicas()) {
                series(
                        out,
                        "granary_partition_leader",
                        p,
                        replica.node(),
                        replica.node().equals(p.leader()) ? 1 : 0);
            }
        }
        partitionGauge(out, status, "granary_partition_term", "the group's current Raft term", PartitionStatus::term);
        partitionGauge(
                out,
                status,
                "granary_partition_commit_index",
                "the last committed log entry",
                PartitionStatus::commitIndex);
        partitionGauge(
                out,
                status,
                "granary_partition_applied_index",
                "the last entry the reporting replica applied",
                PartitionStatus::appliedIndex);
        partitionGauge(
                out,
                status,
                "granary_partition_snapshot_index",
                "the last entry the reporting replica's state is flushed to",
                PartitionStatus::snapshotIndex);
        gauge(out, "granary_partition_follower_lag_entries", "committed entries a replica has yet to learn of");
        for (PartitionStatus p : status.partitions()) {
            for (PartitionStatus.Replica replica : p.replicas()) {
                if (replica.commitIndex() >= 0 && p.commitIndex() >= 0) {
                    series(
                            out,
                            "granary_partition_follower_lag_entries",
                            p,
                            replica.node(),
                            Math.max(0, p.commitIndex() - replica.commitIndex()));
                }
            }
        }
        reporterCounter(
                out,
                status,
                "granary_partition_copies_installed_total",
                "copies of the partition the reporting node's replica installed from a leader since the node started"
                        + " (it was behind the leader's purged log)",
                status.copiesInstalled());
        reporterCounter(
                out,
                status,
                "granary_data_chunks_repaired_total",
                "data-file chunks the reporting node's replica found missing or damaged (on a read or a scrub) and"
                        + " repaired from another replica since it started",
                status.chunksRepaired());
        return out.toString();
    }

    /** A counter of the reporting node's replicas, one series per partition. */
    private static void reporterCounter(
            StringBuilder out, ClusterStatus status, String name, String help, java.util.Map<Integer, Long> counts) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        for (java.util.Map.Entry<Integer, Long> count : counts.entrySet()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%s{partition=\"%d\",node=\"%s\"} %d%n",
                    name,
                    count.getKey(),
                    status.self(),
                    count.getValue()));
        }
    }

    private interface Field {
        long of(PartitionStatus status);
    }

    private static void partitionGauge(StringBuilder out, ClusterStatus status, String name, String help, Field field) {
        gauge(out, name, help);
        for (PartitionStatus p : status.partitions()) {
            if (field.of(p) >= 0) {
                series(out, name, p, p.reporter(), field.of(p));
            }
        }
    }

    private static void gauge(StringBuilder out, String name, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
    }

    private static void series(StringBuilder out, String name, PartitionStatus p, String node, long value) {
        out.append(
                String.format(Locale.ROOT, "%s{partition=\"%d\",node=\"%s\"} %d%n", name, p.partition(), node, value));
    }
}
