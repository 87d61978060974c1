package dev.granary;

import dev.granary.api.admin.AdminServer;
import dev.granary.api.handler.Handlers;
import dev.granary.api.handler.Owners;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.GranaryServer;
import dev.granary.api.lifecycle.LifecycleWorker;
import dev.granary.api.route.S3Router;
import dev.granary.api.sse.SseKeys;
import dev.granary.api.tls.TlsContext;
import dev.granary.auth.CredentialStore;
import dev.granary.auth.Credentials;
import dev.granary.auth.MasterKey;
import dev.granary.auth.OssV1Verifier;
import dev.granary.auth.OssV4Verifier;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.PostPolicyVerifier;
import dev.granary.auth.RequestVerifier;
import dev.granary.auth.SecretCipher;
import dev.granary.auth.SessionStore;
import dev.granary.auth.SigV2Verifier;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.StaticCredentialStore;
import dev.granary.auth.UserDirectory;
import dev.granary.auth.UserRecords;
import dev.granary.cluster.RaftNode;
import dev.granary.metering.Metering;
import dev.granary.metering.MeteringMetrics;
import dev.granary.metering.RowStore;
import dev.granary.metering.StorageSource;
import dev.granary.storage.BucketUsage;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.StorageException;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Granary node: the store, the S3 server and the admin server on top of it, metering in between,
 * and their orderly shutdown.
 */
public final class Granary implements AutoCloseable {
    /** Canonical id of the root account (S3 shows a 64-hex-digit id in owner fields). */
    public static final String ROOT_ACCOUNT_ID = "0000000000000000000000000000000000000000000000000000000000000001";

    private static final Logger LOG = LoggerFactory.getLogger(Granary.class);
    /** Where users live in the engine's system records (metering's rows have their own prefixes). */
    private static final String USERS_PREFIX = "iam/";

    private static final Duration SCRUB_EVERY = Duration.ofHours(24);
    private static final long SCRUB_RATE = 32L << 20;
    /** The end of the users' key range: '0' follows '/'. */
    private static final String USERS_END = "iam0";

    private final GranaryConfig config;
    private final RocksObjectStore store;
    /** How long {@code /admin/v1/cluster} waits for the partitions' leaders to answer. */
    private static final java.time.Duration CLUSTER_STATUS_WAIT = java.time.Duration.ofSeconds(2);

    /** This server's node of a cluster, or null when it is standalone. */
    private final RaftNode node;

    private final Metering metering;
    private final GranaryServer server;
    private final AdminServer admin;
    private final LifecycleWorker lifecycle;
    private final TlsContext tls;
    /** Completes with the reason when this node finds it must not go on (see {@link #onFatal}). */
    private final CompletableFuture<String> fatal;

    private volatile boolean closed;

