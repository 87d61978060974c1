package dev.granary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.rocksdb.EngineOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Membership changes in this JVM: a cluster founded by one node grows to three as two nodes join, and the controller
 * moves replicas to them until every object partition has three, its preferred leaders spread; every object written
 * before, between and after the joins reads back whole through every node, and the replicas of each partition end
 * identical.
 */
class MembershipTest {
    private static final int PARTITIONS = 5;
    private static final String SECRET = "a cluster secret for tests";

    @TempDir
    Path dir;

    private final Map<String, RaftNode> nodes = new TreeMap<>();
    private final Map<String, ObjectStore> stores = new TreeMap<>();
    private final RaftNode.Settings settings = new RaftNode.Settings(
            "growing", PARTITIONS, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);

    @AfterEach
    void stop() {
        stores.values().forEach(ObjectStore::close);
        stores.clear();
        ThreeNodes.closeAll(nodes.values());
        nodes.clear();
    }

    private static RaftNode.Member member(String id) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new RaftNode.Member(id, "127.0.0.1", socket.getLocalPort());
        }
    }

    private ObjectStore open(RaftNode node) throws InterruptedException {
        nodes.put(node.self().id(), node);
        ObjectStore store = node.openStore(EngineOptions.defaults().withPartitions(PARTITIONS));
        stores.put(node.self().id(), store);
        return store;
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static void put(ObjectStore store, ObjectKey key, byte[] body) throws IOException {
        store.putObject(key, ObjectAttributes.empty(), new ByteArrayInputStream(body), body.length, null);
    }

    /**
     * Creates {@code bucket} through {@code store} and writes {@code count} objects to it (every fourth of two 1 MiB
     * chunks and a few bytes: a data file), seeded from {@code seed}; returns them by key.
     */
    private static Map<ObjectKey, byte[]> fill(ObjectStore store, String bucket, int count, long seed)
            throws IOException {
        store.createBucket(bucket, "alice", "us-east-1");
        Map<ObjectKey, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            byte[] body = random(i % 4 == 0 ? 1024 * 1024 + 9 : 500 + i, seed + i);
            ObjectKey key = new ObjectKey(bucket, "k" + i);
            put(store, key, body);
            written.put(key, body);
        }
        return written;
    }

    private static byte[] read(ObjectStore store, ObjectKey key) throws IOException {
        ObjectMeta meta = store.headObject(key);
        try (ObjectContent content = store.getObject(key, 0, meta.size());
                InputStream in = content.stream()) {
            return in.readAllBytes();
        }
    }

    /** Waits (at most 120 s) until every object partition has a replica on each of {@code ids}, all caught up. */
    private void awaitReplicasOn(List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        ClusterStatus status = null;
        while (System.nanoTime() < deadline) {
            status = nodes.get("n0").status(Duration.ofSeconds(5));
            boolean done = true;
            for (PartitionStatus partition : status.partitions()) {
                List<String> held = partition.replicas().stream()
                        .map(PartitionStatus.Replica::node)
                        .sorted()
                        .toList();
                done &= partition.fromLeader() && held.equals(ids);
            }
            if (done) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("replicas did not reach " + ids + ": " + status);
    }

    @Test
    void aClusterOfOneGrowsToThreeAndEveryObjectStaysWhole() throws Exception {
        RaftNode.Member n0 = member("n0");
        ObjectStore first = open(RaftNode.start(n0, List.of(n0), dir.resolve("n0"), settings));
        first.createBucket("grow", "alice", "us-east-1");
        Map<ObjectKey, byte[]> written = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            byte[] body = random(i % 5 == 0 ? 1024 * 1024 + 5 : 300 + i, i);
            ObjectKey key = new ObjectKey("grow", "before/" + i);
            put(first, key, body);
            written.put(key, body);
        }

        ObjectStore second = open(RaftNode.join(member("n1"), List.of(n0), dir.resolve("n1"), settings));
        for (int i = 0; i < 10; i++) {
            byte[] body = random(200 + i, 100 + i);
            ObjectKey key = new ObjectKey("grow", "between/" + i);
            put(i % 2 == 0 ? first : second, key, body);
            written.put(key, body);
        }
        awaitReplicasOn(List.of("n0", "n1"));

        ObjectStore third = open(RaftNode.join(member("n2"), List.of(n0), dir.resolve("n2"), settings));
        awaitReplicasOn(List.of("n0", "n1", "n2"));
        // The joiners serve the replicas they gained from their own disks (through the groups until caught up).
        long local = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ObjectStore joined : List.of(second, third)) {
            for (int p = 1; p < PARTITIONS; p++) {
                while (!((dev.granary.storage.rocksdb.RocksObjectStore) joined).holds(p)) {
                    assertThat(System.nanoTime())
                            .as("a joiner serves partition " + p + " from its replica")
                            .isLessThan(local);
                    Thread.sleep(50);
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            byte[] body = random(i == 0 ? 2 * 1024 * 1024 : 100 + i, 200 + i);
            ObjectKey key = new ObjectKey("grow", "after/" + i);
            put(List.of(first, second, third).get(i % 3), key, body);
            written.put(key, body);
        }

        for (Map.Entry<String, ObjectStore> store : stores.entrySet()) {
            nodes.get(store.getKey()).catchUp();
            for (Map.Entry<ObjectKey, byte[]> object : written.entrySet()) {
                assertThat(read(store.getValue(), object.getKey()))
                        .as(object.getKey() + " through " + store.getKey())
                        .isEqualTo(object.getValue());
            }
            assertThat(store.getValue()
                            .listObjects("grow", new dev.granary.storage.ListQuery(null, null, null, 1000))
                            .objects())
                    .hasSize(written.size());
        }
        // Preferred leaders are spread: the map names each node first for some partition.
        ClusterStatus status = nodes.get("n0").status(Duration.ofSeconds(5));
        assertThat(status.nodes()).extracting(ClusterStatus.Node::id).containsExactly("n0", "n1", "n2");
        // Every replica of a partition holds the same state at the same entry.
        Map<Integer, List<RaftNode.ReplicaDigest>> digests = new TreeMap<>();
        for (RaftNode node : nodes.values()) {
            node.catchUp();
        }
        for (int attempt = 0; attempt < 20; attempt++) {
            digests.clear();
            for (RaftNode node : nodes.values()) {
                node.localDigests()
                        .forEach((p, d) -> digests.computeIfAbsent(p, k -> new ArrayList<>())
                                .add(d));
            }
            if (digests.values().stream()
                    .allMatch(list -> list.stream().distinct().count() == 1)) {
                break;
            }
            Thread.sleep(250);
        }
        assertThat(digests).hasSize(PARTITIONS);
        digests.forEach((p, list) -> {
            assertThat(list).as("replicas of partition " + p).hasSize(3);
            assertThat(list.stream().distinct())
                    .as("replicas of partition " + p)
                    .hasSize(1);
        });
        // The founder gave no replica away here (R=3 on three nodes), so nothing was retired.
        assertThat(Files.exists(
                        dir.resolve("n0").resolve("partitions").resolve("001").resolve("RETIRED")))
                .isFalse();
    }

    /**
     * A replica moving to a node that joins arrives as a copy of the partition (the founder's log is purged past its
     * start), at the joiner's bound on arriving copies; the cluster's status shows the move with its bytes, done and
     * remaining, while it runs.
     */
    @Test
    void aMovingReplicaArrivesAtItsNodesBoundAndItsBytesShowWhileItMoves() throws Exception {
        RaftNode.Settings paced =
                new RaftNode.Settings("paced", 2, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 8, SECRET);
        RaftNode founder = foundTwoPartitions(paced);
        RaftNode.Member n0 = founder.self();
        ObjectStore first = stores.get("n0");
        Map<ObjectKey, byte[]> written = fill(first, "paced", 48, 7); // 12 bodies of 1 MiB in data files
        awaitMoves(founder, moves -> moves.isEmpty());

        RaftNode joiner = RaftNode.join(member("n1"), List.of(n0), dir.resolve("n1"), paced);
        joiner.moveBandwidth(2L << 20);
        nodes.put("n1", joiner);
        List<ClusterStatus.MoveProgress> seen = new ArrayList<>();
        awaitMoves(founder, moves -> {
            moves.stream()
                    .filter(m -> m.partition() == 1 && "n1".equals(m.to()))
                    .forEach(seen::add);
            return !seen.isEmpty() && moves.isEmpty();
        });
        awaitReplicasOn(List.of("n0", "n1"));
        assertThat(joiner.installedCopies(1)).as("copies n1 installed").isPositive();
        long bytes =
                seen.stream().mapToLong(ClusterStatus.MoveProgress::bytes).max().orElseThrow();
        assertThat(bytes).as("the copy's bytes").isGreaterThan(12L << 20);
        // At 2 MiB/s the copy takes seconds to arrive: the status saw it part-way.
        assertThat(seen).as("moves seen: %s", seen).anySatisfy(m -> {
            assertThat(m.bytesDone()).isPositive().isLessThan(m.bytes());
            assertThat(m.bytesRemaining()).isEqualTo(m.bytes() - m.bytesDone());
        });

        ObjectStore second = open(joiner);
        joiner.catchUp();
        for (Map.Entry<ObjectKey, byte[]> object : written.entrySet()) {
            assertThat(read(second, object.getKey()))
                    .as(object.getKey().toString())
                    .isEqualTo(object.getValue());
        }
    }

    /**
     * Zones: two replicas per partition on three nodes, two of them in zone a and one in zone b, put one replica of
     * every partition in each zone (so every partition has one on the lone node of zone b), and the status names the
     * zones.
     */
    @Test
    void aPartitionsReplicasGoToDistinctZones() throws Exception {
        RaftNode.Settings two = settings.withReplicas(2);
        RaftNode.Member n0 = member("n0");
        RaftNode founder =
                RaftNode.start(n0, List.of(n0), dir.resolve("n0"), two).zone("a");
        ObjectStore first = open(founder);
        Map<ObjectKey, byte[]> written = fill(first, "zoned", 12, 3);
        open(RaftNode.join(member("n1"), "a", List.of(n0), dir.resolve("n1"), two));
        ObjectStore lone = open(RaftNode.join(member("n2"), "b", List.of(n0), dir.resolve("n2"), two));

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        ClusterStatus status = founder.status(Duration.ofSeconds(5));
        while (!zonesSpread(status)) {
            assertThat(System.nanoTime())
                    .as("replicas across zones: %s", status)
                    .isLessThan(deadline);
            Thread.sleep(200);
            status = founder.status(Duration.ofSeconds(5));
        }
        assertThat(status.nodes())
                .extracting(ClusterStatus.Node::id, ClusterStatus.Node::zone)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("n0", "a"),
                        org.assertj.core.groups.Tuple.tuple("n1", "a"),
                        org.assertj.core.groups.Tuple.tuple("n2", "b"));
        nodes.get("n2").catchUp();
        for (Map.Entry<ObjectKey, byte[]> object : written.entrySet()) {
            assertThat(read(lone, object.getKey()))
                    .as(object.getKey().toString())
                    .isEqualTo(object.getValue());
        }
    }

    /** Whether every object partition has two replicas, one of them on n2 (zone b), and nothing moves. */
    private static boolean zonesSpread(ClusterStatus status) {
        if (!status.moves().isEmpty()) {
            return false;
        }
        for (PartitionStatus partition : status.partitions()) {
            List<String> held = partition.replicas().stream()
                    .map(PartitionStatus.Replica::node)
                    .toList();
            if (partition.partition() > 0 && !(partition.fromLeader() && held.size() == 2 && held.contains("n2"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A GET that reads through a lease on a replica (the replica's snapshot, on another node) reads to its end though
     * that replica is to leave its group meanwhile: it stays in the group until the read ends, then leaves.
     */
    @Test
    void aReadThroughALeaseOnAReplicaThatMovesAwayReadsToItsEnd() throws Exception {
        RaftNode.Settings one =
                new RaftNode.Settings("leased", 2, 1, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);
        RaftNode founder = foundTwoPartitions(one);
        RaftNode.Member n0 = founder.self();
        ObjectStore first = stores.get("n0");
        first.createBucket("leased", "alice", "us-east-1");
        ObjectKey key = new ObjectKey("leased", "big");
        byte[] body = random(8 * 1024 * 1024 + 3, 77);
        put(first, key, body);
        RaftNode joiner = RaftNode.join(member("n1"), List.of(n0), dir.resolve("n1"), one);
        ObjectStore second = open(joiner);
        // One object partition, one replica: it stays on n0, and n1 reads it through a lease on n0's replica.
        long known = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!joiner.replicasOf(1).equals(List.of("n0"))) {
            assertThat(System.nanoTime()).as("n1 reads the map").isLessThan(known);
            Thread.sleep(50);
        }
        try (ObjectContent content = second.getObject(key, 0, body.length);
                InputStream in = content.stream()) {
            byte[] head = in.readNBytes(1000);
            founder.drain("n0"); // the replica moves to n1, which is handed the leadership
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!"n1".equals(leaderOf(joiner, 1))) {
                assertThat(System.nanoTime()).as("n1 leads partition 1").isLessThan(deadline);
                Thread.sleep(100);
            }
            // Long enough for n0's replica to have left its group, were it not read through.
            Thread.sleep(Controller.REMOVE_GROUP_AFTER_MILLIS + 3_000);
            assertThat(joiner.replicasOf(1))
                    .as("the replicas while the GET reads")
                    .contains("n0");
            byte[] rest = in.readAllBytes();
            byte[] whole = new byte[head.length + rest.length];
            System.arraycopy(head, 0, whole, 0, head.length);
            System.arraycopy(rest, 0, whole, head.length, rest.length);
            assertThat(whole).isEqualTo(body);
        }
        // The lease released, n0's replica leaves, and its group goes.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!joiner.replicasOf(1).equals(List.of("n1")) || founder.localReplica(1) != null) {
            assertThat(System.nanoTime()).as("n0 removes the group it left").isLessThan(deadline);
            Thread.sleep(200);
        }
        assertThat(read(second, key)).isEqualTo(body);
    }

    /** Starts n0 alone, founding a cluster of the catalog and one object partition, and opens its store. */
    private RaftNode foundTwoPartitions(RaftNode.Settings settings) throws Exception {
        RaftNode.Member n0 = member("n0");
        RaftNode founder = RaftNode.start(n0, List.of(n0), dir.resolve("n0"), settings);
        nodes.put("n0", founder);
        stores.put("n0", founder.openStore(EngineOptions.defaults().withPartitions(2)));
        return founder;
    }

    private static String leaderOf(RaftNode node, int partition) {
        PartitionStatus status = node.leaderStatus(partition);
        return status == null ? null : status.leader();
    }

    /** Polls the cluster's moves as {@code node} reports them (every 100 ms, at most 2 minutes) until {@code done}. */
    private static void awaitMoves(RaftNode node, java.util.function.Predicate<List<ClusterStatus.MoveProgress>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<ClusterStatus.MoveProgress> moves = List.of();
        while (System.nanoTime() < deadline) {
            ClusterStatus status = node.status(Duration.ofSeconds(5));
            moves = status.mapEpoch() < 0
                    ? List.of(new ClusterStatus.MoveProgress(0, null, "?", 0, 0))
                    : status.moves();
            if (status.mapEpoch() >= 0 && done.test(moves)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the moves did not end as expected: " + moves);
    }

    @Test
    void replicasMoveOffTheFounderWhenOneReplicaIsKeptAndItsStoreReadsThemThroughTheGroup() throws Exception {
        RaftNode.Settings one = settings.withReplicas(1);
        RaftNode.Member n0 = member("n0");
        ObjectStore first = open(RaftNode.start(n0, List.of(n0), dir.resolve("n0"), one));
        Map<ObjectKey, byte[]> written = fill(first, "move", 16, 300);
        ObjectStore second = open(RaftNode.join(member("n1"), List.of(n0), dir.resolve("n1"), one));
        // Four object partitions, one replica each: two move to n1, and leave n0.
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<String> given = List.of();
        while (System.nanoTime() < deadline) {
            given = new ArrayList<>();
            for (int p = 1; p < PARTITIONS; p++) {
                if (nodes.get("n0").localReplica(p) == null && nodes.get("n1").localReplica(p) != null) {
                    given.add("p" + p);
                }
            }
            if (given.size() == 2) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(given).hasSize(2);
        for (int p = 1; p < PARTITIONS; p++) {
            // Once a moved replica's group is gone from n0, its folder is too.
            Path folder = dir.resolve("n0").resolve("partitions").resolve(String.format("%03d", p));
            if (nodes.get("n0").localReplica(p) == null) {
                long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (Files.exists(folder) && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
            }
        }
        for (int i = 0; i < 8; i++) {
            byte[] body = random(700 + i, 400 + i);
            ObjectKey key = new ObjectKey("move", "after" + i);
            put(i % 2 == 0 ? first : second, key, body);
            written.put(key, body);
        }
        for (Map.Entry<String, ObjectStore> store : stores.entrySet()) {
            for (Map.Entry<ObjectKey, byte[]> object : written.entrySet()) {
                assertThat(read(store.getValue(), object.getKey()))
                        .as(object.getKey() + " through " + store.getKey())
                        .isEqualTo(object.getValue());
            }
        }
    }

    @Test
    void aNodeThatStaysDownIsDeclaredDeadItsReplicasAreMadeAgainAndItReturnsEmptiedAndRejoins() throws Exception {
        // Four nodes, three replicas: a partition that loses one keeps a majority, whose leader replaces it (a group
        // that lost its majority cannot change its members: Raft needs a leader for that).
        List<RaftNode.Member> founders = List.of(member("n0"), member("n1"), member("n2"), member("n3"));
        for (RaftNode.Member founder : founders) {
            RaftNode node = RaftNode.start(founder, founders, dir.resolve(founder.id()), settings);
            nodes.put(founder.id(), node.deadAfter(Duration.ofSeconds(3)));
        }
        for (RaftNode node : List.copyOf(nodes.values())) {
            open(node);
        }
        ObjectStore first = stores.get("n0");
        Map<ObjectKey, byte[]> written = fill(first, "dead", 12, 500);
        stores.remove("n3").close();
        nodes.remove("n3").close();

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        ClusterStatus status = null;
        boolean replaced = false;
        while (!replaced && System.nanoTime() < deadline) {
            Thread.sleep(250);
            status = nodes.get("n0").status(Duration.ofSeconds(3));
            replaced = status.nodes().stream()
                    .anyMatch(n -> n.id().equals("n3") && n.state().equals("dead"));
            for (PartitionStatus partition : status.partitions()) {
                List<String> held = partition.replicas().stream()
                        .map(PartitionStatus.Replica::node)
                        .toList();
                replaced &= partition.fromLeader() && !held.contains("n3") && held.size() == 3;
            }
        }
        assertThat(replaced)
                .as("n3 dead and its replicas made again: " + status)
                .isTrue();
        for (int i = 0; i < 4; i++) {
            byte[] body = random(600 + i, 600 + i);
            ObjectKey key = new ObjectKey("dead", "while-dead" + i);
            put(stores.get("n1"), key, body);
            written.put(key, body);
        }

        // n3 comes back: it learns it was declared dead and stops; started again, it empties itself and joins again,
        // and replicas move back to it.
        RaftNode stale = RaftNode.start(founders.get(3), founders, dir.resolve("n3"), settings);
        open(stale);
        long told = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!stale.evicted() && System.nanoTime() < told) {
            Thread.sleep(100);
        }
        assertThat(stale.evicted()).as("n3 learned it was declared dead").isTrue();
        assertThat(dir.resolve("n3").resolve(RaftNode.REJOIN)).exists();
        stores.remove("n3").close();
        nodes.remove("n3").close();
        RaftNode back = RaftNode.start(founders.get(3), founders, dir.resolve("n3"), settings);
        ObjectStore returned = open(back);
        assertThat(dir.resolve("n3").resolve(RaftNode.REJOIN)).doesNotExist();
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int held = 0;
        while (held < 3 && System.nanoTime() < until) {
            Thread.sleep(250);
            held = 0;
            for (int p = 1; p < PARTITIONS; p++) {
                held += back.localReplica(p) == null ? 0 : 1;
            }
        }
        assertThat(held).as("object replicas back on n3 (12 over 4 nodes)").isEqualTo(3);
        back.catchUp();
        for (Map.Entry<ObjectKey, byte[]> object : written.entrySet()) {
            assertThat(read(returned, object.getKey()))
                    .as(object.getKey() + " through the returned n3")
                    .isEqualTo(object.getValue());
        }
        // The catalog kept its three voters when n3 died; n3, back, follows it as a listener (it has the catalog's
        // replica, and no vote), and writes through it still reach every replica.
        org.apache.ratis.server.RaftConfiguration catalog = back.configuration(0);
        assertThat(catalog.getCurrentPeers().stream().map(peer -> peer.getId().toString()))
                .containsExactlyInAnyOrder("n0", "n1", "n2");
        assertThat(catalog.getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER).stream()
                        .map(peer -> peer.getId().toString()))
                .containsExactly("n3");
        returned.createBucket("after-return", "alice", "us-east-1");
        assertThat(stores.get("n1").listBuckets("alice").stream().map(b -> b.name()))
                .contains("after-return");
    }

    /**
     * The catalog's voters stay three as nodes join (the fourth and fifth follow it as listeners, then five vote from
     * five nodes up), and a voter that dies is replaced by a listener.
     */
    @Test
    void theCatalogKeepsAFewVotersAndPromotesAListenerWhenOneDies() throws Exception {
        RaftNode.Member n0 = member("n0");
        open(RaftNode.start(n0, List.of(n0), dir.resolve("n0"), settings).deadAfter(Duration.ofSeconds(3)));
        for (int i = 1; i <= 3; i++) {
            open(RaftNode.join(member("n" + i), List.of(n0), dir.resolve("n" + i), settings)
                    .deadAfter(Duration.ofSeconds(3)));
        }
        awaitCatalog(nodes.get("n0"), List.of("n0", "n1", "n2"), List.of("n3"));
        stores.get("n3").createBucket("through-a-listener", "alice", "us-east-1");
        assertThat(stores.get("n1").listBuckets("alice").stream().map(b -> b.name()))
                .contains("through-a-listener");

        // n2, a voter, stops for good: it is declared dead, leaves, and the listener n3 votes in its place.
        stores.remove("n2").close();
        nodes.remove("n2").close();
        awaitCatalog(nodes.get("n0"), List.of("n0", "n1", "n3"), List.of());
    }

    /** Waits (at most 2 minutes) until {@code node}'s replica of the catalog has these voters and listeners. */
    private static void awaitCatalog(RaftNode node, List<String> voters, List<String> listeners) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        List<String> hasVoters = List.of();
        List<String> hasListeners = List.of();
        while (System.nanoTime() < deadline) {
            org.apache.ratis.server.RaftConfiguration catalog = node.configuration(0);
            hasVoters = catalog.getCurrentPeers().stream()
                    .map(peer -> peer.getId().toString())
                    .sorted()
                    .toList();
            hasListeners = catalog.getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER).stream()
                    .map(peer -> peer.getId().toString())
                    .sorted()
                    .toList();
            if (hasVoters.equals(voters) && hasListeners.equals(listeners)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the catalog has voters " + hasVoters + " and listeners " + hasListeners + ", not "
                + voters + " and " + listeners);
    }
}
