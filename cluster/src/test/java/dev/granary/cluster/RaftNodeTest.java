package dev.granary.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandResult;
import dev.granary.storage.command.IdSource;
import dev.granary.storage.rocksdb.ReplicaPartition;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in this JVM, each a real Ratis server on a loopback port with its own data folder, replicating two
 * partitions three ways: commands proposed on any node are applied by every replica alike (equal digests, equal
 * results, refusals included), a partition keeps taking writes when its leader's node stops, and a node that comes
 * back catches up from the log, also across snapshots and full restarts.
 */
class RaftNodeTest {
    private static final String BUCKET = "bucket";
    private static final int PARTITIONS = 2;
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String SECRET = "a cluster secret for tests";

    @TempDir
    Path dir;

    private final IdSource ids = IdSource.system();
    private final List<RaftNode.Member> members = new ArrayList<>();
    private final Map<String, RaftNode> nodes = new TreeMap<>();
    private RaftNode.Settings settings =
            new RaftNode.Settings("test", PARTITIONS, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);

    @AfterEach
    void stopNodes() {
        ThreeNodes.closeAll(nodes.values());
    }

    private void startCluster(int size) throws IOException, InterruptedException {
        for (int i = 0; i < size; i++) {
            members.add(new RaftNode.Member("n" + i, "127.0.0.1", freePort()));
        }
        for (RaftNode.Member member : members) {
            start(member);
        }
        awaitMapRecorded();
    }

    /**
     * Waits until the controller has recorded the partition map in every replica of the catalog: its first write to
     * partition 0, which would otherwise land in the middle of a test comparing the catalog's digests (a slow machine
     * may stop the catalog's first leader before it took its first round).
     */
    private void awaitMapRecorded() throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        for (RaftNode node : nodes.values()) {
            while (node.localReplica(0) == null || Membership.storedMap(node.localReplica(0)) == null) {
                assertThat(System.nanoTime())
                        .as("the partition map is recorded")
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private RaftNode start(RaftNode.Member member) throws IOException {
        RaftNode node = RaftNode.start(member, members, dir.resolve(member.id()), settings);
        nodes.put(member.id(), node);
        return node;
    }

    /** The test settings with a snapshot (and a purge of the log before it) every {@code entries} entries. */
    private static RaftNode.Settings snapshotsEvery(long entries) {
        return new RaftNode.Settings(
                "test", PARTITIONS, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), entries, SECRET);
    }

    private RaftNode.Member member(String id) {
        return members.stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    private void stop(String id) throws IOException {
        nodes.remove(id).close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private RaftNode node(int i) {
        return nodes.get("n" + i);
    }

    private Command put(String key, String body, WriteCondition condition) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Command.PutObject(
                new ObjectKey(BUCKET, key),
                ObjectAttributes.empty(),
                condition,
                new Command.Inline(bytes),
                md5(bytes),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix());
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void createBucket(Versioning versioning) {
        for (int p = 0; p < PARTITIONS; p++) {
            CommandResult result = node(0).submit(p, new Command.PutBucketView(BUCKET, 1, versioning, 1));
            assertThat(result.status()).isEqualTo(CommandResult.Status.APPLIED);
        }
    }

    /**
     * Waits until every running replica of every partition has applied what its leader has, then returns the one
     * digest they share per partition (failing if they differ).
     */
    private Map<Integer, String> agreedDigests() throws InterruptedException {
        Map<Integer, String> digests = new TreeMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            RaftNode any = nodes.values().iterator().next();
            long target = any.appliedMark(p).index();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            List<ReplicaPartition> replicas = new ArrayList<>();
            while (true) {
                replicas.clear();
                boolean caughtUp = true;
                for (RaftNode node : nodes.values()) {
                    ReplicaPartition replica = node.localReplica(p);
                    if (node.replicasOf(p).contains(node.self().id())) {
                        caughtUp &= replica != null && node.localApplied(p).index() >= target;
                        replicas.add(replica);
                    }
                }
                if (caughtUp) {
                    break;
                }
                assertThat(System.nanoTime())
                        .as("replicas of partition %d catch up", p)
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            String digest = replicas.get(0).digest();
            for (ReplicaPartition replica : replicas) {
                assertThat(replica.digest()).as("partition %d", p).isEqualTo(digest);
            }
            digests.put(p, digest);
        }
        return digests;
    }

    @Test
    void commandsProposedOnAnyNodeLeaveEveryReplicaEqual() throws Exception {
        startCluster(3);
        createBucket(Versioning.ENABLED);
        List<CommandResult> results = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            results.add(node(i % 3).submit(i % PARTITIONS, put("k" + i % 5, "body " + i, WriteCondition.NONE)));
        }
        assertThat(results).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(CommandResult.Status.APPLIED);
            assertThat(r.versionId()).isNotNull();
        });
        assertThat(results.stream().map(CommandResult::versionId).distinct()).hasSize(30);

        CommandResult refused = node(1).submit(0, put("k0", "guarded", new WriteCondition.IfMatch(List.of("nope"))));
        assertThat(refused.status()).isEqualTo(CommandResult.Status.REFUSED);
        assertThat(refused.reason()).isEqualTo(StorageException.Reason.PRECONDITION_FAILED);
        CommandResult noBucket = node(2).submit(
                        1,
                        new Command.PutObject(
                                new ObjectKey("absent", "k"),
                                ObjectAttributes.empty(),
                                WriteCondition.NONE,
                                new Command.Inline(new byte[0]),
                                md5(new byte[0]),
                                ids.millis(),
                                ids.micros(),
                                ids.versionSuffix()));
        assertThat(noBucket.reason()).isEqualTo(StorageException.Reason.NO_SUCH_BUCKET);

        Map<Integer, String> digests = agreedDigests();
        assertThat(digests).hasSize(PARTITIONS);
        assertThat(digests.get(0)).isNotEqualTo(digests.get(1));
    }

