package dev.granary.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A Granary server in its own JVM, for tests that kill it with SIGKILL (a crash) and start it again. */
final class ServerProcess {
    private ServerProcess() {}

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Starts {@code granary server} on 127.0.0.1 with the test credentials and waits (up to 60 s) until
     * {@code healthPort}'s /health answers 200. Output goes to {@code <data>-server.log} beside the data folder.
     */
    static Process start(Path data, int port, int healthPort, String... extraArgs) throws Exception {
        return start(
                Map.of(
                        "GRANARY_ROOT_USER", GranaryServerExtension.ACCESS_KEY,
                        "GRANARY_ROOT_PASSWORD", GranaryServerExtension.SECRET_KEY),
                data,
                port,
                healthPort,
                extraArgs);
    }

    /** Starts a server as above with {@code env} added to (or, with an empty value, removed from) its environment. */
    static Process start(Map<String, String> env, Path data, int port, int healthPort, String... extraArgs)
            throws Exception {
        return start(env, HttpClient.newHttpClient(), "http", data, port, healthPort, extraArgs);
    }

    /** Starts a server as above that serves HTTPS (the TLS flags are among {@code extraArgs}) under {@code ca}. */
    static Process startTls(TestCertificates ca, Path data, int port, String... extraArgs) throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, ca.trustManagers(), null);
        return start(
                Map.of(
                        "GRANARY_ROOT_USER", GranaryServerExtension.ACCESS_KEY,
                        "GRANARY_ROOT_PASSWORD", GranaryServerExtension.SECRET_KEY),
                HttpClient.newBuilder().sslContext(context).build(),
                "https",
                data,
                port,
                port,
                extraArgs);
    }

    private static Process start(
            Map<String, String> env,
            HttpClient http,
            String scheme,
            Path data,
            int port,
            int healthPort,
            String... extraArgs)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = data.resolveSibling(data.getFileName() + "-server.log");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "dev.granary.Main",
                "server",
                "--address",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--data",
                data.toString()));
        command.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        env.forEach((name, value) -> {
            if (value.isEmpty()) {
                pb.environment().remove(name);
            } else {
                pb.environment().put(name, value);
            }
        });
        Process process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(scheme + "://localhost:" + healthPort + "/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("server did not start: " + Files.readString(log));
    }
}
