package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.Linearizability.Op;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Six clients PUT, GET and DELETE five keys through random nodes of a three-node cluster while the node leading the
 * most partitions is killed with SIGKILL and later restarted; the history they record (one clock, every call and
 * return) must be linearizable key by key ({@link Linearizability}). A write whose outcome a client did not learn may
 * have happened at any time after its call, or never; a failed read tells nothing.
 */
class LinearizabilityIT {
    private static final int CLIENTS = 6;
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");

    @TempDir
    Path dir;

    @Test
    void singleKeyHistoriesAcrossNodesAndAKilledLeaderAreLinearizable() throws Exception {
        LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), 3, "--partitions", "4");
        List<S3Client> opened = new ArrayList<>();
        try {
            S3Client[] nodes = new S3Client[3];
            for (int i = 0; i < 3; i++) {
                nodes[i] = cluster.client(i, false);
                opened.add(nodes[i]);
            }
            nodes[0].createBucket(b -> b.bucket("lin"));
            AtomicIntegerArray live = new AtomicIntegerArray(new int[] {1, 1, 1});
            AtomicBoolean stop = new AtomicBoolean();
            List<List<Op>> histories = newHistories();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    run(client, nodes, live, stop, histories);
                    return null;
                }));
            }
            Thread.sleep(6_000);
            int victim = cluster.busiestLeader(0);
            live.set(victim, 0);
            Thread.sleep(200);
            cluster.kill(victim);
            Thread.sleep(8_000);
            cluster.restart(victim);
            live.set(victim, 1);
            Thread.sleep(5_000);
            stop.set(true);
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();

            Map<String, List<Op>> byKey = new TreeMap<>();
            int operations = 0;
            int unknown = 0;
            for (int k = 0; k < KEYS.size(); k++) {
                byKey.put(KEYS.get(k), histories.get(k));
                operations += histories.get(k).size();
                unknown += (int) histories.get(k).stream()
                        .filter(op -> op.ret() == Long.MAX_VALUE)
                        .count();
            }
            System.out.printf(
                    "LinearizabilityIT: %d operations on %d keys, %d writes of unknown outcome; node-%d killed%n",
                    operations, KEYS.size(), unknown, victim);
            assertThat(operations).isGreaterThan(300);
            assertThat(Linearizability.violations(byKey)).isEmpty();
        } finally {
            opened.forEach(S3Client::close);
            cluster.close();
        }
    }

    private static List<List<Op>> newHistories() {
        List<List<Op>> histories = new ArrayList<>();
        for (int k = 0; k < KEYS.size(); k++) {
            histories.add(Collections.synchronizedList(new ArrayList<>()));
        }
        return histories;
    }

    private static void run(
            int client, S3Client[] nodes, AtomicIntegerArray live, AtomicBoolean stop, List<List<Op>> histories) {
        Random random = new Random(client);
        for (int n = 0; !stop.get(); n++) {
            int node = random.nextInt(nodes.length);
            if (live.get(node) == 0) {
                continue;
            }
            int k = random.nextInt(KEYS.size());
            String key = KEYS.get(k);
            int dice = random.nextInt(100);
            long call = System.nanoTime();
            if (dice < 40) {
                String value = "c" + client + "-" + n;
                boolean done = attempt(
                        () -> nodes[node].putObject(b -> b.bucket("lin").key(key), RequestBody.fromString(value)));
                histories.get(k).add(Op.put(value, call, done ? System.nanoTime() : Long.MAX_VALUE));
            } else if (dice < 55) {
                boolean done = attempt(
                        () -> nodes[node].deleteObject(b -> b.bucket("lin").key(key)));
                histories.get(k).add(Op.delete(call, done ? System.nanoTime() : Long.MAX_VALUE));
            } else {
                String seen;
                try {
                    seen = nodes[node]
                            .getObjectAsBytes(b -> b.bucket("lin").key(key))
                            .asUtf8String();
                } catch (NoSuchKeyException e) {
                    seen = null;
                } catch (RuntimeException e) {
                    continue; // a failed read tells nothing
                }
                histories.get(k).add(Op.get(seen, call, System.nanoTime()));
            }
        }
    }

    private static boolean attempt(Runnable write) {
        try {
            write.run();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