    @Test
    void aPartitionKeepsTakingWritesWhenItsLeadersNodeStopsAndTheNodeCatchesUpWhenBack() throws Exception {
        startCluster(3);
        createBucket(Versioning.UNVERSIONED);
        for (int i = 0; i < 10; i++) {
            node(0).submit(0, put("before-" + i, "x", WriteCondition.NONE));
        }
        String leader = leaderOf(0);
        stop(leader);
        RaftNode survivor = nodes.values().iterator().next();
        for (int i = 0; i < 20; i++) {
            CommandResult result = survivor.submit(0, put("during-" + i, "y" + i, WriteCondition.NONE));
            assertThat(result.status()).isEqualTo(CommandResult.Status.APPLIED);
        }
        Map<Integer, String> withTwo = agreedDigests();

        RaftNode back = start(member(leader));
        Map<Integer, String> withThree = agreedDigests();
        assertThat(withThree).isEqualTo(withTwo);
        assertThat(back.localApplied(0).index()).isGreaterThan(10);
    }

    @Test
    void snapshotsAndAFullRestartKeepEveryReplicasState() throws Exception {
        settings = snapshotsEvery(8);
        startCluster(3);
        createBucket(Versioning.ENABLED);
        for (int i = 0; i < 40; i++) {
            node(i % 3).submit(i % PARTITIONS, put("k" + i % 4, "v" + i, WriteCondition.NONE));
        }
        Map<Integer, String> before = agreedDigests();

        // A follower down across more than one snapshot interval comes back (from the log's kept tail, or a copy).
        String follower = followerOf(1);
        stop(follower);
        for (int i = 0; i < 20; i++) {
            nodes.values().iterator().next().submit(1, put("late-" + i, "w" + i, WriteCondition.NONE));
        }
        start(member(follower));
        Map<Integer, String> caughtUp = agreedDigests();
        assertThat(caughtUp.get(0)).isEqualTo(before.get(0));
        assertThat(caughtUp.get(1)).isNotEqualTo(before.get(1));

        for (String id : List.copyOf(nodes.keySet())) {
            stop(id);
        }
        for (RaftNode.Member member : members) {
            start(member);
        }
        assertThat(agreedDigests()).isEqualTo(caughtUp);
        CommandResult after = node(2).submit(0, put("after-restart", "z", WriteCondition.NONE));
        assertThat(after.status()).isEqualTo(CommandResult.Status.APPLIED);
    }

