package dev.granary.cluster;

import dev.granary.storage.ObjectStore;
import dev.granary.storage.contract.StoreFixture;
import dev.granary.storage.rocksdb.EngineOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The storage SPI's contract tests' store in a cluster: three nodes in this JVM, each a Ratis server on a loopback
 * port, replicating four partitions three ways ({@link #FIXTURE}) or holding one replica of each
 * ({@link #SPREAD}); the store under test is the first node's. Reopening restarts all
 * three from their folders (their Raft logs and replicas), on the same ports.
 */
final class ThreeNodes implements StoreFixture {
    static final ThreeNodes FIXTURE = new ThreeNodes(3);
    /**
     * One replica per partition: partition 0 (the catalog) on every node, partition p on node p mod 3, so the store
     * under test (node n0's) holds one of the three object partitions and reaches the other two on n1 and n2.
     */
    static final ThreeNodes SPREAD = new ThreeNodes(1);

    private static final int CHUNK = 16 * 1024;
    private static final int INLINE = 1024;
    private final RaftNode.Settings settings;

    /** The members of each test folder's cluster: the same ports every time it is reopened. */
    private final Map<Path, List<RaftNode.Member>> clusters = new ConcurrentHashMap<>();

    private ThreeNodes(int replicas) {
        this.settings = new RaftNode.Settings(
                "contract",
                4,
                replicas,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                20_000,
                "a cluster secret for tests");
    }

    @Override
    public ObjectStore open(Path dir) {
        List<RaftNode.Member> members = clusters.computeIfAbsent(dir, d -> allocate());
        List<RaftNode> nodes = new ArrayList<>();
        try {
            for (RaftNode.Member member : members) {
                nodes.add(RaftNode.start(member, members, dir.resolve(member.id()), settings));
            }
            ObjectStore store = nodes.get(0).openStore(new EngineOptions(4, true, INLINE, CHUNK, Long.MAX_VALUE));
            return closingNodes(store, nodes);
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(nodes);
            throw new IllegalStateException("cannot start the cluster", e);
        }
    }

    @Override
    public int chunkSize() {
        return CHUNK;
    }

    private static List<RaftNode.Member> allocate() {
        List<RaftNode.Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                members.add(new RaftNode.Member("n" + i, "127.0.0.1", socket.getLocalPort()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return members;
    }

    /** The store, whose close also stops the cluster's nodes. */
    private static ObjectStore closingNodes(ObjectStore store, List<RaftNode> nodes) {
        return (ObjectStore) Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        try {
                            store.close();
                        } finally {
                            closeAll(nodes);
                        }
                        return null;
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /**
     * Closes the nodes at once: each takes about a second (Ratis's log workers finish their last wait), which one
     * after the other made up half of a contract test's time.
     */
    static void closeAll(java.util.Collection<RaftNode> nodes) {
        List<java.util.concurrent.CompletableFuture<Void>> closing = new ArrayList<>();
        for (RaftNode node : nodes) {
            closing.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    node.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }
        try {
            java.util.concurrent.CompletableFuture.allOf(closing.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }
}
