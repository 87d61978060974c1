package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A cluster of node processes on loopback, started the way an operator does: {@code granary cluster --nodes N} (the
 * launcher, which runs each node as its own JVM), and a node killed with SIGKILL restarted with
 * {@code granary cluster ... --only I}. Nodes get small heaps (the launcher passes its JVM flags on). Output goes to
 * {@code launcher.log} and {@code node-I-restart-K.log} in the data folder.
 */
final class LocalCluster {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Heap and compiler settings of each node JVM: four JVMs share two cores in CI. */
    private static final List<String> NODE_JVM =
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError");

    final Path data;
    final int nodes;
    final int port;
    private final Process launcher;
    private final List<String> extraArgs;
    private final Map<Integer, Process> restarted = new HashMap<>();
    private int restarts;

    private LocalCluster(Path data, int nodes, int port, Process launcher, List<String> extraArgs) {
        this.extraArgs = extraArgs;
        this.data = data;
        this.nodes = nodes;
        this.port = port;
        this.launcher = launcher;
    }

    /** Starts {@code granary cluster --nodes N} and waits until every node answers and every partition has a leader. */
    static LocalCluster start(Path data, int nodes, String... extraArgs) throws Exception {
        Files.createDirectories(data);
        return start(data, nodes, freeRange(nodes), extraArgs);
    }

    /** Starts a stopped cluster again from its folders, on its ports (its nodes remember their members). */
    static LocalCluster restart(LocalCluster stopped) throws Exception {
        return start(stopped.data, stopped.nodes, stopped.port, stopped.extraArgs.toArray(String[]::new));
    }

    private static LocalCluster start(Path data, int nodes, int port, String... extraArgs) throws Exception {
        List<String> command = command(data, nodes, port, extraArgs);
        Process launcher = withCredentials(new ProcessBuilder(command))
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("launcher.log").toFile())
                .start();
        LocalCluster cluster = new LocalCluster(data, nodes, port, launcher, List.of(extraArgs));
        try {
            for (int i = 0; i < nodes; i++) {
                cluster.awaitHealthy(i);
            }
            cluster.awaitLeaders(0);
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static List<String> command(Path data, int nodes, int port, String... extraArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(NODE_JVM);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.granary.Main", "cluster"));
        command.addAll(List.of(
                "--nodes", Integer.toString(nodes), "--data", data.toString(), "--port", Integer.toString(port)));
        command.addAll(List.of(extraArgs));
        return command;
    }

    private static ProcessBuilder withCredentials(ProcessBuilder builder) {
        builder.environment().put("GRANARY_ROOT_USER", GranaryServerExtension.ACCESS_KEY);
        builder.environment().put("GRANARY_ROOT_PASSWORD", GranaryServerExtension.SECRET_KEY);
        builder.environment().remove("GRANARY_CLUSTER_SECRET");
        return builder;
    }

    /** A base port P with P..P+N-1, P+100.., P+200.. all free. */
    private static int freeRange(int nodes) throws IOException {
        Random random = new Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + random.nextInt(30_000);
            if (allFree(base, nodes)) {
                return base;
            }
        }
        throw new IOException("no free port range for " + nodes + " nodes");
    }