    /**
     * A follower down while its leader's log was purged past what it has gets the leader's copy of the partition
     * through Ratis's snapshot transfer, installs it into the replica it has open, and goes on from the log; the copy
     * it installed survives a full restart.
     */
    @Test
    void aReplicaBehindAPurgedLogInstallsTheLeadersCopy() throws Exception {
        settings = snapshotsEvery(16);
        startCluster(3);
        createBucket(Versioning.ENABLED);
        for (int i = 0; i < 10; i++) {
            node(i % 3).submit(1, put("before-" + i, "v" + i, WriteCondition.NONE));
        }
        String follower = followerOf(1);
        RaftNode.Member member = member(follower);
        long behindAt = nodes.get(follower).localApplied(1).index();
        stop(follower);
        // Far past the follower: snapshots every 16 entries, the log kept 16 entries past the last one.
        RaftNode survivor = nodes.values().iterator().next();
        for (int i = 0; i < 200; i++) {
            CommandResult result = survivor.submit(1, put("during-" + i % 30, "w" + i, WriteCondition.NONE));
            assertThat(result.status()).isEqualTo(CommandResult.Status.APPLIED);
        }
        Map<Integer, String> withTwo = agreedDigests();

        RaftNode back = start(member);
        Map<Integer, String> withThree = agreedDigests();
        assertThat(withThree).isEqualTo(withTwo);
        assertThat(back.installedCopies(1))
                .as("copies installed by %s", follower)
                .isPositive();
        assertThat(back.localApplied(1).index()).isGreaterThan(behindAt + 200);

        // It applies the log from the copy on, and keeps what it installed across a restart of everyone.
        for (int i = 0; i < 5; i++) {
            back.submit(1, put("after-" + i, "z" + i, WriteCondition.NONE));
        }
        Map<Integer, String> after = agreedDigests();
        for (String id : List.copyOf(nodes.keySet())) {
            stop(id);
        }
        for (RaftNode.Member m : members) {
            start(m);
        }
        assertThat(agreedDigests()).isEqualTo(after);
    }

    /**
     * A replica a node gives away is deleted from its disk once nothing reads it, while the node runs; given the same
     * partition back while the old replica was still read, the node starts it empty, catches up, and goes on taking
     * snapshots (the old replica's copies folder is deleted with it, and the new one's made again).
     */
    @Test
    void aReplicaGivenAwayIsDeletedOnceUnreadAndOneGivenBackGoesOnTakingSnapshots() throws Exception {
        // A snapshot every 64 entries: the replica given back replays the log from its start (no copy is sent), and
        // takes snapshots of its own after.
        settings = snapshotsEvery(64);
        startCluster(3);
        createBucket(Versioning.ENABLED);
        for (int i = 0; i < 20; i++) {
            node(i % 3).submit(1, put("before-" + i, "v" + i, WriteCondition.NONE));
        }
        String follower = followerOf(1);
        RaftNode away = nodes.get(follower);
        RaftNode leader = nodes.get(leaderOf(1));
        RaftNode.Member member = member(follower);
        List<RaftNode.Member> all =
                away.replicasOf(1).stream().map(this::member).toList();
        List<RaftNode.Member> others =
                all.stream().filter(m -> !m.equals(member)).toList();
        Path folder = dir.resolve(follower).resolve("partitions").resolve("001");
        Path copies = dir.resolve(follower).resolve("partitions").resolve("001.copies");

        // A reader on another node holds a lease on the replica as it leaves: its files stay while the lease is open.
        ReplicaPartition leased = away.localReplica(1);
        leased.openRead();
        changing(() -> leader.removeReplica(1, member, others));
        leader.removeGroupLater(1, member, 0);
        awaitTrue(() -> away.localReplica(1) == null, follower + "'s replica leaves the group");
        // Three whole membership rounds of that node (the first may have begun before the replica left).
        long rounds = away.membershipRounds();
        awaitTrue(() -> away.membershipRounds() >= rounds + 4, follower + " runs its membership rounds");
        assertThat(folder).as("the replica read through a lease").exists();

        // Given back meanwhile: the old replica is closed (its lease with it) and deleted, the new one starts empty
        // and catches up, then takes snapshots of its own.
        changing(() -> leader.addReplica(1, member, all));
        awaitTrue(() -> away.localReplica(1) != null, follower + " holds a replica again");
        assertThat(away.localReplica(1)).isNotSameAs(leased);
        long givenBack = leader.localApplied(1).index();
        for (int i = 0; i < 120; i++) {
            node(i % 3).submit(1, put("back-" + i, "w" + i, WriteCondition.NONE));
        }
        awaitTrue(() -> newestCopy(copies) > givenBack + 20, follower + " takes snapshots of the replica given back");
        assertThat(away.installedCopies(1))
                .as("copies installed by " + follower)
                .isZero();
        agreedDigests();

        // Given away with nothing reading it: deleted by the node's next membership round.
        changing(() -> leader.removeReplica(1, member, others));
        leader.removeGroupLater(1, member, 0);
        awaitTrue(
                () -> !java.nio.file.Files.exists(folder) && !java.nio.file.Files.exists(copies),
                follower + " deletes the replica it gave away");
    }

