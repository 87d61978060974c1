package dev.granary.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.rocksdb.EngineOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store over replicated partitions: three nodes in this JVM, each with a store over its own replicas,
 * every write proposed through Ratis. What one node's store writes, the others' stores read (after catching up
 * with the leaders, the read barrier a request will take), bodies of several chunks included; two nodes creating
 * one bucket name at once leave exactly one owner; a node that was down serves the writes it missed.
 */
class ReplicatedStoreTest {
    private static final int PARTITIONS = 4;
    private static final String SECRET = "a cluster secret for tests";

    @TempDir
    Path dir;

    private final List<RaftNode.Member> members = new ArrayList<>();
    private final Map<String, RaftNode> nodes = new TreeMap<>();
    private final Map<String, ObjectStore> stores = new TreeMap<>();
    private RaftNode.Settings settings = new RaftNode.Settings(
            "stores", PARTITIONS, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);

    @AfterEach
    void stop() {
        for (ObjectStore store : stores.values()) {
            store.close();
        }
        stores.clear();
        ThreeNodes.closeAll(nodes.values());
        nodes.clear();
    }

    private void start(RaftNode.Member member) throws Exception {
        RaftNode node = RaftNode.start(member, members, dir.resolve(member.id()), settings);
        nodes.put(member.id(), node);
        stores.put(member.id(), node.openStore(EngineOptions.defaults().withPartitions(settings.partitions())));
    }

    private void stop(String id) throws IOException {
        ObjectStore store = stores.remove(id);
        if (store != null) {
            store.close();
        }
        nodes.remove(id).close();
    }

