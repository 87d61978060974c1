package dev.granary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code granary cluster --nodes N [--data DIR] [--port P] [--replicas R] [--partitions K] [--only I]}: a cluster of N
 * node processes on 127.0.0.1, in the foreground, for development and tests.
 *
 * <p>Node {@code i} (0-based) has id {@code node-i}, serves S3 on port {@code P+i}, its admin API on {@code P+100+i},
 * Raft on {@code P+200+i}, and keeps its data in {@code DIR/node-i}. The cluster's secret is
 * {@code GRANARY_CLUSTER_SECRET} or, when that is unset, the one in {@code DIR/cluster.secret} (made on the first
 * run, readable by its owner only), so that a node restarted later joins the same cluster. Root credentials and
 * every other {@code GRANARY_*} variable pass through to the nodes, as do flags the launcher does not know (e.g.
 * {@code --no-sync}, {@code --metering-flush 1}).
 *
 * <p>Each node's output is prefixed with {@code [node-i]}; a node that dies is reported and the others go on.
 * SIGTERM (or Ctrl-C) stops every node (each gets SIGTERM, then 40 s to finish before it is killed). With
 * {@code --only I} node {@code I} alone runs, in this process: to restart a node that was killed, or, for {@code I >=
 * N}, to add node {@code I} to the running cluster (it joins through the founding nodes; the controller moves
 * replicas to it). Nodes also stop when the launcher is gone, even if it was killed without a chance to stop them.
 */
final class ClusterLauncher {
    /** Set in each node's environment: the launcher's pid, which the node watches ({@link Main}). */
    static final String PARENT_PID = "GRANARY_PARENT_PID";

    /** {@link #run} returns this when a node now serves in this process. */
    static final int SERVING = -1;

    private static final int MAX_NODES = 100;
    private static final Set<String> DERIVED = Set.of(
            "node-id",
            "members",
            "join",
            "raft-address",
            "address",
            "admin-port",
            "cluster-name",
            "replicas",
            "partitions");

    private ClusterLauncher() {}

    /** What the flags ask for. */
    record Layout(
            int nodes,
            Path data,
            int port,
            int replicas,
            int partitions,
            Integer only,
            String clusterName,
            List<String> passThrough) {

        String nodeId(int i) {
            return "node-" + i;
        }

        String members() {
            List<String> all = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                all.add(nodeId(i) + "=127.0.0.1:" + (port + 200 + i));
            }
            return String.join(",", all);
        }

        /**
         * The {@code granary server} flags of node {@code i}: a founding member for {@code i < nodes}, else a node that
         * joins the running cluster of the founding members.
         */
        List<String> serverArgs(int i) {
            return serverArgs(i, members());
        }