    /** A change of a group's members: tried again (at most 20 times) while the controller moves its leadership. */
    private static void changing(Change change) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                change.run();
                return;
            } catch (IOException e) {
                if (attempt == 20) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    private interface Change {
        void run() throws IOException;
    }

    /** The log index of the newest copy in {@code copies} ({@code TERM_INDEX} folders), or -1. */
    private static long newestCopy(Path copies) {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.list(copies)) {
            return all.map(p -> p.getFileName().toString())
                    .filter(name -> name.matches("\\d+_\\d+"))
                    .mapToLong(name -> Long.parseLong(name.substring(name.indexOf('_') + 1)))
                    .max()
                    .orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits (at most {@link #PATIENCE}) until {@code done}. */
    private static void awaitTrue(java.util.function.BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /**
     * A node alone in its groups (one replica per partition) leads them all; every write was applied on it before it
     * was acknowledged, so its read barrier is complete at once rather than a read-index request per read.
     */
    @Test
    void aNodeAloneInItsGroupsPassesItsReadBarrierAtOnce() throws Exception {
        settings = settings.withReplicas(1);
        startCluster(1);
        createBucket(Versioning.UNVERSIONED);
        for (int i = 0; i < 5; i++) {
            assertThat(node(0).submit(i % PARTITIONS, put("k" + i, "v" + i, WriteCondition.NONE))
                            .status())
                    .isEqualTo(CommandResult.Status.APPLIED);
            assertThat(node(0).current(java.util.Set.of(0, 1))).isCompleted();
        }
    }

    @Test
    void aNodeWithoutTheClustersSecretCanNeitherProposeNorTakePart() throws Exception {
        startCluster(3);
        createBucket(Versioning.UNVERSIONED);
        // A fourth process that knows the members but not the secret: its handshakes fail, so its proposals do.
        RaftNode.Member intruder = new RaftNode.Member("n9", "127.0.0.1", freePort());
        List<RaftNode.Member> withIntruder = new ArrayList<>(members);
        withIntruder.add(intruder);
        RaftNode.Settings wrong = new RaftNode.Settings(
                "test",
                PARTITIONS,
                3,
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                20_000,
                "not the cluster's secret");
        try (RaftNode outsider = RaftNode.start(intruder, withIntruder, dir.resolve("n9"), wrong)) {
            // Placement over four members puts partition 1's replicas on n1, n2 and n9 in its eyes; the real
            // replicas (n0, n1, n2 for three members) never hear from it.
            assertThatThrownBy(() -> outsider.submit(0, put("intruded", "x", WriteCondition.NONE)))
                    .isInstanceOf(StorageException.class);
        }
        // The cluster never saw the write and still works.
        CommandResult after = node(1).submit(0, put("after", "y", WriteCondition.NONE));
        assertThat(after.status()).isEqualTo(CommandResult.Status.APPLIED);
        for (RaftNode node : nodes.values()) {
            assertThat(node.localReplica(0).digest()).isNotNull();
        }
        Map<Integer, String> digests = agreedDigests();
        assertThat(digests).hasSize(PARTITIONS);
    }

    private String leaderOf(int partition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            for (RaftNode node : nodes.values()) {
                if (node.leads(partition)) {
                    return node.self().id();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader of partition " + partition);
    }

    /**
     * A node that follows in {@code partition}, and not the one the map prefers as its leader where there is a choice:
     * the controller hands a partition's leadership to its preferred replica, and one a test stops just then (it still
     * looks alive for a moment) holds the partition's writes while the transfer lasts.
     */
    private String followerOf(int partition) throws IOException, InterruptedException {
        String leader = leaderOf(partition);
        List<String> preferred = node(0).replicasOf(partition);
        String first = preferred.isEmpty() ? null : preferred.get(0);
        List<String> followers =
                nodes.keySet().stream().filter(id -> !id.equals(leader)).toList();
        return followers.stream().filter(id -> !id.equals(first)).findFirst().orElse(followers.get(0));
    }
}