    private void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                members.add(new RaftNode.Member("n" + i, "127.0.0.1", socket.getLocalPort()));
            }
        }
        for (RaftNode.Member member : members) {
            start(member);
        }
    }

    /** Node {@code i}'s store, once its replicas have caught up with their leaders. */
    private ObjectStore caughtUp(int i) throws InterruptedException {
        nodes.get("n" + i).catchUp();
        return stores.get("n" + i);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static ObjectMeta put(ObjectStore store, ObjectKey key, byte[] body) throws IOException {
        return store.putObject(key, ObjectAttributes.empty(), new ByteArrayInputStream(body), body.length, null);
    }

    private static byte[] read(ObjectStore store, ObjectKey key) throws IOException {
        ObjectMeta meta = store.headObject(key);
        try (ObjectContent content = store.getObject(key, 0, meta.size());
                InputStream in = content.stream()) {
            return in.readAllBytes();
        }
    }

    @Test
    void whatOneNodeWritesEveryNodeReads() throws Exception {
        startCluster();
        BucketInfo created = stores.get("n0").createBucket("shared", "alice", "us-east-1");
        assertThat(caughtUp(1).getBucket("shared").owner()).isEqualTo("alice");
        assertThat(caughtUp(2).listBuckets(null)).extracting(BucketInfo::name).containsExactly("shared");
        assertThat(stores.get("n2").getBucket("shared").created()).isEqualTo(created.created());

        byte[] small = "a small body".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] large = random(3 * 1024 * 1024 + 17, 1); // several 1 MiB chunk entries
        ObjectKey smallKey = new ObjectKey("shared", "small");
        ObjectKey largeKey = new ObjectKey("shared", "dir/large");
        ObjectMeta smallMeta = put(stores.get("n1"), smallKey, small);
        ObjectMeta largeMeta = put(stores.get("n2"), largeKey, large);
        for (int i = 0; i < 3; i++) {
            ObjectStore store = caughtUp(i);
            assertThat(read(store, smallKey)).isEqualTo(small);
            assertThat(read(store, largeKey)).isEqualTo(large);
            assertThat(store.headObject(largeKey).etag()).isEqualTo(largeMeta.etag());
            assertThat(store.headObject(smallKey).lastModified()).isEqualTo(smallMeta.lastModified());
        }

        // Versioning set on one node governs writes proposed on another.
        stores.get("n2").setVersioning("shared", Versioning.ENABLED);
        ObjectKey versioned = new ObjectKey("shared", "versioned");
        ObjectMeta first = put(caughtUp(0), versioned, new byte[] {1});
        ObjectMeta second = put(stores.get("n0"), versioned, new byte[] {2});
        assertThat(first.versionId()).isNotEqualTo(second.versionId());
        assertThat(caughtUp(1).headObject(versioned, first.versionId()).size()).isEqualTo(1);
        assertThat(read(stores.get("n1"), versioned)).containsExactly(2);

        // A multipart upload begun, continued and completed on three nodes.
        ObjectKey assembled = new ObjectKey("shared", "assembled");
        String uploadId = stores.get("n0")
                .createUpload(assembled, "alice", ObjectAttributes.empty())
                .uploadId();
        byte[] part1 = random(5 * 1024 * 1024, 2);
        byte[] part2 = random(1000, 3);
        PartMeta meta1 = caughtUp(1)
                .uploadPart(assembled, uploadId, 1, new ByteArrayInputStream(part1), part1.length, null, Map.of());
        PartMeta meta2 = caughtUp(2)
                .uploadPart(assembled, uploadId, 2, new ByteArrayInputStream(part2), part2.length, null, Map.of());
        caughtUp(0)
                .completeUpload(
                        assembled,
                        uploadId,
                        List.of(new CompletedPart(1, meta1.etag()), new CompletedPart(2, meta2.etag())),
                        5 * 1024 * 1024,
                        null,
                        null);
        byte[] whole = new byte[part1.length + part2.length];
        System.arraycopy(part1, 0, whole, 0, part1.length);
        System.arraycopy(part2, 0, whole, part1.length, part2.length);
        assertThat(read(caughtUp(1), assembled)).isEqualTo(whole);

        // Nothing any store did wrote around the log: every replica of every partition holds the same state.
        stores.get("n1").deleteObject(smallKey);
        assertReplicasEqual();
        // The bodies from 1 MiB are in data files on every replica (their bytes came beside the log), not in the
        // partitions' databases: each node holds the large object's file and the first part's.
        for (String node : nodes.keySet()) {
            assertThat(dataFiles(node).values())
                    .as("data file sizes on %s", node)
                    .contains(fileSize(large.length), fileSize(part1.length));
        }
    }

    /** The size of a data file holding {@code length} bytes in 1 MiB chunks, each with its CRC32C first. */
    private static long fileSize(long length) {
        return length + 4 * ((length + (1 << 20) - 1) >> 20);
    }

    /** The data files of node {@code id}, by name, with their sizes. */
    private Map<String, Long> dataFiles(String id) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        Path partitions = dir.resolve(id).resolve("partitions");
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(partitions)) {
            for (Path file : all.filter(java.nio.file.Files::isRegularFile).toList()) {
                if (file.getParent().getParent().getFileName().toString().equals("objects")) {
                    files.put(file.getFileName().toString(), java.nio.file.Files.size(file));
                }
            }
        }
        return files;
    }

    private void assertReplicasEqual() throws InterruptedException {
        catchUpAll();
        for (int p = 0; p < settings.partitions(); p++) {
            String digest = null;
            for (RaftNode node : nodes.values()) {
                if (node.localReplica(p) == null) {
                    continue; // fewer replicas than nodes
                }
                String here = node.localReplica(p).digest();
                if (digest == null) {
                    digest = here;
                }
                assertThat(here).as("partition %d on %s", p, node.self().id()).isEqualTo(digest);
            }
        }
    }

    @Test
    void replacedBodiesAreReclaimedOnEveryReplicaByTheLeadersCommands() throws Exception {
        startCluster();
        stores.get("n0").createBucket("churn", "alice", "");
        ObjectKey key = new ObjectKey("churn", "k");
        for (int i = 0; i < 6; i++) {
            put(stores.get("n" + (i % 3)), key, random(200_000, i)); // a chunked body each time: the old one is garbage
        }
        ObjectKey large = new ObjectKey("churn", "large");
        for (int i = 0; i < 3; i++) {
            put(stores.get("n" + (i % 3)), large, random(1_500_000, 10 + i)); // data files on every replica
        }
        for (String node : nodes.keySet()) {
            assertThat(dataFiles(node)).as("data files on %s", node).isNotEmpty();
        }
        stores.get("n1").deleteObject(key);
        stores.get("n2").deleteObject(large);
        // Each partition's leader proposes its reclamation; every replica applies it, so all drain alike.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean drained = false;
        while (!drained) {
            assertThat(System.nanoTime())
                    .as("every replica reclaimed its garbage")
                    .isLessThan(deadline);
            Thread.sleep(100);
            drained = true;
            for (RaftNode node : nodes.values()) {
                node.catchUp();
                for (int p = 0; p < PARTITIONS; p++) {
                    drained &= !node.localReplica(p).hasQueuedGarbage();
                }
            }
        }
        assertReplicasEqual();
        // Each replica deleted its own data files as it applied the leader's reclamation.
        for (String node : nodes.keySet()) {
            assertThat(dataFiles(node)).as("data files on %s", node).isEmpty();
        }
    }

    /**
     * One replica per partition, so node n0 holds one of the three object partitions: GETs through it of objects in
     * the other two read through a lease on the replica that holds them, and keep reading the version they began with
     * while it is overwritten and its data reclaimed there (data files, and chunks in the partition's records).
     */
    @Test
    void aStreamFromAPartitionHeldElsewhereKeepsItsVersionThroughReclamation() throws Exception {
        settings = new RaftNode.Settings(
                "stores", PARTITIONS, 1, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);
        startCluster();
        RaftNode n0 = nodes.get("n0");
        assertThat(n0.localReplica(1)).as("n0 holds partition 1").isNull();
        assertThat(n0.localReplica(2)).as("n0 holds partition 2").isNull();
        ObjectStore store = stores.get("n0");
        store.createBucket("leases", "alice", "");
        Map<ObjectKey, byte[]> bodies = new TreeMap<>(java.util.Comparator.comparing(ObjectKey::key));
        for (int i = 0; i < 12; i++) {
            ObjectKey key = new ObjectKey("leases", "k" + i);
            byte[] body = random(2_500_000 + i, 100 + i);
            // Half of known length (a data file), half of unknown length (chunks in the records).
            store.putObject(
                    key, ObjectAttributes.empty(), new ByteArrayInputStream(body), i % 2 == 0 ? body.length : -1, null);
            bodies.put(key, body);
        }
        Map<ObjectKey, InputStream> open = new TreeMap<>(java.util.Comparator.comparing(ObjectKey::key));
        List<ObjectContent> contents = new ArrayList<>();
        try {
            for (ObjectKey key : bodies.keySet()) {
                ObjectContent content = store.getObject(key, 0, -1);
                contents.add(content);
                assertThat(content.stream().readNBytes(100)).isEqualTo(java.util.Arrays.copyOf(bodies.get(key), 100));
                open.put(key, content.stream());
            }
            // Every object replaced through another node: the old bodies are garbage, which each partition's leader
            // reclaims (its reclaimer runs every second when idle) as far as no snapshot may still read them.
            for (ObjectKey key : bodies.keySet()) {
                put(stores.get("n1"), key, random(3_000, 7));
            }
            Thread.sleep(3_000); // time for several reclaimer passes, which the leases must hold off
            for (Map.Entry<ObjectKey, InputStream> stream : open.entrySet()) {
                byte[] body = bodies.get(stream.getKey());
                assertThat(stream.getValue().readAllBytes())
                        .as("the rest of %s", stream.getKey())
                        .isEqualTo(java.util.Arrays.copyOfRange(body, 100, body.length));
            }
        } finally {
            for (ObjectContent content : contents) {
                content.close();
            }
        }
        // The streams closed, their leases are released: everything is reclaimed on every replica.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean drained = false;
        while (!drained) {
            assertThat(System.nanoTime()).as("the old bodies reclaimed").isLessThan(deadline);
            Thread.sleep(100);
            drained = true;
            for (RaftNode node : nodes.values()) {
                for (int p = 0; p < PARTITIONS; p++) {
                    if (node.localReplica(p) != null) {
                        drained &= !node.localReplica(p).hasQueuedGarbage();
                    }
                }
            }
        }
        for (ObjectKey key : bodies.keySet()) {
            assertThat(read(stores.get("n0"), key)).isEqualTo(random(3_000, 7));
        }
    }

    /**
     * A replica whose data file was lost, overwritten in the middle or cut short (a disk's fault, a crash before the
     * file was synced) serves the object whole from another replica's copy, chunk by chunk (each checked by its
     * CRC32C), and so repairs its own: after one read, its files are the others' again, byte for byte.
     */
    @Test
    void aDataFileLostOrDamagedOnOneReplicaIsReadFromAnotherAndRepaired() throws Exception {
        startCluster();
        ObjectStore store = stores.get("n0");
        store.createBucket("damage", "alice", "");
        Map<ObjectKey, byte[]> bodies = new TreeMap<>(java.util.Comparator.comparing(ObjectKey::key));
        for (int i = 0; i < 3; i++) {
            ObjectKey key = new ObjectKey("damage", "k" + i);
            bodies.put(key, random(2_500_000 + i, 300 + i)); // three chunks each, in a data file
            put(store, key, bodies.get(key));
        }
        catchUpAll();
        List<Path> files = objectFiles("n1");
        assertThat(files).hasSize(3);
        java.nio.file.Files.delete(files.get(0));
        overwrite(files.get(1), 1_500_000, random(1_000, 9)); // within the second chunk
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(files.get(2), java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(1_200_000);
        }

        for (Map.Entry<ObjectKey, byte[]> entry : bodies.entrySet()) {
            assertThat(read(stores.get("n1"), entry.getKey()))
                    .as("%s through the damaged replica", entry.getKey())
                    .isEqualTo(entry.getValue());
        }
        assertRepairedLikeN0("n1", files);
        assertReplicasEqual();
    }

    /**
     * A node holding no replica of a partition reads its bodies through a lease on one replica (the leader that
     * answered); a chunk damaged there is repaired from the partition's other replica before it is answered.
     */
    @Test
    void aReplicaServingAnotherNodeRepairsADamagedChunkBeforeAnsweringIt() throws Exception {
        settings = new RaftNode.Settings(
                "stores", PARTITIONS, 2, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);
        startCluster();
        ObjectStore store = stores.get("n0");
        store.createBucket("served", "alice", "");
        Map<ObjectKey, byte[]> bodies = new TreeMap<>(java.util.Comparator.comparing(ObjectKey::key));
        for (int i = 0; i < 8; i++) {
            ObjectKey key = new ObjectKey("served", "k" + i);
            bodies.put(key, random(2_200_000 + i, 500 + i));
            put(store, key, bodies.get(key));
        }
        catchUpAll();
        int damaged = 0;
        for (int p = 1; p < PARTITIONS; p++) {
            if (nodes.get("n0").localReplica(p) != null) {
                continue;
            }
            for (RaftNode node : nodes.values()) {
                if (node.localReplica(p) == null || !node.leads(p)) {
                    continue;
                }
                Path objects = dir.resolve(node.self().id())
                        .resolve("partitions")
                        .resolve(String.format("%03d", p))
                        .resolve("objects");
                try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(objects)) {
                    for (Path file :
                            all.filter(java.nio.file.Files::isRegularFile).toList()) {
                        overwrite(file, 100, random(500, 11));
                        damaged++;
                    }
                }
            }
        }
        assertThat(damaged)
                .as("data files damaged on the leaders of partitions n0 does not hold")
                .isPositive();
        for (Map.Entry<ObjectKey, byte[]> entry : bodies.entrySet()) {
            assertThat(read(store, entry.getKey())).as("%s", entry.getKey()).isEqualTo(entry.getValue());
        }
        assertReplicasEqual();
    }

    /** A scrub pass finds and repairs, from the other replicas, damage no GET has read. */
    @Test
    void aScrubPassRepairsDamageNoReadHasFound() throws Exception {
        startCluster();
        ObjectStore store = stores.get("n0");
        store.createBucket("scrubbed", "alice", "");
        for (int i = 0; i < 2; i++) {
            put(store, new ObjectKey("scrubbed", "k" + i), random(2_500_000, 700 + i)); // three chunks each
        }
        catchUpAll();
        List<Path> files = objectFiles("n2");
        assertThat(files).hasSize(2);
        java.nio.file.Files.delete(files.get(0));
        overwrite(files.get(1), 1_500_000, random(1_000, 13)); // within the second chunk

        dev.granary.storage.rocksdb.ScrubReport report =
                ((dev.granary.storage.rocksdb.RocksObjectStore) stores.get("n2")).scrub(Long.MAX_VALUE);
        assertThat(report.files()).isEqualTo(2);
        assertThat(report.repairedChunks()).isEqualTo(3 + 1);
        assertThat(report.unrepaired()).isZero();
        assertRepairedLikeN0("n2", files);
        assertReplicasEqual();
    }

    /** Waits until every node's replicas have caught up with their leaders. */
    private void catchUpAll() throws InterruptedException {
        for (RaftNode node : nodes.values()) {
            node.catchUp();
        }
    }

    /** Each of node {@code id}'s {@code files} is byte for byte node n0's file of the same name. */
    private void assertRepairedLikeN0(String id, List<Path> files) throws IOException {
        for (Path file : files) {
            Path healthy = dir.resolve("n0").resolve(dir.resolve(id).relativize(file));
            assertThat(java.nio.file.Files.readAllBytes(file))
                    .as("%s repaired", file.getFileName())
                    .isEqualTo(java.nio.file.Files.readAllBytes(healthy));
        }
    }

    /** Writes {@code bytes} over {@code file} at {@code at}: damage a disk might do. */
    private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes), at);
        }
    }

    /** The data files of node {@code id}'s replicas, in name order. */
    private List<Path> objectFiles(String id) throws IOException {
        try (java.util.stream.Stream<Path> all =
                java.nio.file.Files.walk(dir.resolve(id).resolve("partitions"))) {
            return all.filter(java.nio.file.Files::isRegularFile)
                    .filter(f ->
                            f.getParent().getParent().getFileName().toString().equals("objects"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void twoNodesCreatingOneBucketNameLeaveExactlyOneOwner() throws Exception {
        startCluster();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<BucketInfo>> attempts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ObjectStore store = stores.get("n" + i);
                String owner = "owner" + i;
                attempts.add(pool.submit((Callable<BucketInfo>) () -> store.createBucket("contested", owner, "")));
            }
            List<String> winners = new ArrayList<>();
            for (Future<BucketInfo> attempt : attempts) {
                try {
                    winners.add(attempt.get().owner());
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StorageException.class);
                    assertThat(((StorageException) e.getCause()).reason())
                            .isIn(StorageException.Reason.BUCKET_ALREADY_EXISTS);
                }
            }
            assertThat(winners).hasSize(1);
            for (int i = 0; i < 3; i++) {
                assertThat(caughtUp(i).getBucket("contested").owner()).isEqualTo(winners.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aNodeThatWasDownServesTheWritesItMissed() throws Exception {
        startCluster();
        stores.get("n0").createBucket("b", "alice", "");
        caughtUp(2);
        RaftNode.Member down = members.get(2);
        stop(down.id());
        ObjectKey key = new ObjectKey("b", "written-while-n2-was-down");
        byte[] body = random(2 * 1024 * 1024, 4);
        put(stores.get("n1"), key, body);
        stores.get("n0").deleteObject(new ObjectKey("b", "never-there"));
        start(down);
        assertThat(read(caughtUp(2), key)).isEqualTo(body);
        assertThatThrownBy(() -> stores.get("n2").headObject(new ObjectKey("b", "never-there")))
                .isInstanceOf(StorageException.class);
        // A bucket with an unfinished upload is deleted from another node: its uploads go on every replica.
        ObjectKey pending = new ObjectKey("b", "pending");
        stores.get("n2").createUpload(pending, "alice", ObjectAttributes.empty());
        stores.get("n2").deleteObject(key);
        caughtUp(0).deleteBucket("b");
        assertThatThrownBy(() -> caughtUp(1).getBucket("b")).isInstanceOf(StorageException.class);
        assertReplicasEqual();
    }

    /**
     * A body in data files uploaded through a follower while the partition's leader is stopped midway: the upload
     * either completes through the new leader (its chunks that the old leader had sent are in the new one's log; the
     * rest go to it) or fails as unavailable, and an object that is there reads back byte for byte on every node. The
     * old leader, started again, ends with the same records and data files.
     */
    @Test
    void anUploadThroughAFollowerOutlivesTheLeadersLossMidway() throws Exception {
        settings = new RaftNode.Settings("stores", 1, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 20_000, SECRET);
        startCluster();
        stores.get("n0").createBucket("b", "alice", "");
        RaftNode.Member leader = null;
        for (RaftNode.Member member : members) {
            if (nodes.get(member.id()).leads(0)) {
                leader = member;
            }
        }
        assertThat(leader).as("the leader of the partition").isNotNull();
        String proposer = leader.id().equals("n0") ? "n1" : "n0";
        ObjectKey key = new ObjectKey("b", "uploaded-across-a-leader-change");
        byte[] body = random(24 << 20, 11);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ObjectStore through = stores.get(proposer);
            Future<ObjectMeta> upload = pool.submit(() -> put(through, key, body));
            // The leader is stopped once a few chunks reached it.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (dataFiles(leader.id()).values().stream()
                            .mapToLong(Long::longValue)
                            .sum()
                    < (4 << 20)) {
                assertThat(System.nanoTime()).as("chunks reach the leader").isLessThan(deadline);
                assertThat(upload.isDone()).as("the upload still runs").isFalse();
                Thread.sleep(5);
            }
            stop(leader.id());
            boolean stored;
            try {
                upload.get();
                stored = true;
            } catch (java.util.concurrent.ExecutionException e) {
                // Unavailable: it may still take effect.
                assertThat(e.getCause()).isInstanceOf(StorageException.class);
                assertThat(((StorageException) e.getCause()).reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
                stored = false;
            }
            start(leader);
            for (int i = 0; i < 3; i++) {
                ObjectStore store = caughtUp(i);
                try {
                    assertThat(read(store, key)).as("read through n%d", i).isEqualTo(body);
                } catch (StorageException e) {
                    assertThat(stored).as("an acknowledged upload is there").isFalse();
                    assertThat(e.reason()).isEqualTo(StorageException.Reason.NO_SUCH_KEY);
                }
            }
            assertReplicasEqual();
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A node down while every partition's log was purged past it gets copies from the leaders once it is back, with
     * its store already open: its caches of bucket records and documents follow what the copies hold (a bucket
     * created meanwhile, a document changed meanwhile), and it serves the objects written meanwhile.
     */
    @Test
    void aNodeBehindPurgedLogsInstallsCopiesAndItsStoreFollows() throws Exception {
        settings = new RaftNode.Settings(
                "stores", PARTITIONS, 3, Duration.ofSeconds(1), Duration.ofSeconds(5), 16, SECRET);
        startCluster();
        byte[] before = "cors before".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] after = "cors after".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        stores.get("n0").createBucket("kept", "alice", "");
        stores.get("n0").putBucketConfig("kept", "cors", before);
        ObjectKey dropped = new ObjectKey("kept", "large-dropped-while-down");
        put(stores.get("n0"), dropped, random(1_200_000, 7));
        assertThat(caughtUp(2).getBucketConfig("kept", "cors"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(before));
        RaftNode.Member down = members.get(2);
        stop(down.id());

        stores.get("n1").createBucket("born-while-down", "bob", "");
        // Partition 0 holds the catalog alone: enough changes of it for its log to be purged past the node too.
        // (Ratis purges whole segments, of 16 KiB here: documents of 2 KiB fill them.)
        for (int i = 0; i < 80; i++) {
            stores.get(i % 2 == 0 ? "n0" : "n1").putBucketConfig("kept", "cors", random(2048, 1000 + i));
        }
        stores.get("n0").putBucketConfig("kept", "cors", after);
        // A body in data files written while it was down comes in the copies; the file of one deleted meanwhile goes.
        ObjectKey born = new ObjectKey("kept", "large-written-while-down");
        byte[] bornBody = random(2_500_000, 8);
        put(stores.get("n1"), born, bornBody);
        stores.get("n0").deleteObject(dropped);
        for (int i = 0; i < 480; i++) {
            put(stores.get(i % 2 == 0 ? "n0" : "n1"), new ObjectKey("kept", "k" + i), random(64, i));
        }
        start(down);
        // Its store opened over the replicas as they were (the copies arrive after): its bucket cache held "kept"
        // alone until the copies replaced the records under it.
        ObjectStore current = caughtUp(2);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(nodes.get(down.id()).installedCopies(p))
                    .as("copies of partition %d installed", p)
                    .isPositive();
        }
        assertThat(current.getBucket("born-while-down").owner()).isEqualTo("bob");
        assertThat(current.getBucketConfig("kept", "cors"))
                .hasValueSatisfying(v -> assertThat(v).isEqualTo(after));
        assertThat(read(current, new ObjectKey("kept", "k479"))).isEqualTo(random(64, 479));
        assertThat(read(current, born)).isEqualTo(bornBody);
        assertReplicasEqual();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!dataFiles(down.id()).equals(dataFiles("n0"))) {
            assertThat(System.nanoTime())
                    .as("%s holds the data files n0 holds", down.id())
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(dataFiles(down.id()).values()).containsExactly(fileSize(bornBody.length));
    }
}