        /** {@link #serverArgs(int)} with the members a joining node joins through. */
        List<String> serverArgs(int i, String joinThrough) {
            List<String> args = new ArrayList<>(List.of(
                    "--node-id",
                    nodeId(i),
                    i < nodes ? "--members" : "--join",
                    i < nodes ? members() : joinThrough,
                    "--cluster-name",
                    clusterName,
                    "--replicas",
                    Integer.toString(replicas),
                    "--partitions",
                    Integer.toString(partitions),
                    "--address",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port + i),
                    "--admin-port",
                    Integer.toString(port + 100 + i),
                    "--data",
                    data.resolve(nodeId(i)).toString()));
            if (i >= nodes) {
                args.addAll(List.of("--raft-address", "127.0.0.1:" + (port + 200 + i)));
            }
            args.addAll(passThrough);
            return args;
        }
    }

    /**
     * Runs the cluster (or one node of it) as {@code args} say.
     *
     * @return the process's exit status, or {@link #SERVING} when a node was started in this process and serves
     */
    static int run(String[] args, Map<String, String> env) {
        Layout layout;
        try {
            if (args.length == 1 && (args[0].equals("--help") || args[0].equals("help"))) {
                System.out.println(usage());
                return 0;
            }
            layout = parse(args, env);
        } catch (IllegalArgumentException e) {
            System.err.println("granary cluster: " + e.getMessage());
            System.err.println(usage());
            return 2;
        }
        Map<String, String> nodeEnv = new HashMap<>(env);
        try {
            Files.createDirectories(layout.data());
            nodeEnv.put("GRANARY_CLUSTER_SECRET", secret(layout.data(), env));
        } catch (IOException e) {
            System.err.println("granary cluster: cannot prepare " + layout.data() + ": " + e.getMessage());
            return 1;
        }
        if (layout.only() != null) {
            Main.serve(layout.serverArgs(layout.only()).toArray(String[]::new), nodeEnv);
            return SERVING;
        }
        nodeEnv.put(PARENT_PID, Long.toString(ProcessHandle.current().pid()));
        return runAll(layout, nodeEnv);
    }

    static Layout parse(String[] args, Map<String, String> env) {
        Map<String, String> flags = new LinkedHashMap<>();
        List<String> passThrough = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "nodes", "data", "port", "replicas", "partitions", "only", "cluster-name" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("flag --" + name + " needs a value");
                        }
                        value = args[++i];
                    }
                    flags.put(name, value);
                }
                default -> {
                    if (DERIVED.contains(name)) {
                        throw new IllegalArgumentException("--" + name + " is set by the launcher for each node");
                    }
                    // A flag for the servers: its value (if it takes one) follows unless given with '='.
                    passThrough.add(a);
                    if (value == null && !name.equals("no-sync") && i + 1 < args.length) {
                        passThrough.add(args[++i]);
                    }
                }
            }
        }
        if (!flags.containsKey("nodes")) {
            throw new IllegalArgumentException("--nodes N is required");
        }
        int nodes = number(flags, "nodes", 0);
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be 1.." + MAX_NODES + ", got " + nodes);
        }
        int port = number(flags, "port", 9000);
        if (port < 1 || port + 300 + nodes > 65535) {
            throw new IllegalArgumentException(
                    "--port must leave room for ports P..P+" + (200 + nodes) + ", got " + port);
        }
        int replicas;
        if (flags.containsKey("replicas")) {
            replicas = number(flags, "replicas", 0);
            if (replicas < 1) {
                throw new IllegalArgumentException("--replicas must be at least 1, got " + replicas);
            }
        } else {
            replicas = ClusterConfig.DEFAULT_REPLICAS;
        }
        int partitions = number(flags, "partitions", 8);
        if (partitions < 1 || partitions > 1024) {
            throw new IllegalArgumentException("--partitions must be 1..1024, got " + partitions);
        }
        Integer only = null;
        if (flags.containsKey("only")) {
            only = number(flags, "only", 0);
            if (only < 0 || only >= MAX_NODES || port + 300 + only > 65535) {
                throw new IllegalArgumentException(
                        "--only must be a node number 0.." + (MAX_NODES - 1) + " with its ports free, got " + only);
            }
        }
        return new Layout(
                nodes,
                Path.of(flags.getOrDefault("data", env.getOrDefault("GRANARY_DATA", "data"))),
                port,
                replicas,
                partitions,
                only,
                flags.getOrDefault("cluster-name", env.getOrDefault("GRANARY_CLUSTER_NAME", "granary")),
                List.copyOf(passThrough));
    }

    private static int number(Map<String, String> flags, String name, int dflt) {
        String v = flags.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    /** The variable's secret, else the one kept in {@code data/cluster.secret} (made now if absent). */
    static String secret(Path data, Map<String, String> env) throws IOException {
        String given = env.get("GRANARY_CLUSTER_SECRET");
        if (given != null && !given.isEmpty()) {
            return given;
        }
        Path file = data.resolve("cluster.secret");
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            Path temp = data.resolve("cluster.secret.tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(temp, Base64.getEncoder().encodeToString(random) + "\n");
            Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(file).trim();
    }

    private static int runAll(Layout layout, Map<String, String> env) {
        PrintStream out = System.out;
        List<Process> nodes = new ArrayList<>();
        AtomicBoolean stopping = new AtomicBoolean();
        Thread stopper = new Thread(() -> stopAll(nodes, stopping, out), "granary-cluster-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        Processes processes = new Processes(layout, env, nodes, out);
        for (int i = 0; i < layout.nodes(); i++) {
            if (!processes.start(i)) {
                stopAll(nodes, stopping, out);
                return 1;
            }
        }
        if (layout.passThrough().contains("--autoscale")) {
            Thread provisioner = new Thread(() -> processes.provision(stopping), "granary-cluster-provisioner");
            provisioner.setDaemon(true);
            provisioner.start();
        }
        int failed = 0;
        for (int i = 0; ; i++) {
            Process process;
            synchronized (nodes) {
                if (i >= nodes.size()) {
                    break;
                }
                process = nodes.get(i);
            }
            int status;
            try {
                status = process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 1;
            }
            String id = processes.idOf(process);
            if (!stopping.get() && !processes.stoppedOnPurpose(process)) {
                out.printf("granary cluster: %s exited with status %d%n", id, status);
                failed += status == 0 ? 0 : 1;
            }
        }
        return failed == 0 || stopping.get() ? 0 : 1;
    }

    /**
     * The node processes the launcher runs, and with {@code --autoscale} the local provisioner: every 2 s it reads
     * the autoscaler's wanted node count and the nodes' states from a node's {@code /metrics}, starts nodes that join
     * (the next numbers, {@code --only}'s layout) while fewer run, and stops the nodes it runs that are drained.
     */
    private static final class Processes implements dev.granary.cluster.placement.Provisioner {
        private final Layout layout;
        private final Map<String, String> env;
        private final List<Process> nodes;
        private final PrintStream out;
        private final List<String> launch = javaCommand();
        private final Map<Integer, Process> running = new java.util.TreeMap<>();
        private final java.util.Set<Process> stopped = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Map<Process, String> ids = new java.util.concurrent.ConcurrentHashMap<>();
        private int next;

        Processes(Layout layout, Map<String, String> env, List<Process> nodes, PrintStream out) {
            this.layout = layout;
            this.env = env;
            this.nodes = nodes;
            this.out = out;
        }

        synchronized boolean start(int i) {
            List<String> command = new ArrayList<>(launch);
            command.add("server");
            // A node that joins does so through the nodes running now (founding ones may have been removed).
            List<String> through = new ArrayList<>();
            for (int r : running.keySet()) {
                through.add(layout.nodeId(r) + "=127.0.0.1:" + (layout.port() + 200 + r));
            }
            command.addAll(layout.serverArgs(i, through.isEmpty() ? layout.members() : String.join(",", through)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                out.println("granary cluster: cannot start " + layout.nodeId(i) + ": " + e.getMessage());
                return false;
            }
            synchronized (nodes) {
                nodes.add(process);
            }
            running.put(i, process);
            ids.put(process, layout.nodeId(i));
            next = Math.max(next, i + 1);
            out.printf(
                    "granary cluster: %s (pid %d): S3 http://127.0.0.1:%d, admin http://127.0.0.1:%d, raft %d, data %s%n",
                    layout.nodeId(i),
                    process.pid(),
                    layout.port() + i,
                    layout.port() + 100 + i,
                    layout.port() + 200 + i,
                    layout.data().resolve(layout.nodeId(i)));
            relay(process, "[" + layout.nodeId(i) + "] ", out);
            return true;
        }

        String idOf(Process process) {
            return ids.getOrDefault(process, "pid " + process.pid());
        }

        boolean stoppedOnPurpose(Process process) {
            return stopped.contains(process);
        }

        void provision(AtomicBoolean stopping) {
            while (!stopping.get()) {
                try {
                    Thread.sleep(2_000);
                    reconcile(stopping);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    out.println("granary cluster: provisioner: " + e);
                }
            }
        }

        private synchronized void reconcile(AtomicBoolean stopping) {
            running.values().removeIf(p -> !p.isAlive());
            String metrics = null;
            for (int i : running.keySet()) {
                metrics = metrics(layout.port() + 100 + i);
                if (metrics != null) {
                    break;
                }
            }
            if (metrics == null || stopping.get()) {
                return;
            }
            int target = -1;
            java.util.Set<String> drained = new java.util.TreeSet<>();
            for (String line : metrics.split("\n", -1)) {
                if (line.startsWith("granary_autoscaler_target_nodes ")) {
                    target = (int) Double.parseDouble(
                            line.substring(line.indexOf(' ') + 1).trim());
                } else if (line.startsWith("granary_cluster_node_state{") && line.contains("state=\"drained\"")) {
                    int from = line.indexOf("node=\"") + 6;
                    drained.add(line.substring(from, line.indexOf('"', from)));
                }
            }
            java.util.Set<String> ids = new java.util.TreeSet<>();
            running.keySet().forEach(i -> ids.add(layout.nodeId(i)));
            provision(target, ids, drained);
        }

        /** The local provisioner: stops the drained nodes it runs, starts one that joins while too few run. */
        @Override
        public synchronized void provision(int target, java.util.Set<String> nodes, java.util.Set<String> drained) {
            for (Map.Entry<Integer, Process> node : List.copyOf(running.entrySet())) {
                if (drained.contains(layout.nodeId(node.getKey())) && running.size() > 1) {
                    out.printf(
                            "granary cluster: provisioner: %s is drained: stopping it%n", layout.nodeId(node.getKey()));
                    stopped.add(node.getValue());
                    node.getValue().destroy();
                    running.remove(node.getKey());
                }
            }
            if (target > running.size() && next < MAX_NODES) {
                out.printf(
                        "granary cluster: provisioner: the autoscaler wants %d nodes, %d run: starting %s%n",
                        target, running.size(), layout.nodeId(next));
                start(next);
            }
        }

        /** Node {@code adminPort}'s {@code /metrics}, or null when it does not answer. */
        private static String metrics(int adminPort) {
            try {
                java.net.http.HttpResponse<String> response = HTTP.send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                                .timeout(java.time.Duration.ofSeconds(5))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200 ? response.body() : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2))
            .build();

    /** Stops every node: SIGTERM, then up to 40 s to finish, then kill. */
    private static void stopAll(List<Process> nodes, AtomicBoolean stopping, PrintStream out) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        List<Process> all;
        synchronized (nodes) {
            all = List.copyOf(nodes);
        }
        all.forEach(Process::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        for (Process process : all) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    out.println("granary cluster: pid " + process.pid() + " did not stop in time: killing it");
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /** Copies a node's output to {@code out}, each line prefixed. */
    private static void relay(Process process, String prefix, PrintStream out) {
        Thread relay = new Thread(
                () -> {
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                            out.println(prefix + line);
                        }
                    } catch (IOException e) {
                        // the node is gone and its output closed: nothing more to relay
                    }
                },
                "granary-cluster-relay-" + process.pid());
        relay.setDaemon(true);
        relay.start();
    }

    /** This JVM's java and flags (the launcher script's heap, class data sharing archive, JIT threads) for a node. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A debugger's port cannot be shared by several processes.
            if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Xrunjdwp")) {
                command.add(flag);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        return command;
    }

    private static String usage() {
        return """
                usage: granary cluster --nodes N [--data DIR] [--port P] [--replicas R] [--partitions K] [--only I]
                                       [server flags...]
                  --nodes N        node processes to run on 127.0.0.1, ids node-0..node-(N-1) (1..100)
                  --data DIR       node i keeps its data in DIR/node-i (GRANARY_DATA, default ./data); the cluster's
                                   secret is GRANARY_CLUSTER_SECRET or DIR/cluster.secret (made on first run)
                  --port P         node i serves S3 on P+i, its admin API on P+100+i, Raft on P+200+i (default 9000)
                  --replicas R     replicas per partition (default 3, at most N; partition 0, the catalog, is on every node)
                  --partitions K   partitions of the cluster (default 8; the same on every start)
                  --only I         run node I alone, in this process: restart a node that was stopped or killed, or,
                                   for I >= N, add node I to the running cluster (it joins through nodes 0..N-1)
                  --cluster-name C (GRANARY_CLUSTER_NAME, default granary)
                  other flags go to every node's `granary server` (e.g. --no-sync, --metering-flush 1)
                root credentials: GRANARY_ROOT_USER / GRANARY_ROOT_PASSWORD, as for `granary server`""";
    }
}