    private static boolean allFree(int base, int nodes) {
        for (int i = 0; i < nodes; i++) {
            for (int offset : new int[] {0, 100, 200}) {
                try (ServerSocket socket = new ServerSocket(base + offset + i, 1, InetAddress.getLoopbackAddress())) {
                    socket.setReuseAddress(true);
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return true;
    }

    URI s3(int i) {
        return URI.create("http://127.0.0.1:" + (port + i));
    }

    URI admin(int i) {
        return URI.create("http://127.0.0.1:" + (port + 100 + i));
    }

    /** An AWS SDK client of node {@code i}, with short timeouts (a killed node refuses at once). */
    S3Client client(int i) {
        return client(i, true);
    }

    /**
     * As {@link #client(int)}; without the SDK's retries when {@code retries} is false, so that every failure the
     * server answers is seen (a retried 503 or 500 would pass as one slow success).
     */
    S3Client client(int i, boolean retries) {
        return client(s3(i), retries, Duration.ofSeconds(30));
    }

    /**
     * An AWS SDK client of the node at {@code endpoint} with the test's root credentials: connections refused or
     * timed out after 2 s, answers awaited up to {@code socketTimeout}, the SDK's retries only if {@code retries}.
     */
    static S3Client client(URI endpoint, boolean retries, Duration socketTimeout) {
        ClientOverrideConfiguration.Builder override =
                ClientOverrideConfiguration.builder().apiCallTimeout(socketTimeout.plusSeconds(30));
        if (!retries) {
            override.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry());
        }
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(2))
                        .socketTimeout(socketTimeout)
                        .build())
                .overrideConfiguration(override.build())
                .build();
    }

    /** {@code GET /admin/v1/cluster} of node {@code i}. */
    JsonNode status(int i) throws Exception {
        HttpResponse<String> r = MeteringSupport.admin(admin(i), "/admin/v1/cluster");
        return JsonNode.parser().parse(r.body());
    }

    /** The pid of node {@code i}'s process, as it reports it. */
    long pid(int i) throws Exception {
        for (JsonNode node : status(i).field("nodes").get().asArray()) {
            if (node.field("id").get().text().equals("node-" + i)) {
                return Long.parseLong(node.field("pid").get().asNumber());
            }
        }
        throw new AssertionError("node-" + i + " does not report its pid");
    }

    /** Kills node {@code i} with SIGKILL and waits until it is gone. */
    void kill(int i) throws Exception {
        ProcessHandle process = ProcessHandle.of(pid(i)).orElseThrow();
        process.destroyForcibly();
        process.onExit().get(30, TimeUnit.SECONDS);
    }

    /** Starts node {@code i} again, alone ({@code --only i}, the same flags), and waits until it answers. */
    void restart(int i) throws Exception {
        List<String> command = command(data, nodes, port, extraArgs.toArray(String[]::new));
        command.addAll(List.of("--only", Integer.toString(i)));
        restarts++;
        Path log = data.resolve("node-" + i + "-restart-" + restarts + ".log");
        Process process = withCredentials(new ProcessBuilder(command))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        restarted.put(i, process);
        awaitHealthy(i);
    }

    private void awaitHealthy(int i) throws Exception {
        awaitReady(admin(i), "node-" + i, launcher, data.resolve("launcher.log"));
    }

