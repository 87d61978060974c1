package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The autoscaler end to end, with the local provisioner ({@code granary cluster --autoscale 1-2}, thresholds and
 * windows shortened by {@code --autoscale-policy}): a request rate above the scale-out threshold makes it add a node
 * (the launcher starts one that joins), and once the load stops and the cool-down passed it drains that node and the
 * launcher stops it. No request fails meanwhile, every object written is still there, and the autoscaler took exactly
 * one decision each way (no flapping while replicas moved or the load was in between).
 */
class ClusterAutoscaleIT {
    private static final String POLICY = "requestsHigh=25,requestsLow=4,cpuHigh=1.5,cpuLow=1.4,diskHigh=1.5,"
            + "p99High=600000,sustainHot=5s,sustainCold=8s,afterScaleOut=10s,afterScaleIn=60s";

    @TempDir
    Path dir;

    /** Waits up to {@code seconds} for node 0's status to satisfy {@code done}. */
    private static JsonNode await(LocalCluster cluster, int seconds, String what, Predicate<JsonNode> done)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = anyStatus(cluster);
            if (status != null && done.test(status)) {
                return status;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + " did not happen in " + seconds + " s: " + status);
    }

    /** The cluster's status as node 0 or node 1 answers it (the autoscaler may have drained and stopped either). */
    private static JsonNode anyStatus(LocalCluster cluster) {
        for (int i = 0; i < 2; i++) {
            try {
                return cluster.status(i);
            } catch (Exception | AssertionError e) {
                // stopped, or not started yet
            }
        }
        return null;
    }

    private static String stateOf(JsonNode status, String id) {
        for (JsonNode node : status.field("nodes").get().asArray()) {
            if (node.field("id").get().text().equals(id)) {
                return node.field("state").get().text();
            }
        }
        return null;
    }

    private static List<String> actions(JsonNode status) {
        JsonNode scaler = status.field("autoscaler").orElse(null);
        List<String> actions = new ArrayList<>();
        if (scaler != null && !scaler.isNull()) {
            for (JsonNode decision : scaler.field("decisions").get().asArray()) {
                actions.add(decision.field("action").get().text());
            }
        }
        return actions;
    }

    @Test
    void loadAddsANodeAndQuietRemovesItAgain() throws Exception {
        LocalCluster cluster = LocalCluster.start(
                dir.resolve("cluster"),
                1,
                "--partitions",
                "3",
                "--autoscale",
                "1-2",
                "--autoscale-policy",
                POLICY,
                "--dead-after",
                "15");
        S3Client client = cluster.client(0);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            client.createBucket(b -> b.bucket("busy"));
            AtomicBoolean stop = new AtomicBoolean();
            Map<String, String> written = new ConcurrentHashMap<>();
            List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                running.add(pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        String key = "w" + writer + "-" + n;
                        byte[] body = LocalCluster.random(100 + n % 900, writer * 1_000_003L + n);
                        try {
                            client.putObject(b -> b.bucket("busy").key(key), RequestBody.fromBytes(body));
                            written.put(key, LocalCluster.md5(body));
                            client.headObject(b -> b.bucket("busy").key(key));
                        } catch (RuntimeException e) {
                            failures.add(key + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            long began = System.nanoTime();
            JsonNode grown = await(
                    cluster,
                    120,
                    "a scale-out to two nodes",
                    s -> "up".equals(stateOf(s, "node-1")) && actions(s).contains("SCALE_OUT"));
            long grewAfter = (System.nanoTime() - began) / 1_000_000;
            assertThat(grown.field("autoscaler")
                            .get()
                            .field("targetNodes")
                            .get()
                            .asNumber())
                    .isEqualTo("2");
            stop.set(true);
            for (Future<?> future : running) {
                future.get(60, TimeUnit.SECONDS);
            }
            long quietAt = System.nanoTime();
            JsonNode shrunk = await(
                    cluster,
                    180,
                    "a scale-in that drains a node",
                    st -> actions(st).contains("SCALE_IN")
                            && ("drained".equals(stateOf(st, "node-0")) || "drained".equals(stateOf(st, "node-1"))));
            long shrankAfter = (System.nanoTime() - quietAt) / 1_000_000;
            int gone = "drained".equals(stateOf(shrunk, "node-0")) ? 0 : 1;
            // The launcher stops the drained node.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean stopped = false;
            while (!stopped && System.nanoTime() < deadline) {
                try {
                    cluster.status(gone);
                    Thread.sleep(500);
                } catch (Exception | AssertionError e) {
                    stopped = true;
                }
            }
            System.out.printf(
                    "ClusterAutoscaleIT: scaled out %d ms after the load began, in %d ms after it stopped; %d writes,"
                            + " %d failed; decisions %s%n",
                    grewAfter, shrankAfter, written.size(), failures.size(), actions(shrunk));
            assertThat(stopped)
                    .as("the launcher stopped the drained node-" + gone)
                    .isTrue();
            assertThat(failures).as("requests that failed").isEmpty();
            assertThat(actions(shrunk)).containsExactly("SCALE_OUT", "SCALE_IN");
            S3Client remaining = gone == 0 ? cluster.client(1) : client;
            for (Map.Entry<String, String> object : written.entrySet()) {
                byte[] read = remaining
                        .getObjectAsBytes(b -> b.bucket("busy").key(object.getKey()))
                        .asByteArray();
                assertThat(LocalCluster.md5(read)).as(object.getKey()).isEqualTo(object.getValue());
            }
        } finally {
            pool.shutdownNow();
            LocalCluster.closeAll(cluster, client);
        }
    }
}
