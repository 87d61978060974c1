package dev.granary.it;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Three node processes, each in a network namespace of its own, joined by veth pairs to a bridge in the root
 * namespace (address {@code 10.77.S.254}, which is how this JVM reaches them): node {@code i} has address
 * {@code 10.77.S.(i+1)}, S3 on port 9000 and its admin API on 9100 there. {@link #isolate} cuts one node off from
 * the other two (blackhole routes on both sides, so this JVM still reaches it), {@link #heal} restores the links.
 * Needs root and {@code ip}; everything it made is removed by {@link #close} (and by a shutdown hook if the JVM
 * ends first). Output of node {@code i} goes to {@code node-i.log} in the data folder.
 */
final class NetnsCluster {
    final Path data;
    private final String tag;
    private final int subnet;
    private final List<Process> nodes = new ArrayList<>();
    private List<String> extraArgs = List.of();
    private final Thread cleanup;

    private NetnsCluster(Path data) {
        this.data = data;
        long pid = ProcessHandle.current().pid();
        this.tag = "gr" + (pid % 100_000);
        this.subnet = 20 + (int) (pid % 200);
        this.cleanup = new Thread(this::teardown, "netns-cleanup");
    }

    /** Whether this machine lets a test make namespaces: root, and {@code ip} present. */
    static boolean available() {
        try {
            Process probe = new ProcessBuilder("ip", "netns", "list")
                    .redirectErrorStream(true)
                    .start();
            return probe.waitFor(10, TimeUnit.SECONDS)
                    && probe.exitValue() == 0
                    && "root".equals(System.getProperty("user.name"));
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Skips the calling test where namespaces cannot be made; fails it instead where they are required (CI sets
     * {@code GRANARY_REQUIRE_CLIENTS}).
     */
    static void assumeAvailable() {
        boolean available = available();
        if (System.getenv("GRANARY_REQUIRE_CLIENTS") != null && !available) {
            throw new AssertionError("network namespaces (root and ip) are required in CI");
        }
        Assumptions.assumeTrue(available, "needs root and `ip` to make network namespaces: not run");
    }

    static NetnsCluster start(Path data, String... extraArgs) throws Exception {
        NetnsCluster cluster = new NetnsCluster(data);
        Runtime.getRuntime().addShutdownHook(cluster.cleanup);
        try {
            cluster.network();
            cluster.launch(extraArgs);
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String address(int i) {
        return "10.77." + subnet + "." + (i + 1);
    }

    URI s3(int i) {
        return URI.create("http://" + address(i) + ":9000");
    }

    URI admin(int i) {
        return URI.create("http://" + address(i) + ":9100");
    }

    private String ns(int i) {
        return tag + "-n" + i;
    }

    private String bridge() {
        return tag + "br";
    }

    private void network() throws Exception {
        ip("link", "add", bridge(), "type", "bridge");
        ip("addr", "add", "10.77." + subnet + ".254/24", "dev", bridge());
        ip("link", "set", bridge(), "up");
        for (int i = 0; i < 3; i++) {
            String host = tag + "h" + i;
            String inside = tag + "v" + i;
            ip("netns", "add", ns(i));
            ip("link", "add", host, "type", "veth", "peer", "name", inside);
            ip("link", "set", inside, "netns", ns(i));
            ip("link", "set", host, "master", bridge());
            ip("link", "set", host, "up");
            ip("-n", ns(i), "addr", "add", address(i) + "/24", "dev", inside);
            ip("-n", ns(i), "link", "set", inside, "up");
            ip("-n", ns(i), "link", "set", "lo", "up");
        }
    }

    private void launch(String... extraArgs) throws Exception {
        this.extraArgs = List.of(extraArgs);
        Files.createDirectories(data);
        for (int i = 0; i < 3; i++) {
            nodes.add(launch(i));
        }
        for (int i = 0; i < 3; i++) {
            awaitReady(i);
        }
    }

    private Process launch(int i) throws IOException {
        String members = "node-0=" + address(0) + ":7000,node-1=" + address(1) + ":7000,node-2=" + address(2) + ":7000";
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns(i)));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.granary.Main", "server"));
        command.addAll(List.of(
                "--node-id",
                "node-" + i,
                "--members",
                members,
                "--address",
                address(i),
                "--port",
                "9000",
                "--admin-port",
                "9100",
                "--data",
                data.resolve("node-" + i).toString()));
        command.addAll(extraArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        data.resolve("node-" + i + ".log").toFile()));
        builder.environment().put("GRANARY_ROOT_USER", GranaryServerExtension.ACCESS_KEY);
        builder.environment().put("GRANARY_ROOT_PASSWORD", GranaryServerExtension.SECRET_KEY);
        builder.environment().put("GRANARY_CLUSTER_SECRET", "a cluster secret for NetnsCluster");
        return builder.start();
    }

    /** Kills node {@code i} with SIGKILL and waits for it to be gone. */
    void kill(int i) throws Exception {
        Process node = nodes.get(i);
        node.destroyForcibly();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("node-" + i + " did not die in 30 s");
        }
    }

    /** Starts node {@code i} again, with the same flags, and waits until it is ready. */
    void restart(int i) throws Exception {
        nodes.set(i, launch(i));
        awaitReady(i);
    }

    /** {@code GET /admin/v1/cluster} of node {@code i}. */
    JsonNode status(int i) throws Exception {
        return JsonNode.parser()
                .parse(MeteringSupport.admin(admin(i), "/admin/v1/cluster").body());
    }

    /** The number of the node that leads the most partitions, from node {@code asking}'s view (waits up to 60 s). */
    int busiestLeader(int asking) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode status = status(asking);
        while (!LocalCluster.everyPartitionLed(status)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the cluster did not elect leaders in 60 s: " + status);
            }
            Thread.sleep(250);
            status = status(asking);
        }
        return LocalCluster.busiestLeader(status);
    }

    /** Waits (up to 90 s) until node {@code i}'s {@code /health/ready} answers 200. */
    void awaitReady(int i) throws Exception {
        LocalCluster.awaitReady(admin(i), "node-" + i, nodes.get(i), data.resolve("node-" + i + ".log"));
    }

    /** Cuts node {@code i} off from the other two nodes, both ways (this JVM still reaches every node). */
    void isolate(int i) throws Exception {
        routes("add", i);
    }

    /** Undoes {@link #isolate}. */
    void heal(int i) throws Exception {
        routes("del", i);
    }

    private void routes(String action, int i) throws Exception {
        for (int other = 0; other < 3; other++) {
            if (other != i) {
                ip("-n", ns(i), "route", action, "blackhole", address(other) + "/32");
                ip("-n", ns(other), "route", action, "blackhole", address(i) + "/32");
            }
        }
    }

    /** An AWS SDK client of node {@code i}, without retries (every answer is seen). */
    S3Client client(int i) {
        return LocalCluster.client(s3(i), false, Duration.ofSeconds(60));
    }

    /** {@code GET /admin/v1/cluster/replicas} of node {@code i}: its replicas' applied index and digest. */
    JsonNode replicas(int i) throws Exception {
        return JsonNode.parser()
                .parse(MeteringSupport.admin(admin(i), "/admin/v1/cluster/replicas")
                        .body());
    }

    /** Stops the nodes (SIGTERM, then SIGKILL after 30 s) and removes the namespaces, bridge and links. */
    void close() throws Exception {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
            }
        }
        teardown();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private void teardown() {
        for (Process node : nodes) {
            node.destroyForcibly();
        }
        for (int i = 0; i < 3; i++) {
            quietly("netns", "del", ns(i));
        }
        quietly("link", "del", bridge());
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (Exception e) {
            // already gone
        }
    }
}