    /**
     * Waits (up to 90 s) until {@code admin}'s {@code /health/ready} answers 200 (the node is up and caught up);
     * fails at once, with {@code log}, when {@code process} exits meanwhile.
     */
    static void awaitReady(URI admin, String name, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(admin + "/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " (pid " + process.pid() + ") exited: " + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " was not ready (caught up) in 90 s");
    }

    /** Waits (up to 60 s) until node {@code asking} reports, from each partition's leader, a leader for every partition. */
    JsonNode awaitLeaders(int asking) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = status(asking);
            if (commitIndexes(status) != null) {
                return status;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the cluster did not elect leaders in 60 s: " + status);
    }

    /**
     * Waits (up to 60 s) until every replica of every partition has committed as far as its leader had when this was
     * called (writes that go on meanwhile, such as metering's, are not waited for).
     */
    JsonNode awaitCaughtUp(int asking) throws Exception {
        List<Long> target = commitIndexes(awaitLeaders(asking));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            status = status(asking);
            if (caughtUp(status, target)) {
                return status;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the replicas did not catch up with " + target + " in 60 s: " + status);
    }

    /** Whether every partition in {@code status} has a leader that answered for it. */
    /** The MD5 of {@code bytes}, hex. */
    static String md5(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code size} bytes from a seeded generator. */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Closes the clients, then stops the cluster. */
    static void closeAll(LocalCluster cluster, software.amazon.awssdk.services.s3.S3Client... clients)
            throws Exception {
        for (software.amazon.awssdk.services.s3.S3Client client : clients) {
            if (client != null) {
                client.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static boolean everyPartitionLed(JsonNode status) {
        return commitIndexes(status) != null;
    }

    /** Each partition's commit index as its leader reports it, or null while some partition has no leader answering. */
    private static List<Long> commitIndexes(JsonNode status) {
        List<Long> indexes = new ArrayList<>();
        for (JsonNode partition : status.field("partitions").get().asArray()) {
            JsonNode leader = partition.field("leader").orElse(null);
            if (leader == null
                    || leader.isNull()
                    || !partition.field("reportedBy").get().text().equals(leader.text())) {
                return null;
            }
            indexes.add(Long.parseLong(partition.field("commitIndex").get().asNumber()));
        }
        return indexes;
    }

    private static boolean caughtUp(JsonNode status, List<Long> target) {
        if (commitIndexes(status) == null) {
            return false;
        }
        List<JsonNode> partitions = status.field("partitions").get().asArray();
        for (int p = 0; p < partitions.size(); p++) {
            for (JsonNode replica : partitions.get(p).field("lag").get().asArray()) {
                if (Long.parseLong(replica.field("commitIndex").get().asNumber()) < target.get(p)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The number of the node that leads the most partitions, from node {@code asking}'s view. */
    int busiestLeader(int asking) throws Exception {
        return busiestLeader(awaitLeaders(asking));
    }

    /** The number of the node that leads the most partitions in {@code status} (an {@code /admin/v1/cluster} answer). */
    static int busiestLeader(JsonNode status) {
        Map<String, Integer> led = new HashMap<>();
        for (JsonNode partition : status.field("partitions").get().asArray()) {
            led.merge(partition.field("leader").get().text(), 1, Integer::sum);
        }
        String id = led.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
        return Integer.parseInt(id.substring("node-".length()));
    }

    /** Node id leading each partition, from node {@code asking}'s view. */
    List<String> leaders(int asking) throws Exception {
        List<String> leaders = new ArrayList<>();
        for (JsonNode partition : status(asking).field("partitions").get().asArray()) {
            JsonNode leader = partition.field("leader").orElse(null);
            leaders.add(leader == null || leader.isNull() ? null : leader.text());
        }
        return leaders;
    }

    /**
     * Stops everything: SIGTERM to the launcher (which stops its nodes) and to nodes restarted alone, then waits; and
     * checks that no node process the launcher started outlives it.
     */
    void close() throws Exception {
        List<ProcessHandle> children = launcher.descendants().toList();
        launcher.destroy();
        restarted.values().forEach(Process::destroy);
        boolean stopped = launcher.waitFor(60, TimeUnit.SECONDS);
        for (Process process : restarted.values()) {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        if (!stopped) {
            launcher.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.onExit().get(60, TimeUnit.SECONDS);
        }
        assertThat(stopped).as("the launcher stops on SIGTERM").isTrue();
        assertThat(stoppedReplicas())
                .as("replicas Ratis stopped on an error, in the nodes' logs")
                .isEmpty();
    }

    /**
     * The lines of the nodes' logs where Ratis stopped applying to a replica because the state machine threw (a replica
     * given back to a node once failed every snapshot this way, and its node spun on it until it stopped).
     */
    private List<String> stoppedReplicas() throws IOException {
        List<String> found = new ArrayList<>();
        try (java.util.stream.Stream<Path> logs = Files.list(data)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .toList()) {
                try (java.util.stream.Stream<String> lines =
                        Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
                    lines.filter(line -> line.contains("StateMachineUpdater caught a Throwable"))
                            .limit(3)
                            .forEach(line -> found.add(log.getFileName() + ": " + line));
                }
            }
        }
        return found;
    }
}