    private Granary(
            GranaryConfig config,
            RocksObjectStore store,
            RaftNode node,
            Metering metering,
            GranaryServer server,
            AdminServer admin,
            TlsContext tls,
            CompletableFuture<String> fatal) {
        this.config = config;
        this.fatal = fatal;
        this.tls = tls;
        this.store = store;
        this.node = node;
        this.metering = metering;
        this.server = server;
        this.admin = admin;
        this.lifecycle = new LifecycleWorker(store, store.system(), Clock.systemUTC());
        if (!config.lifecycleInterval().isZero()) {
            lifecycle.start(config.lifecycleInterval(), () -> {
                try {
                    return node == null || node.leads(0);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    /** Opens the data folder and starts serving. */
    public static Granary start(GranaryConfig config) {
        EngineOptions defaults = EngineOptions.defaults();
        EngineOptions options = new EngineOptions(
                partitions(config),
                config.syncWrites(),
                defaults.inlineThreshold(),
                defaults.chunkSize(),
                defaults.fileThreshold(),
                config.diskReserve());
        // Start-up is mostly opening partitions and loading classes: the store opens in the background while this
        // thread loads the classes of the servers and of metering.
        CompletableFuture<Opened> opening = CompletableFuture.supplyAsync(() -> config.cluster() == null
                ? new Opened(RocksObjectStore.open(config.dataDir(), options), null)
                : openNode(config, options));
        warmUp();
        Opened opened;
        try {
            opened = opening.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        RocksObjectStore store = opened.store();
        RaftNode node = opened.node();
        java.util.concurrent.atomic.AtomicBoolean caughtUp =
                new java.util.concurrent.atomic.AtomicBoolean(node == null);
        if (node != null) {
            catchUpInBackground(node, caughtUp);
        }
        // Every data file read whole once a day, at most 32 MiB/s: damage nobody reads is found (and, in a cluster,
        // repaired from another replica) while other copies exist.
        store.startScrubbing(SCRUB_EVERY, SCRUB_RATE);
        TlsContext tls = null;
        try {
            tls = config.tls() ? TlsContext.load(config.tlsCert(), config.tlsKey(), config.tlsWatch()) : null;
            SSLContext ssl = tls == null ? null : tls.sslContext();
            Credentials root =
                    new Credentials(config.rootUser(), config.rootPassword(), ROOT_ACCOUNT_ID, config.rootUser(), true);
            SecureRandom random = new SecureRandom();
            MasterKey masterKey = masterKey(config, random);
            CompletableFuture<String> fatal = new CompletableFuture<>();
            if (node != null) {
                verifyMasterKey(node, store, masterKey, fatal);
                node.onEvicted(
                        () -> fatal.complete(
                                "the cluster declared this node dead, or drained it out, while it"
                                        + " was away: its replicas were made again elsewhere; start it again to empty it and join anew"));
            }
            UserDirectory users = users(store, root, masterKey, random);
            // Users changed on another node reach this one as its replica applies their records (IAM's changes
            // propagate eventually in AWS too); bucket documents likewise, forgetting what is cached of them.
            // The listener runs where the records are applied: in a cluster, on the thread that applies the log,
            // which a proposer (a user being created here, holding the directory's lock) waits for. So the reload,
            // which takes that lock, runs elsewhere.
            store.onSystemRecordsChanged(keys -> {
                if (keys.stream().anyMatch(k -> k.startsWith(USERS_PREFIX))) {
                    java.util.concurrent.ForkJoinPool.commonPool().execute(() -> {
                        try {
                            users.reload();
                        } catch (RuntimeException e) {
                            LOG.warn("reloading the users after a change failed", e);
                        }
                    });
                }
            });
            // Root first: its key is never handed out to a user, so the order only saves a lookup.
            CredentialStore longTerm = StaticCredentialStore.of(root).or(users);
            // Session credentials (the console's) act for a long-term key's user until they expire or are revoked.
            SessionStore sessions = new SessionStore(longTerm, Clock.systemUTC());
            CredentialStore credentials = longTerm.or(sessions);
            Function<String, String> displayNames = id -> id.equals(ROOT_ACCOUNT_ID)
                    ? config.rootUser()
                    : users.displayName(id).orElse(null);
            Owners owners = new Owners(displayNames);
            AccessControl access = new AccessControl(store, Clock.systemUTC(), displayNames);
            store.onBucketChanged(access::invalidate);
            SigV4Verifier verifier =
                    new SigV4Verifier(credentials, config.region(), Clock.systemUTC(), Duration.ofMinutes(15));
            RequestVerifier requests = new RequestVerifier(
                    verifier,
                    new SigV2Verifier(credentials, Clock.systemUTC(), Duration.ofMinutes(15)),
                    new OssV1Verifier(credentials, Clock.systemUTC(), Duration.ofMinutes(15)),
                    new OssV4Verifier(credentials, Clock.systemUTC(), Duration.ofMinutes(15)));
            Metering metering = config.metering()
                    ? Metering.start(
                            rows(store),
                            storage(store),
                            Clock.systemUTC(),
                            new Metering.Options(
                                    config.meteringFlush(),
                                    Duration.ofHours(24),
                                    config.accessLogDir(),
                                    config.accessLog().equals("log"),
                                    256L << 20))
                    : Metering.off();
            // A cluster node measures its own load (requests, their p99, CPU, disk) for the autoscaler as requests
            // pass.
            dev.granary.metering.UsageSink sink = metering.sink();
            if (node != null) {
                NodeLoadMeter load = new NodeLoadMeter(node.self().id(), sink, store::disk, config.dataDir());
                node.reportLoad(load::read);
                sink = load;
            }
            // The admin port serves the web console, whose pages call the S3 port across origins.
            java.util.concurrent.atomic.AtomicInteger consolePort = new java.util.concurrent.atomic.AtomicInteger(-1);
            GranaryServer server = new GranaryServer(
                    config.address(),
                    config.port(),
                    ssl,
                    config.readTimeout(),
                    new S3Router(config.domain()),
                    requests,
                    new PayloadDecoder(),
                    store,
                    access,
                    Handlers.create(
                            store,
                            config.region(),
                            new PostPolicyVerifier(credentials, config.region(), Clock.systemUTC()),
                            owners,
                            // SSE-S3's key-encryption key is derived from the master key, never the key itself.
                            new SseKeys(Base64.getDecoder().decode(masterKey.toBase64()), random),
                            access,
                            store::disk),
                    sink,
                    consolePort::get);
            AdminServer admin = new AdminServer(
                    config.address(),
                    config.adminPort(),
                    ssl,
                    verifier,
                    ROOT_ACCOUNT_ID,
                    metering,
                    Clock.systemUTC(),
                    users,
                    sessions,
                    new AdminServer.Console(server::port, config.region()),
                    store,
                    store::disk,
                    node == null ? null : () -> node.status(CLUSTER_STATUS_WAIT),
                    node == null ? null : node::localDigests,
                    node == null ? null : node::drain,
                    caughtUp::get);
            try {
                admin.start();
                consolePort.set(admin.port());
                server.start();
            } catch (RuntimeException e) {
                admin.close();
                metering.close();
                throw e;
            }
            return new Granary(config, store, node, metering, server, admin, tls, fatal);
        } catch (RuntimeException e) {
            if (tls != null) {
                tls.close();
            }
            store.close();
            closeNode(node);
            throw e;
        }
    }

    /** A store, and the cluster node it is one of (null when standalone). */
    private record Opened(RocksObjectStore store, RaftNode node) {}

    /**
     * Starts this node of a cluster (its Raft server and the groups of the partitions it holds) and opens the store
     * over its replicas. The partition count is the flag's, else 8; every node must be started with the same.
     */
    private static Opened openNode(GranaryConfig config, EngineOptions options) {
        ClusterConfig cluster = config.cluster();
        int partitions = options.partitions();
        RaftNode.Settings settings = RaftNode.Settings.defaults(cluster.name(), partitions, cluster.secret())
                .withReplicas(cluster.replicas());
        RaftNode node = null;
        try {
            node = cluster.joining() != null
                    ? RaftNode.join(cluster.joining(), cluster.zone(), cluster.members(), config.dataDir(), settings)
                    : RaftNode.start(cluster.self(), cluster.members(), config.dataDir(), settings);
            node.deadAfter(cluster.deadAfter());
            node.moveBandwidth(cluster.moveBandwidth());
            node.zone(cluster.zone());
            node.autoscale(cluster.autoscale());
            if (cluster.statefulSet() != null) {
                // On Kubernetes the controller scales the nodes' StatefulSet; a scale-in drains its last pod.
                node.provisionWith(
                        dev.granary.kubernetes.StatefulSetProvisioner.inCluster(cluster.statefulSet()), true);
            }
            // Requests wait (in the read barrier) for the partitions' leaders: the other members may start later.
            RocksObjectStore store = node.openStore(options.withPartitions(partitions));
            LOG.info(
                    "node {} of cluster {} ({} members, {} partitions)",
                    cluster.nodeId(),
                    cluster.name(),
                    cluster.members().size(),
                    partitions);
            return new Opened(store, node);
        } catch (java.io.IOException e) {
            closeNode(node);
            throw new java.io.UncheckedIOException("cannot start the cluster node", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeNode(node);
            throw new IllegalStateException("interrupted while starting the cluster node", e);
        } catch (RuntimeException e) {
            closeNode(node);
            throw e;
        }
    }

    /**
     * Ready ({@code /health/ready}) once this node's replicas hold everything their leaders had applied when it
     * started: a node that was down serves requests meanwhile, but each waits in the read barrier for its partition
     * to catch up, so a load balancer should send them elsewhere until then.
     */
    private static void catchUpInBackground(RaftNode node, java.util.concurrent.atomic.AtomicBoolean caughtUp) {
        Thread thread = new Thread(
                () -> {
                    long began = System.nanoTime();
                    while (!caughtUp.get()) {
                        try {
                            node.catchUp();
                            caughtUp.set(true);
                            LOG.info(
                                    "node {} caught up with the cluster in {} ms",
                                    node.self().id(),
                                    (System.nanoTime() - began) / 1_000_000);
                        } catch (StorageException e) {
                            LOG.info(
                                    "node {}: still catching up: {}",
                                    node.self().id(),
                                    e.getMessage());
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "granary-catch-up");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeNode(RaftNode node) {
        if (node != null) {
            try {
                node.close();
            } catch (java.io.IOException e) {
                LOG.warn("stopping the cluster node failed", e);
            }
        }
    }

    /** Loads and initialises what serving needs and does not depend on the store (errors surface later). */
    private static void warmUp() {
        try {
            org.xnio.Xnio.getInstance();
            // By name: naming the class makes javac read its jboss-logging annotations, which are not on the class
            // path, and warn.
            Class.forName("io.undertow.UndertowLogger"); // initialises the class
            MeteringMetrics.warmUp();
        } catch (RuntimeException | LinkageError | ClassNotFoundException e) {
            LOG.debug("warm-up skipped: {}", e.toString());
        }
    }

    /**
     * The partition count to open with: the flag when given, else the one the data folder was created with, else
     * 8 for a new folder. A flag that contradicts an existing folder fails at start with a message naming both.
     */
    static int partitions(GranaryConfig config) {
        if (config.partitions() > 0) {
            return config.partitions();
        }
        if (config.cluster() != null) {
            try {
                return RaftNode.storedPartitions(config.dataDir())
                        .orElse(EngineOptions.defaults().partitions());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read " + config.dataDir(), e);
            }
        }
        return RocksObjectStore.storedPartitions(config.dataDir())
                .orElse(EngineOptions.defaults().partitions());
    }

    public int port() {
        return server.port();
    }

    /**
     * A lifecycle worker over this node's store that runs passes as of {@code clock} (tests, and operators who
     * want a pass now); the node's own run every {@code --lifecycle-interval}, as of the real time.
     */
    public LifecycleWorker lifecycle(Clock clock) {
        return new LifecycleWorker(store, store.system(), clock);
    }

    /** The admin listener's port (usage API, /metrics). */
    /** The TLS of both ports, or null when they serve plain HTTP. */
    public TlsContext tls() {
        return tls;
    }

    public int adminPort() {
        return admin.port();
    }

    /** Writes metering's counts durably now (tests; the flusher does it every flush interval). */
    public void flushMetering() {
        metering.flush();
    }

    public GranaryConfig config() {
        return config;
    }

    /** The disk of the data folder: free space, reserve, whether writes are taken. */
    public DiskStatus disk() {
        return store.disk();
    }

    /** Graceful stop: finish requests in flight (up to 30 s), then close the store cleanly. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown(30_000);
        lifecycle.close();
        admin.close();
        if (tls != null) {
            tls.close();
        }
        metering.close(); // the last flush, into the store: before it closes
        store.close();
        lingerForPeers(node);
        closeNode(node);
    }

    /** How long a node's Raft server stays up after its own last writes, for peers stopping at the same time. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    /**
     * Keeps this node's replicas taking part a moment longer once its own last writes (the final metering flush)
     * are in: nodes stopped together (`granary cluster`, a compose down) each make their final flush through a
     * majority, and the first ones done must not take that majority away from the last (measured: a three-node
     * cluster stopped with SIGTERM took 16.6 s, a node's flush waiting for a majority that had left).
     */
    private static void lingerForPeers(RaftNode node) {
        if (node == null || node.members().size() < 2) {
            return;
        }
        try {
            Thread.sleep(LINGER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This server's node of a cluster, or null when it is standalone. */
    public RaftNode node() {
        return node;
    }

    /**
     * Runs {@code action} with the reason if this node finds, after it started, that it must not serve (its master key
     * is not the cluster's, learned once the cluster could answer); the process should then stop. Never otherwise.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the action is the end of the chain
    public void onFatal(java.util.function.Consumer<String> action) {
        fatal.thenAccept(action);
    }

    /** How long a starting node waits for its cluster to answer {@link MasterKeyCheck} before it checks in the background. */
    private static final Duration MASTER_KEY_WAIT = Duration.ofSeconds(10);

    /**
     * {@link MasterKeyCheck#verify}: refuses the start when this node's master key is not the cluster's. A cluster that
     * cannot answer within 10 s (no majority of partition 0 yet: nodes started one by one) is asked again in the
     * background, and a mismatch found then completes {@code fatal}.
     */
    private static void verifyMasterKey(
            RaftNode node, RocksObjectStore store, MasterKey key, CompletableFuture<String> fatal) {
        long deadline = System.nanoTime() + MASTER_KEY_WAIT.toNanos();
        while (true) {
            try {
                MasterKeyCheck.verify(node, store.system(), key);
                return;
            } catch (StorageException e) {
                if (e.reason() != StorageException.Reason.UNAVAILABLE) {
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("the cluster did not answer whether this node's master key is its own: asking again in"
                            + " the background");
                    Thread later = new Thread(() -> verifyLater(node, store, key, fatal), "granary-master-key-check");
                    later.setDaemon(true);
                    later.start();
                    return;
                }
            }
        }
    }

    private static void verifyLater(
            RaftNode node, RocksObjectStore store, MasterKey key, CompletableFuture<String> fatal) {
        while (true) {
            try {
                MasterKeyCheck.verify(node, store.system(), key);
                LOG.info("this node's master key is the cluster's");
                return;
            } catch (IllegalStateException e) {
                fatal.complete(e.getMessage());
                return;
            } catch (StorageException e) {
                LOG.debug("master key check: {}", e.getMessage());
            }
        }
    }

    /** The configured master key or the data folder's key file (generated on first start). */
    private static MasterKey masterKey(GranaryConfig config, SecureRandom random) {
        MasterKey key = config.configuredMasterKey();
        if (key == null && config.cluster() != null) {
            // Every node must open every user's sealed secrets and every SSE-S3 object: one key for the cluster,
            // derived from its secret unless one is configured (then the same on every node).
            return clusterMasterKey(config.cluster());
        }
        if (key == null) {
            MasterKey.Loaded loaded = MasterKey.loadOrCreate(config.masterKeyFile(), random);
            if (loaded.generated()) {
                LOG.info(
                        "generated a new master key in {} (owner-only): user secrets are encrypted under it;"
                                + " back it up with the data folder, or set GRANARY_MASTER_KEY",
                        config.masterKeyFile().toAbsolutePath());
            }
            key = loaded.key();
        }
        return key;
    }

    /** The master key of a cluster without a configured one: SHA-256 of its name under its secret (HMAC). */
    private static MasterKey clusterMasterKey(ClusterConfig cluster) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(
                    cluster.secret().getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = mac.doFinal(
                    ("granary master key/" + cluster.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return MasterKey.fromBase64(Base64.getEncoder().encodeToString(key));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    /**
     * The users, loaded from the engine's system records under {@value #USERS_PREFIX}, their secrets decrypted
     * with the master key.
     */
    private static UserDirectory users(RocksObjectStore store, Credentials root, MasterKey key, SecureRandom random) {
        UserDirectory users = UserDirectory.open(
                userRecords(store), new SecretCipher(key, random), Clock.systemUTC(), random, Set.of(root.accessKey()));
        LOG.info("{} user(s) besides root", users.size());
        return users;
    }

    /** The users' records in the engine's system records, under {@value #USERS_PREFIX}. */
    private static UserRecords userRecords(RocksObjectStore store) {
        return new UserRecords() {
            @Override
            public void apply(Map<String, byte[]> writes) {
                Map<String, byte[]> prefixed = new LinkedHashMap<>();
                writes.forEach((k, v) -> prefixed.put(USERS_PREFIX + k, v));
                store.system().apply(prefixed);
            }

            @Override
            public void forEach(BiConsumer<String, byte[]> visitor) {
                store.system()
                        .scan(USERS_PREFIX, USERS_END, (k, v) -> visitor.accept(k.substring(USERS_PREFIX.length()), v));
            }
        };
    }

    /** Metering's rows in the engine's system records. */
    private static RowStore rows(RocksObjectStore store) {
        return new RowStore() {
            @Override
            public void apply(Map<String, byte[]> writes) {
                store.system().apply(writes);
            }

            @Override
            public boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes) {
                return store.system().apply(expected, writes);
            }

            @Override
            public void scan(String from, String to, BiConsumer<String, byte[]> visitor) {
                store.system().scan(from, to, visitor);
            }
        };
    }

    /** The engine's usage counters as metering reads them. */
    private static StorageSource storage(RocksObjectStore store) {
        return new StorageSource() {
            @Override
            public List<BucketStorage> buckets() {
                return store.usage().stream().map(Granary::figures).toList();
            }

            @Override
            public BucketStorage rebuild(String bucket) {
                return figures(store.rebuildUsage(bucket));
            }

            @Override
            public Map<String, Long> engineStats() {
                return store.engineStats();
            }
        };
    }

    private static StorageSource.BucketStorage figures(BucketUsage u) {
        return new StorageSource.BucketStorage(u.bucket(), u.owner(), u.bytes(), u.objects(), u.partBytes(), u.parts());
    }
}
