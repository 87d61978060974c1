package dev.granary.it;

import dev.granary.it.Linearizability.Op;
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
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Clients that PUT, GET and DELETE a few keys of one bucket through random nodes of a cluster, recording every call and
 * return on one clock, key by key, for {@link Linearizability}. A write whose outcome a client did not learn (an error,
 * a timeout) is recorded as returning never: it may have happened at any time after its call, or not at all. A failed
 * read tells nothing and is left out. Nodes can be left alone for a while ({@link #avoid}), e.g. while one is killed.
 */
final class RecordedHistory {
    static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");

    private final String bucket;
    private final S3Client[] nodes;
    private final AtomicIntegerArray live;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<List<Op>> histories = new ArrayList<>();
    private final ExecutorService pool;
    private final List<Future<?>> running = new ArrayList<>();

    private RecordedHistory(String bucket, S3Client[] nodes, int clients) {
        this.bucket = bucket;
        this.nodes = nodes;
        this.live = new AtomicIntegerArray(nodes.length);
        for (int i = 0; i < nodes.length; i++) {
            live.set(i, 1);
        }
        for (int k = 0; k < KEYS.size(); k++) {
            histories.add(Collections.synchronizedList(new ArrayList<>()));
        }
        this.pool = Executors.newFixedThreadPool(clients);
    }

    /** Starts {@code clients} clients on {@code bucket} (which must exist) through {@code nodes}. */
    static RecordedHistory start(String bucket, S3Client[] nodes, int clients) {
        RecordedHistory history = new RecordedHistory(bucket, nodes, clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            history.running.add(history.pool.submit(() -> {
                history.run(client);
                return null;
            }));
        }
        return history;
    }

    /** New operations leave node {@code node} alone (those in flight go on). */
    void avoid(int node) {
        live.set(node, 0);
    }

    /** New operations may go through node {@code node} again. */
    void use(int node) {
        live.set(node, 1);
    }

    /** Stops the clients and returns the history, key by key. */
    Map<String, List<Op>> stop() throws Exception {
        stop.set(true);
        try {
            for (Future<?> future : running) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, List<Op>> byKey = new TreeMap<>();
        for (int k = 0; k < KEYS.size(); k++) {
            byKey.put(KEYS.get(k), List.copyOf(histories.get(k)));
        }
        return byKey;
    }

    static int operations(Map<String, List<Op>> history) {
        return history.values().stream().mapToInt(List::size).sum();
    }

    /** Writes whose outcome their client did not learn. */
    static long unknown(Map<String, List<Op>> history) {
        return history.values().stream()
                .flatMap(List::stream)
                .filter(op -> op.ret() == Long.MAX_VALUE)
                .count();
    }

    private void run(int client) {
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
                        () -> nodes[node].putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(value)));
                histories.get(k).add(Op.put(value, call, done ? System.nanoTime() : Long.MAX_VALUE));
            } else if (dice < 55) {
                boolean done = attempt(
                        () -> nodes[node].deleteObject(b -> b.bucket(bucket).key(key)));
                histories.get(k).add(Op.delete(call, done ? System.nanoTime() : Long.MAX_VALUE));
            } else {
                String seen;
                try {
                    seen = nodes[node]
                            .getObjectAsBytes(b -> b.bucket(bucket).key(key))
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
