package dev.granary.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.CommitInfoProto;
import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;

/**
 * One partition's Raft group as one of its replicas sees it, best told by its leader: the term, the leader, how far the
 * log is committed, applied and snapshotted, and for every replica how far it has committed and how long ago the
 * leader last heard from it.
 *
 * @param partition the partition
 * @param reporter the replica this comes from
 * @param leader the leader the reporter knows of, or null during an election
 * @param term the reporter's current term
 * @param commitIndex the reporter's commit index
 * @param appliedIndex the last entry the reporter applied
 * @param snapshotIndex the last entry the reporter's state is durable to (its last flush)
 * @param copyBytes about what a replica being added is sent when the reporter leads: the bytes of its newest copy of the
 *     partition, or, when it has none (the new replica replays the log), what its replica holds
 * @param replicas every replica, as the reporter knows it
 */
public record PartitionStatus(
        int partition,
        String reporter,
        String leader,
        long term,
        long commitIndex,
        long appliedIndex,
        long snapshotIndex,
        long copyBytes,
        List<Replica> replicas) {

    /**
     * A replica as the reporter knows it.
     *
     * @param node the node holding it
     * @param commitIndex its commit index as last reported to the reporter (-1 if unknown)
     * @param lastContactMillis how long ago the reporter (when leader) last heard from it; -1 if unknown, 0 for itself
     */
    public record Replica(String node, long commitIndex, long lastContactMillis) {}

    public PartitionStatus {
        replicas = List.copyOf(replicas);
    }

    /** Whether {@link #reporter()} led the group when it answered. */
    public boolean fromLeader() {
        return reporter.equals(leader);
    }

    /** The status as {@code division} sees it. */
    static PartitionStatus of(int partition, RaftServer.Division division) {
        DivisionInfo info = division.getInfo();
        String self = division.getId().toString();
        RaftPeerId leaderId = info.getLeaderId();
        Map<String, Long> commits = new HashMap<>();
        for (CommitInfoProto commit : division.getCommitInfos()) {
            commits.put(commit.getServer().getId().toStringUtf8(), commit.getCommitIndex());
        }
        Map<String, Long> contact = new HashMap<>();
        contact.put(self, 0L);
        RoleInfoProto role = info.getRoleInfoProto();
        if (role.hasLeaderInfo()) {
            for (ServerRpcProto follower : role.getLeaderInfo().getFollowerInfoList()) {
                contact.put(follower.getId().getId().toStringUtf8(), follower.getLastRpcElapsedTimeMs());
            }
        } else if (role.hasFollowerInfo() && role.getFollowerInfo().hasLeaderInfo()) {
            ServerRpcProto from = role.getFollowerInfo().getLeaderInfo();
            contact.put(from.getId().getId().toStringUtf8(), from.getLastRpcElapsedTimeMs());
        }
        List<Replica> replicas = new ArrayList<>();
        division.getGroup().getPeers().forEach(peer -> {
            String id = peer.getId().toString();
            replicas.add(new Replica(id, commits.getOrDefault(id, -1L), contact.getOrDefault(id, -1L)));
        });
        return new PartitionStatus(
                partition,
                self,
                leaderId == null ? null : leaderId.toString(),
                info.getCurrentTerm(),
                division.getRaftLog().getLastCommittedIndex(),
                info.getLastAppliedIndex(),
                division.getStateMachine().getLatestSnapshot() == null
                        ? -1
                        : division.getStateMachine().getLatestSnapshot().getIndex(),
                sendBytes(division),
                replicas);
    }

    private static long sendBytes(RaftServer.Division division) {
        long copy = bytesOf(division.getStateMachine().getLatestSnapshot());
        if (copy > 0 || !(division.getStateMachine() instanceof PartitionStateMachine machine)) {
            return copy;
        }
        dev.granary.storage.rocksdb.ReplicaPartition replica = machine.replica();
        return replica == null ? 0 : replica.storedBytes();
    }

    /** The bytes of {@code copy}'s files (0 for none). */
    static long bytesOf(org.apache.ratis.statemachine.SnapshotInfo copy) {
        if (copy == null || copy.getFiles() == null) {
            return 0;
        }
        return copy.getFiles().stream()
                .mapToLong(org.apache.ratis.server.storage.FileInfo::getFileSize)
                .sum();
    }

    /** A line-oriented text form, the answer of {@link Query#STATUS}. */
    byte[] encode() {
        StringBuilder out = new StringBuilder();
        out.append(partition).append(' ').append(reporter).append(' ');
        out.append(leader == null ? "-" : leader).append(' ');
        out.append(term).append(' ').append(commitIndex).append(' ');
        out.append(appliedIndex).append(' ').append(snapshotIndex).append(' ');
        out.append(copyBytes).append('\n');
        for (Replica replica : replicas) {
            out.append(replica.node()).append(' ').append(replica.commitIndex()).append(' ');
            out.append(replica.lastContactMillis()).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    static PartitionStatus decode(byte[] bytes) {
        List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        String[] head = lines.get(0).split(" ", -1);
        List<Replica> replicas = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(" ", -1);
            replicas.add(new Replica(f[0], Long.parseLong(f[1]), Long.parseLong(f[2])));
        }
        return new PartitionStatus(
                Integer.parseInt(head[0]),
                head[1],
                head[2].equals("-") ? null : head[2],
                Long.parseLong(head[3]),
                Long.parseLong(head[4]),
                Long.parseLong(head[5]),
                Long.parseLong(head[6]),
                head.length > 7 ? Long.parseLong(head[7]) : 0,
                replicas);
    }
}
