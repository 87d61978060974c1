package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Three node processes started by {@code granary cluster --nodes 3}, driven by the AWS SDK through different nodes:
 * objects, multipart, versioning, listings and users across nodes; {@code /admin/v1/cluster}; and a SIGKILL of the
 * node leading most partitions while clients keep writing through the others, then its restart with
 * {@code --only}: every acknowledged object is then served whole and byte-identical by every node, nothing
 * half-written is listed, and the longest a client waited for a write across the failover is reported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessIT {
    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static final S3Client[] clients = new S3Client[3];

    @BeforeAll
    static void startCluster() throws Exception {
        // -Dgranary.it.keep=DIR keeps the nodes' data and logs in DIR, for a look after the run.
        String keep = System.getProperty("granary.it.keep");
        Path data = keep == null ? dir.resolve("cluster") : Path.of(keep);
        cluster = LocalCluster.start(data, 3, "--partitions", "4", "--metering-flush", "1");
        for (int i = 0; i < 3; i++) {
            clients[i] = cluster.client(i);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (S3Client client : clients) {
            if (client != null) {
                client.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] get(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Test
    @Order(1)
    void adminShowsEveryNodeAndPartition() throws Exception {
        JsonNode status = cluster.awaitLeaders(1);
        assertThat(status.field("node").get().text()).isEqualTo("node-1");
        List<String> ids = new ArrayList<>();
        for (JsonNode node : status.field("nodes").get().asArray()) {
            ids.add(node.field("id").get().text());
            assertThat(node.field("state").get().text()).isEqualTo("up");
        }
        assertThat(ids).containsExactly("node-0", "node-1", "node-2");
        List<JsonNode> partitions = status.field("partitions").get().asArray();
        assertThat(partitions).hasSize(4);
        for (int p = 0; p < 4; p++) {
            JsonNode partition = partitions.get(p);
            assertThat(partition.field("id").get().asNumber()).isEqualTo(Integer.toString(p));
            List<String> replicas = partition.field("replicas").get().asArray().stream()
                    .map(JsonNode::text)
                    .toList();
            assertThat(replicas).containsExactlyInAnyOrder("node-0", "node-1", "node-2");
            assertThat(replicas).contains(partition.field("leader").get().text());
        }
        // Leaders spread: the controller hands each partition's leadership to its preferred replica (the map's first),
        // so within seconds no node leads them all.
        long spreadBy = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (new TreeSet<>(cluster.leaders(0)).size() < 2 && System.nanoTime() < spreadBy) {
            Thread.sleep(250);
        }
        assertThat(new TreeSet<>(cluster.leaders(0))).hasSizeGreaterThan(1);
        // The same from every node, and per-partition gauges on /metrics.
        assertThat(cluster.status(2).field("partitions").get().asArray()).hasSize(4);
        String metrics = MeteringSupport.admin(cluster.admin(0), "/metrics").body();
        assertThat(metrics)
                .contains("granary_partition_leader{partition=\"0\",node=\"node-0\"}")
                .contains("granary_cluster_node_up{node=\"node-2\"} 1")
                // No replica was behind a purged log: nothing installed from a leader.
                .contains("granary_partition_copies_installed_total{partition=\"3\",node=\"node-0\"} 0")
                // Nor any data-file chunk found damaged and repaired from another replica.
                .contains("granary_data_chunks_repaired_total{partition=\"3\",node=\"node-0\"} 0");
    }

    @Test
    @Order(2)
    void anyNodeServesWhatAnotherWasTold() throws Exception {
        clients[0].createBucket(b -> b.bucket("procs"));
        for (int i = 0; i < 12; i++) {
            String key = "k" + i;
            byte[] body = ("object " + i).getBytes(StandardCharsets.UTF_8);
            clients[i % 3].putObject(b -> b.bucket("procs").key(key), RequestBody.fromBytes(body));
            assertThat(get(clients[(i + 1) % 3], "procs", key)).isEqualTo(body);
        }
        for (S3Client client : clients) {
            assertThat(client.listObjectsV2Paginator(b -> b.bucket("procs")).contents().stream()
                            .map(S3Object::key)
                            .toList())
                    .hasSize(12);
        }
        clients[2].deleteObject(b -> b.bucket("procs").key("k3"));
        assertThatThrownBy(() -> clients[1].headObject(b -> b.bucket("procs").key("k3")))
                .isInstanceOf(NoSuchKeyException.class);

        // Multipart: begun on one node, parts through the other two, completed on the first.
        ClusterIT.multipartAcrossNodes(clients, "procs", "parts");

        // Versioning turned on through one node holds on the others.
        clients[1].putBucketVersioning(
                b -> b.bucket("procs").versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        String v1 = clients[2]
                .putObject(b -> b.bucket("procs").key("versioned"), RequestBody.fromString("one"))
                .versionId();
        String v2 = clients[0]
                .putObject(b -> b.bucket("procs").key("versioned"), RequestBody.fromString("two"))
                .versionId();
        assertThat(v1).isNotEqualTo(v2);
        assertThat(clients[1].listObjectVersions(b -> b.bucket("procs").prefix("versioned")).versions().stream()
                        .map(ObjectVersion::versionId)
                        .toList())
                .containsExactly(v2, v1);
        assertThat(new String(
                        clients[1]
                                .getObjectAsBytes(
                                        b -> b.bucket("procs").key("versioned").versionId(v1))
                                .asByteArray(),
                        StandardCharsets.UTF_8))
                .isEqualTo("one");

        // A user made through node-0's admin API signs requests that node-2 accepts; its buckets are its own.
        UsersIT.Created alice = UsersIT.createUser(cluster.admin(0), "alice");
        try (S3Client asAlice = UsersIT.client(cluster.s3(2), alice.accessKey(), alice.secretKey())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try {
                    asAlice.createBucket(b -> b.bucket("alices"));
                    break;
                } catch (S3Exception e) {
                    // A user reaches the other nodes as their replicas apply it (IAM changes propagate in AWS too).
                    if (e.statusCode() != 403 || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
            asAlice.putObject(b -> b.bucket("alices").key("a"), RequestBody.fromString("alice's"));
            assertThatThrownBy(() -> asAlice.getObject(b -> b.bucket("procs").key("k1")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
        try (S3Client asAlice = UsersIT.client(cluster.s3(1), alice.accessKey(), alice.secretKey())) {
            assertThat(new String(get(asAlice, "alices", "a"), StandardCharsets.UTF_8))
                    .isEqualTo("alice's");
        }
    }

    /** What the writers saw: acknowledged bodies by key, bodies of writes whose outcome is unknown, timings. */
    private static final class Ledger {
        final Map<String, String> acknowledged = new ConcurrentHashMap<>();
        final Map<String, Set<String>> uncertain = new ConcurrentHashMap<>();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong slowestNanos = new AtomicLong();
        /** When the slowest acknowledged write began, in nanoseconds on the test's clock. */
        final AtomicLong slowestBegan = new AtomicLong();

        final AtomicLong longestGapNanos = new AtomicLong();
    }

    @Test
    @Order(3)
    void aLeaderKilledUnderLoadLosesNoAcknowledgedWrite() throws Exception {
        clients[0].createBucket(b -> b.bucket("load"));
        JsonNode before = cluster.awaitLeaders(0);
        Map<String, Integer> led = new HashMap<>();
        for (JsonNode partition : before.field("partitions").get().asArray()) {
            led.merge(partition.field("leader").get().text(), 1, Integer::sum);
        }
        String victimId = led.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        int victim = Integer.parseInt(victimId.substring("node-".length()));

        AtomicIntegerArray live = new AtomicIntegerArray(new int[] {1, 1, 1});
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean measuring = new AtomicBoolean();
        Ledger ledger = new Ledger();
        int writers = 4;
        S3Client[] honest = {cluster.client(0, false), cluster.client(1, false), cluster.client(2, false)};
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch started = new CountDownLatch(writers);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            running.add(pool.submit(() -> {
                Random random = new Random(writer);
                long last = System.nanoTime();
                started.countDown();
                for (int n = 0; !stop.get(); n++) {
                    int node = random.nextInt(3);
                    if (live.get(node) == 0) {
                        continue;
                    }
                    // Mostly new keys, some overwrites of a few keys per writer; a body of several chunks now and then.
                    String key = n % 5 == 4 ? "hot-" + writer + "-" + random.nextInt(3) : "w" + writer + "-" + n;
                    int size = n % 40 == 39 ? 1_500_000 : 1 + random.nextInt(16 * 1024);
                    byte[] body = random(size, writer * 1_000_003L + n);
                    String digest = md5(body);
                    long begin = System.nanoTime();
                    try {
                        honest[node].putObject(b -> b.bucket("load").key(key), RequestBody.fromBytes(body));
                        // An earlier write of the key whose outcome was unknown stays possible: Ratis may still
                        // commit it after this one.
                        ledger.acknowledged.put(key, digest);
                        ledger.writes.incrementAndGet();
                        long end = System.nanoTime();
                        if (measuring.get()) {
                            synchronized (ledger) {
                                if (end - begin > ledger.slowestNanos.get()) {
                                    ledger.slowestNanos.set(end - begin);
                                    ledger.slowestBegan.set(begin);
                                }
                            }
                            ledger.longestGapNanos.accumulateAndGet(end - last, Math::max);
                        }
                        last = end;
                    } catch (RuntimeException e) {
                        // Unknown outcome (the node died mid-request, or answered 503): the write may have happened.
                        ledger.failures.incrementAndGet();
                        ledger.uncertain
                                .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                                .add(digest);
                    }
                }
                return null;
            }));
        }
        started.await();
        Thread.sleep(4_000);
        long beforeKill = ledger.writes.get();
        measuring.set(true);
        live.set(victim, 0);
        Thread.sleep(200); // requests in flight to the victim finish or fail when it dies
        long killedAt = System.nanoTime();
        cluster.kill(victim);
        Thread.sleep(10_000);
        long duringOutage = ledger.writes.get() - beforeKill;
        long restartedAt = System.nanoTime();
        cluster.restart(victim);
        long restartTook = (System.nanoTime() - restartedAt) / 1_000_000;
        live.set(victim, 1);
        Thread.sleep(3_000);
        stop.set(true);
        for (Future<?> future : running) {
            future.get(120, TimeUnit.SECONDS);
        }
        pool.shutdown();
        for (S3Client client : honest) {
            client.close();
        }
        long sinceKill = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.printf(
                "ClusterProcessIT: killed %s (led %d of 4 partitions); %d writes acknowledged (%d while it was down),"
                        + " %d failed; slowest acknowledged write after the kill %d ms, longest a writer went"
                        + " without an acknowledgement %d ms; the slowest began %d ms after the kill (the restart"
                        + " began %d ms after it and took %d ms; %d ms since the kill)%n",
                victimId,
                led.get(victimId),
                ledger.writes.get(),
                duringOutage,
                ledger.failures.get(),
                ledger.slowestNanos.get() / 1_000_000,
                ledger.longestGapNanos.get() / 1_000_000,
                (ledger.slowestBegan.get() - killedAt) / 1_000_000,
                (restartedAt - killedAt) / 1_000_000,
                restartTook,
                sinceKill);
        assertThat(duringOutage).as("writes go on while a node is down").isGreaterThan(0);
        // A bound far above the expected failover (an election takes 2-4 s): only a stuck cluster exceeds it.
        assertThat(ledger.longestGapNanos.get()).isLessThan(TimeUnit.SECONDS.toNanos(30));

        // The restarted node catches up; then every node serves every acknowledged body, byte for byte, and lists
        // only keys whose bodies are whole (acknowledged, or from a write whose outcome the client did not learn).
        cluster.awaitCaughtUp(victim);
        for (int node = 0; node < 3; node++) {
            S3Client client = clients[node];
            for (Map.Entry<String, String> entry : ledger.acknowledged.entrySet()) {
                String stored = md5(get(client, "load", entry.getKey()));
                Set<String> possible = new TreeSet<>(ledger.uncertain.getOrDefault(entry.getKey(), Set.of()));
                possible.add(entry.getValue());
                assertThat(possible).as("node-%d, key %s", node, entry.getKey()).contains(stored);
            }
            for (S3Object listed :
                    client.listObjectsV2Paginator(b -> b.bucket("load")).contents()) {
                Set<String> possible = new TreeSet<>(ledger.uncertain.getOrDefault(listed.key(), Set.of()));
                if (ledger.acknowledged.containsKey(listed.key())) {
                    possible.add(ledger.acknowledged.get(listed.key()));
                }
                assertThat(possible)
                        .as("node-%d lists %s", node, listed.key())
                        .contains(listed.eTag().replace("\"", ""));
            }
        }
        // And the replicas agree on every partition's committed log.
        JsonNode after = cluster.awaitCaughtUp(0);
        assertThat(after.field("nodes").get().asArray().stream()
                        .map(n -> n.field("state").get().text())
                        .toList())
                .containsOnly("up");
    }
}
