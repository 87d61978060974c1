package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a server process writes and loads at start: no secret in its log, no native code it did not verify. */
class LaunchSafetyIT {
    @TempDir
    Path temp;

    @Test
    void theDefaultRootSecretIsNeverLogged() throws Exception {
        // Empty values remove the variables: the server falls back to the default credentials.
        Process server = startWith(Map.of("GRANARY_ROOT_USER", "", "GRANARY_ROOT_PASSWORD", ""));
        try {
            String log = Files.readString(temp.resolve("data-server.log"));
            // The default secret is the default access key's own text: the key is named once, and only as a key.
            assertThat(log).contains("root access key 'granaryadmin' with the default secret");
            assertThat(log.split("granaryadmin", -1)).hasSize(2);
            assertThat(log).doesNotContainIgnoringCase("secret key '");
        } finally {
            stop(server);
        }
    }

    @Test
    void aCachedRocksDbLibraryThatDiffersFromTheJarsIsReplacedBeforeItIsLoaded() throws Exception {
        Path data = temp.resolve("data");
        int port = ServerProcess.freePort();
        String[] admin = {"--admin-port", Integer.toString(ServerProcess.freePort())};
        stop(ServerProcess.start(data, port, port, admin));
        Path library;
        try (Stream<Path> files = Files.walk(data.resolve("native"))) {
            library = files.filter(p -> p.getFileName().toString().endsWith(".so"))
                    .findFirst()
                    .orElseThrow();
        }
        byte[] original = jarEntry(Files.size(library));
        assertThat(Files.readAllBytes(library)).isEqualTo(original);
        // A replaced library of the same size, as someone able to write into the data folder could leave it.
        byte[] tampered = original.clone();
        for (int i = tampered.length / 2; i < tampered.length / 2 + 4096; i++) {
            tampered[i] ^= 0x5a;
        }
        Files.write(library, tampered);

        Process server = ServerProcess.start(data, port, port, admin);
        try {
            assertThat(Files.readAllBytes(library)).isEqualTo(original);
            assertThat(Files.getPosixFilePermissions(data.resolve("native")))
                    .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        } finally {
            stop(server);
        }
    }

    @Test
    void onTwoCoresTheCommonPoolKeepsThreadsInsteadOfStartingOnePerTask() throws Exception {
        // As a container with a two-CPU quota sees the machine: the JDK would give its common pool one thread, and
        // then start a thread for every asynchronous step (Ratis's follower appends among them).
        Process server = startWith(Map.of(
                "GRANARY_ROOT_USER", "it-access",
                "GRANARY_ROOT_PASSWORD", "it-secret-key",
                "JAVA_TOOL_OPTIONS", "-XX:ActiveProcessorCount=2"));
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(server.pid()),
                            "VM.system_properties")
                    .redirectErrorStream(true)
                    .start();
            String properties =
                    new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(jcmd.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(properties).contains("java.util.concurrent.ForkJoinPool.common.parallelism=2");
        } finally {
            stop(server);
        }
    }

    /** A server on a fresh data folder and free ports, with {@code env} over the test's environment. */
    private Process startWith(Map<String, String> env) throws Exception {
        int port = ServerProcess.freePort();
        return ServerProcess.start(
                env, temp.resolve("data"), port, port, "--admin-port", Integer.toString(ServerProcess.freePort()));
    }

    /** The native library of {@code size} bytes in RocksDB's jar on the class path (the server caches it). */
    private static byte[] jarEntry(long size) throws Exception {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator, -1)) {
            if (entry.contains("rocksdbjni")) {
                try (JarFile jar = new JarFile(entry)) {
                    JarEntry library = jar.stream()
                            .filter(e -> e.getName().startsWith("librocksdbjni") && e.getSize() == size)
                            .findFirst()
                            .orElseThrow();
                    try (InputStream in = jar.getInputStream(library)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        throw new IllegalStateException("no rocksdbjni jar on the class path");
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
        assertThat(List.of(server.isAlive())).containsExactly(false);
    }
}
