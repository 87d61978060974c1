package dev.granary;

import dev.granary.api.tls.TlsContext;
import dev.granary.storage.DiskReserve;
import dev.granary.storage.DiskStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Command line entry: {@code granary server [--port N] [--address A] [--data DIR] ...}. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        commonPoolOfAtLeastTwo();
        if (args.length == 1 && args[0].equals("warmup")) {
            warmup();
            return;
        }
        if (args.length > 0 && args[0].equals("cluster")) {
            int status = ClusterLauncher.run(Arrays.copyOfRange(args, 1, args.length), System.getenv());
            if (status != ClusterLauncher.SERVING) {
                System.exit(status);
            }
            return;
        }
        if (args.length == 0 || !args[0].equals("server")) {
            System.err.println(usage());
            System.exit(args.length == 0 ? 2 : (args[0].equals("--help") || args[0].equals("help") ? 0 : 2));
        }
        serve(Arrays.copyOfRange(args, 1, args.length), System.getenv());
    }

    /** The common pool's parallelism this process asks for, unless its command line chose one. */
    static final String COMMON_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * Gives the JDK's common pool at least two threads. On a machine (or a container's CPU quota) of two cores or
     * fewer its parallelism is one, and every asynchronous step of a {@code CompletableFuture} without an executor then
     * starts a thread of its own: Ratis chains a follower's appends that way, so each replicated entry started a thread
     * (measured at R=3: 140 threads a second, and 4 KiB PUTs 30% slower than with a pool). Must run before anything
     * touches the pool.
     */
    static void commonPoolOfAtLeastTwo() {
        if (System.getProperty(COMMON_PARALLELISM) == null) {
            int cores = Runtime.getRuntime().availableProcessors();
            System.setProperty(COMMON_PARALLELISM, Integer.toString(Math.max(2, cores - 1)));
        }
    }

    /**
     * Runs a server with flags {@code args} over the environment {@code env} until the process is told to stop;
     * exits the process with status 2 on bad flags, 1 when it cannot start.
     */
    static void serve(String[] args, Map<String, String> env) {
        GranaryConfig config;
        try {
            config = GranaryConfig.parse(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println("granary: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }
        // The hook is in place before start-up, so a SIGTERM that arrives while the store opens still ends the
        // process (the store is crash-safe) instead of being lost between start-up and registration.
        AtomicReference<Granary> running = new AtomicReference<>();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            Granary started = running.get();
                            if (started != null) {
                                LOG.info("shutting down: finishing requests in flight, then closing the store");
                                started.close();
                                LOG.info("stopped cleanly");
                            }
                        },
                        "granary-shutdown"));
        long started = System.nanoTime();
        Granary granary;
        try {
            granary = Granary.start(config);
        } catch (RuntimeException e) {
            LOG.error("granary: cannot start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        running.set(granary);
        granary.onFatal(reason -> {
            LOG.error("granary: stopping: {}", reason);
            System.exit(1);
        });
        exitWithParent(env.get(ClusterLauncher.PARENT_PID));
        if (granary.tls() != null) {
            reloadOnHangup(granary.tls());
        }
        long startMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(
                "Granary S3 API on {}://{}:{} (region {}, data {}, {} partitions), ready in {} ms",
                config.tls() ? "https" : "http",
                config.address(),
                granary.port(),
                config.region(),
                config.dataDir().toAbsolutePath(),
                Granary.partitions(config),
                startMillis);
        DiskStatus disk = granary.disk();
        LOG.info(
                "disk: {} free of {}; writes leave {} free (--disk-reserve {})",
                DiskReserve.describe(disk.freeBytes()),
                DiskReserve.describe(disk.totalBytes()),
                DiskReserve.describe(disk.reserveBytes()),
                config.diskReserve());
        if (config.defaultCredentials()) {
            // The secret is never logged, not even the documented default: logs travel further than a console.
            LOG.warn(
                    "root access key '{}' with the default secret (see the README): anyone who knows it has full"
                            + " access. Set GRANARY_ROOT_USER and GRANARY_ROOT_PASSWORD to change them.",
                    GranaryConfig.DEFAULT_ROOT_USER);
        } else {
            LOG.info("root access key '{}' (secret from GRANARY_ROOT_PASSWORD)", config.rootUser());
        }
        LOG.info("health: GET /health");
        LOG.info(
                "console: {}://{}:{}/ (sign in with an access key and its secret)",
                config.tls() ? "https" : "http",
                config.address(),
                granary.adminPort());
        LOG.info(
                "admin: {}://{}:{}/admin/v1/usage, /admin/v1/users (SigV4, root credentials), /metrics; metering {},"
                        + " access log {}",
                config.tls() ? "https" : "http",
                config.address(),
                granary.adminPort(),
                config.metering() ? "on (flush every " + config.meteringFlush().toSeconds() + " s)" : "off",
                !config.metering()
                        ? "off"
                        : config.accessLog().equals("on") ? config.accessLogDir() : config.accessLog());
    }

    /**
     * A node started by {@code granary cluster} stops (cleanly) when the launcher is gone, even if it was killed
     * without the chance to stop its nodes: no orphaned servers holding ports and data folders.
     */
    private static void exitWithParent(String parentPid) {
        if (parentPid == null || parentPid.isEmpty()) {
            return;
        }
        ProcessHandle parent = ProcessHandle.of(Long.parseLong(parentPid)).orElse(null);
        Thread watcher = new Thread(
                () -> {
                    while (parent != null && parent.isAlive()) {
                        try {
                            Thread.sleep(1_000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    LOG.warn("the launcher (pid {}) is gone: stopping", parentPid);
                    System.exit(0);
                },
                "granary-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /**
     * kill -HUP reloads the certificate and key (a renewal), as nginx and HAProxy do; the files are also watched for
     * changes. The JDK's only signal API is sun.misc.Signal (module jdk.unsupported, kept for uses like this one).
     * It is reached by reflection: javac 17 warns on every use of the name, a warning no @SuppressWarnings (nor
     * -XDenableSunApiLintControl) silences, and the build fails on warnings.
     */
    private static void reloadOnHangup(TlsContext tls) {
        Runnable reload = tls::reload;
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            MethodHandle run = MethodHandles.publicLookup()
                    .findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
                    .bindTo(reload);
            // SignalHandler.handle(Signal) runs reload, ignoring the signal
            Object onHangup =
                    MethodHandleProxies.asInterfaceInstance(handler, MethodHandles.dropArguments(run, 0, signal));
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance("HUP"), onHangup);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot handle SIGHUP", e);
        }
    }

    /**
     * Starts and stops a node on an empty temporary folder: run with {@code -XX:ArchiveClassesAtExit} it records
     * the classes start-up loads into a class data sharing archive, which the launcher then starts the server
     * with (start-up spends most of its time loading classes).
     */
    private static void warmup() {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("granary-warmup");
            GranaryConfig config = GranaryConfig.parse(
                    new String[] {"--address", "127.0.0.1", "--port", "0", "--admin-port", "0", "--data", dir.toString()
                    },
                    Map.of());
            try (Granary granary = Granary.start(config)) {
                LOG.info("warm-up node started on port {}", granary.port());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder())
                            .forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    LOG.warn("cannot remove {}: {}", dir, e.toString());
                }
            }
        }
    }

    private static String usage() {
        return """
                usage: granary server [flags]
                       granary cluster --nodes N [--data DIR] [--port P] [--replicas R] [--only I]  (see --help there)
                  --address A      bind address (GRANARY_ADDRESS, default 0.0.0.0)
                  --port N         S3 port (GRANARY_PORT, default 9000)
                  --data DIR       data folder (GRANARY_DATA, default ./data)
                  --partitions P   partitions of a new data folder (GRANARY_PARTITIONS, default 8)
                  --region R       region (GRANARY_REGION, default us-east-1)
                  --domain D       virtual-host domain: <bucket>.D addresses a bucket (GRANARY_DOMAIN)
                  --no-sync        acknowledge before fsync (benchmarks only; GRANARY_SYNC=false)
                  --admin-port N   admin port: usage API and /metrics (GRANARY_ADMIN_PORT, default 9001)
                  --metering on|off         meter requests (GRANARY_METERING, default on)
                  --metering-flush SECONDS  how often usage is written durably (GRANARY_METERING_FLUSH, default 10)
                  --access-log on|off|log|DIR  access log file in DATA/access-logs, none, SLF4J, or in DIR
                                   (GRANARY_ACCESS_LOG, default off)
                  --master-key B64 the key user secrets and SSE-S3 keys are sealed under, base64 of 32 bytes
                                   (GRANARY_MASTER_KEY, preferred; default DATA/master.key, made on first start)
                  --lifecycle-interval SECONDS  how often lifecycle rules run (GRANARY_LIFECYCLE_INTERVAL,
                                   default 3600; 0 = off)
                  --tls-cert FILE  HTTPS on both ports: PEM certificate chain, server certificate first
                                   (GRANARY_TLS_CERT; reloaded on SIGHUP or when the file changes)
                  --tls-key FILE   its PEM private key (GRANARY_TLS_KEY)
                  --read-timeout SECONDS  close a connection that sends nothing for this long while a request
                                   or its body is awaited (GRANARY_READ_TIMEOUT, default 30)
                  --tls-watch SECONDS  how often both files are checked for a change (GRANARY_TLS_WATCH,
                                   default 5; 0 = only on SIGHUP)
                  --disk-reserve SIZE|PCT  free space writes leave on the data disk, e.g. 512MiB, 2GB, 5%
                                   (GRANARY_DISK_RESERVE, default 1GiB or 1%, whichever is larger; 0 = none)
                  --node-id ID     this node's id in a cluster (GRANARY_NODE_ID; with --members)
                  --members LIST   every member of the cluster as id=host:raftPort,... (GRANARY_MEMBERS); the cluster's
                                   secret comes from GRANARY_CLUSTER_SECRET (at least 16 characters)
                  --replicas R     replicas per partition in a cluster (GRANARY_REPLICAS, default 3)
                  --cluster-name N (GRANARY_CLUSTER_NAME, default granary)
                root credentials: GRANARY_ROOT_USER / GRANARY_ROOT_PASSWORD (default granaryadmin / granaryadmin)""";
    }
}
