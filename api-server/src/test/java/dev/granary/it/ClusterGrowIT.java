package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A cluster grows from one node process to three under load, as an operator grows it: {@code granary cluster --nodes 1}
 * runs, then {@code --only 1} and {@code --only 2} start nodes that join it. AWS SDK clients (with the SDK's usual
 * retries, as applications run them) write and read throughout, through every node that is up; no request fails, the
 * controller moves replicas until every partition has three and preferred leaders are spread. A fourth node joins and
 * takes replicas, and is then killed (SIGKILL) and kept down: after {@code --dead-after} it is declared dead and every
 * partition is back to three replicas on the others. Then node-2 is drained ({@code POST
 * /admin/v1/cluster/nodes/node-2/drain}) under the same load: its object replicas move to the others, still without a
 * failed request, and then leaves the catalog's group too (it holds no replica at all, and can be stopped). At the end
 * every acknowledged object is served whole through node-1 (a quarter of them through node-0 too).
 */
class ClusterGrowIT {
    private static final int PARTITIONS = 4;

    @TempDir
    Path dir;

    /** Waits (up to 3 minutes) until node 0 reports every partition with a replica on each of the {@code nodes}. */
    private static JsonNode awaitReplicas(LocalCluster cluster, int nodes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = cluster.status(0);
            boolean done = LocalCluster.everyPartitionLed(status);
            for (JsonNode partition : status.field("partitions").get().asArray()) {
                done &= partition.field("replicas").get().asArray().size() == nodes;
            }
            if (done) {
                return status;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the partitions did not reach " + nodes + " replicas: " + status);
    }

    /**
     * Waits (up to 3 minutes) until node 0 reports nothing left to move and every partition led, every object
     * partition with three replicas, none on {@code absent} (null: any node).
     */
    private static JsonNode awaitSettled(LocalCluster cluster, String absent) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = cluster.status(0);
            boolean done = LocalCluster.everyPartitionLed(status)
                    && status.field("moves").get().asArray().isEmpty();
            for (JsonNode partition : status.field("partitions").get().asArray()) {
                List<String> replicas = partition.field("replicas").get().asArray().stream()
                        .map(JsonNode::text)
                        .toList();
                // The catalog (partition 0) has a replica on every member.
                boolean catalog = partition.field("id").get().asNumber().equals("0");
                done &= (catalog || replicas.size() == 3) && !replicas.contains(absent);
            }
            if (done) {
                return status;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the partitions did not settle on three replicas without " + absent + ": " + status);
    }

    /** How many partitions node 0 reports with a replica on {@code id}. */
    private static long replicasOn(LocalCluster cluster, String id) throws Exception {
        return cluster.status(0).field("partitions").get().asArray().stream()
                .filter(p -> p.field("replicas").get().asArray().stream()
                        .anyMatch(r -> r.text().equals(id)))
                .count();
    }

    /** The state node 0 reports for node {@code id}. */
    private static String state(JsonNode status, String id) {
        for (JsonNode node : status.field("nodes").get().asArray()) {
            if (node.field("id").get().text().equals(id)) {
                return node.field("state").get().text();
            }
        }
        return null;
    }

    /** Waits (up to 3 minutes) until node 0 reports {@code id} drained. */
    private static JsonNode awaitDrained(LocalCluster cluster, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = cluster.status(0);
            for (JsonNode node : status.field("nodes").get().asArray()) {
                if (node.field("id").get().text().equals(id)
                        && node.field("state").get().text().equals("drained")
                        && LocalCluster.everyPartitionLed(status)) {
                    return status;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError(id + " was not drained: " + status);
    }

    @Test
    void oneNodeGrowsToFourLosesOneAndDrainsToTwoUnderLoadWithoutAFailedRequest() throws Exception {
        // A node silent for 8 s is dead (60 s by default): the test kills one and waits for its replicas to be made
        // again.
        LocalCluster cluster = LocalCluster.start(
                dir.resolve("cluster"), 1, "--partitions", Integer.toString(PARTITIONS), "--dead-after", "8");
        List<S3Client> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 4; i++) {
                clients.add(cluster.client(i));
            }
            clients.get(0).createBucket(b -> b.bucket("grow"));
            AtomicInteger up = new AtomicInteger(1);
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicLong reads = new AtomicLong();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    Random random = new Random(writer);
                    for (int n = 0; !stop.get(); n++) {
                        // A steady load, not the most the machine takes: about 100 writes/s in all (every one is
                        // read back at the end).
                        Thread.sleep(20);
                        S3Client client = clients.get(random.nextInt(up.get()));
                        String key = "w" + writer + "-" + n;
                        byte[] body = LocalCluster.random(
                                n % 25 == 24 ? 1_200_000 : 1 + random.nextInt(8 * 1024), writer * 1_000_003L + n);
                        try {
                            client.putObject(b -> b.bucket("grow").key(key), RequestBody.fromBytes(body));
                            acknowledged.put(key, LocalCluster.md5(body));
                            if (n % 3 == 2) {
                                String back = "w" + writer + "-" + random.nextInt(n);
                                String expected = acknowledged.get(back);
                                byte[] read = clients.get(random.nextInt(up.get()))
                                        .getObjectAsBytes(b -> b.bucket("grow").key(back))
                                        .asByteArray();
                                if (expected != null && !LocalCluster.md5(read).equals(expected)) {
                                    failures.add(back + " read back changed");
                                }
                                reads.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            failures.add(key + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(3_000);
            long began = System.nanoTime();
            cluster.restart(1); // --only 1: node-1 joins
            up.set(2);
            awaitReplicas(cluster, 2);
            long two = System.nanoTime();
            cluster.restart(2);
            up.set(3);
            JsonNode status = awaitReplicas(cluster, 3);
            long three = System.nanoTime();
            Map<String, Integer> leaders = new TreeMap<>();
            for (JsonNode partition : status.field("partitions").get().asArray()) {
                leaders.merge(partition.field("leader").get().text(), 1, Integer::sum);
            }
            assertThat(status.field("nodes").get().asArray()).hasSize(3);
            // Partition 0 (the catalog) plus three object partitions over three nodes: every node leads one; the
            // preferred leaders are spread, and Ratis hands leadership to them once they caught up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (leaders.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(500);
                leaders.clear();
                for (JsonNode partition :
                        cluster.awaitLeaders(0).field("partitions").get().asArray()) {
                    leaders.merge(partition.field("leader").get().text(), 1, Integer::sum);
                }
            }
            assertThat(leaders).as("leaders per node").hasSize(3);
            long spread = System.nanoTime();
            Thread.sleep(2_000);

            // node-3 joins: R=3 over four nodes, replicas move to it; then it is killed (SIGKILL, taken out of the
            // clients' rotation a moment before, as a load balancer's health check would) and stays down: after
            // --dead-after it is declared dead and its replicas are made again on the three others.
            cluster.restart(3);
            up.set(4);
            awaitSettled(cluster, null);
            assertThat(replicasOn(cluster, "node-3"))
                    .as("partitions with a replica on node-3")
                    .isPositive();
            long four = System.nanoTime();
            up.set(3);
            Thread.sleep(1_000);
            cluster.kill(3);
            long killed = System.nanoTime();
            JsonNode recovered = awaitSettled(cluster, "node-3");
            long backToThree = System.nanoTime();
            assertThat(state(recovered, "node-3")).isEqualTo("dead");
            Thread.sleep(2_000);

            // Drain node-2 under the same load, taken out of the clients' rotation first (as a load balancer does):
            // its object replicas move away, then it leaves the catalog's group, ready to stop.
            up.set(2);
            HttpResponse<String> drain = MeteringSupport.admin(
                    cluster.admin(1),
                    "POST",
                    "/admin/v1/cluster/nodes/node-2/drain",
                    GranaryServerExtension.SECRET_KEY);
            assertThat(drain.statusCode()).as(drain.body()).isEqualTo(202);
            assertThat(MeteringSupport.admin(
                                    cluster.admin(0),
                                    "POST",
                                    "/admin/v1/cluster/nodes/node-9/drain",
                                    GranaryServerExtension.SECRET_KEY)
                            .statusCode())
                    .isEqualTo(404);
            JsonNode drained = awaitDrained(cluster, "node-2");
            long drainedAt = System.nanoTime();
            for (JsonNode partition : drained.field("partitions").get().asArray()) {
                List<String> replicas = partition.field("replicas").get().asArray().stream()
                        .map(JsonNode::text)
                        .toList();
                assertThat(replicas)
                        .as("partition " + partition.field("id").get().asNumber())
                        .containsExactlyInAnyOrder("node-0", "node-1");
            }
            assertThat(drained.field("moves").get().asArray()).isEmpty();
            Thread.sleep(2_000);
            stop.set(true);
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
            System.out.printf(
                    "ClusterGrowIT: %d writes and %d reads acknowledged, %d failed; 1 -> 2 nodes (every partition on"
                            + " both) in %d ms, 2 -> 3 in %d ms, 3 -> 4 (settled) in %d ms; node-3 killed: every"
                            + " partition back to 3 replicas %d ms after the kill (--dead-after 8 s); node-2 drained in"
                            + " %d ms%n",
                    acknowledged.size(),
                    reads.get(),
                    failures.size(),
                    (two - began) / 1_000_000,
                    (three - two) / 1_000_000,
                    (four - three) / 1_000_000,
                    (backToThree - killed) / 1_000_000,
                    (drainedAt - backToThree) / 1_000_000);
            assertThat(failures).as("requests that failed").isEmpty();
            assertThat(acknowledged.size()).isGreaterThan(50);

            // Every acknowledged object through node-1 (it joined), every fourth through node-0 too; three readers.
            long checking = System.nanoTime();
            List<Future<?>> checks = new ArrayList<>();
            List<Map.Entry<String, String>> objects = new ArrayList<>(acknowledged.entrySet());
            for (int reader = 0; reader < 3; reader++) {
                int first = reader;
                checks.add(pool.submit(() -> {
                    for (int n = first; n < 2 * objects.size(); n += 3) {
                        int i = n % 2 == 0 ? 1 : 0;
                        if (i == 0 && (n / 2) % 4 != 0) {
                            continue;
                        }
                        Map.Entry<String, String> object = objects.get(n / 2);
                        byte[] read = clients.get(i)
                                .getObjectAsBytes(b -> b.bucket("grow").key(object.getKey()))
                                .asByteArray();
                        assertThat(LocalCluster.md5(read))
                                .as(object.getKey() + " through node-" + i)
                                .isEqualTo(object.getValue());
                    }
                    return null;
                }));
            }
            for (Future<?> check : checks) {
                check.get(5, TimeUnit.MINUTES);
            }
            System.out.printf(
                    "ClusterGrowIT: leaders spread %d ms after 3 nodes had every partition; %d objects checked"
                            + " through node-1 (a quarter through node-0 too) in %d ms%n",
                    (spread - three) / 1_000_000, objects.size(), (System.nanoTime() - checking) / 1_000_000);
        } finally {
            pool.shutdownNow();
            LocalCluster.closeAll(cluster, clients.toArray(S3Client[]::new));
        }
    }
}
