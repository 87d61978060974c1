package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Durability: a graceful restart keeps everything; a kill -9 keeps every acknowledged write and no partial one. */
class RestartAndCrashIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    void everythingWrittenIsReadableAfterAGracefulRestart() {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket("durable"));
        for (int i = 0; i < 50; i++) {
            int n = i;
            s3.putObject(b -> b.bucket("durable").key("obj/" + n), RequestBody.fromBytes(content("obj/" + n)));
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket("durable").key("pending"))
                .uploadId();
        server.stop();
        server.start();
        S3Client again = server.client();
        for (int i = 0; i < 50; i++) {
            int n = i;
            assertThat(again.getObjectAsBytes(b -> b.bucket("durable").key("obj/" + n))
                            .asByteArray())
                    .isEqualTo(content("obj/" + n));
        }
        assertThat(again.listObjectsV2(b -> b.bucket("durable")).keyCount()).isEqualTo(50);
        assertThat(again.listMultipartUploads(b -> b.bucket("durable")).uploads())
                .extracting(u -> u.uploadId())
                .containsExactly(uploadId);
    }

    /** Content derived from the key, so any object found later can be checked without a record of it. */
    static byte[] content(String key) {
        Random r = new Random(key.hashCode());
        // About a third of the objects reach the engine's file threshold (1 MiB): their bytes go to data files of
        // their own rather than through the WAL; one in ten is several chunks long.
        byte[] data = new byte[r.nextInt(10) == 0 ? 9_000_000 + r.nextInt(1000) : 1 + r.nextInt(1_500_000)];
        r.nextBytes(data);
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, data, 0, Math.min(name.length, data.length));
        return data;
    }

    @Test
    void killDashNineLosesNoAcknowledgedWriteAndLeavesNoPartialObject(@TempDir Path data) throws Exception {
        int port = ServerProcess.freePort();
        Process first = startProcess(data, port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try {
            S3Client s3 = client(port);
            s3.createBucket(b -> b.bucket("crash"));
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService writers = Executors.newFixedThreadPool(4);
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                running.add(writers.submit(() -> {
                    for (int i = 0; i < 100_000 && !stop.get(); i++) {
                        String key = "w" + writer + "/" + i;
                        try {
                            s3.putObject(b -> b.bucket("crash").key(key), RequestBody.fromBytes(content(key)));
                            acknowledged.add(key);
                        } catch (RuntimeException e) {
                            return; // the server died under us
                        }
                    }
                }));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (acknowledged.size() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            stop.set(true);
            writers.shutdown();
            assertThat(writers.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            for (Future<?> writer : running) {
                writer.get(); // a writer that failed otherwise than by the server's death fails the test
            }
        } finally {
            first.destroyForcibly();
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(40);

        Process second = startProcess(data, port);
        try {
            S3Client s3 = client(port);
            for (String key : acknowledged) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket("crash").key(key)).asByteArray())
                        .as(key)
                        .isEqualTo(content(key));
            }
            List<String> listed = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket("crash")).contents().forEach(o -> listed.add(o.key()));
            assertThat(listed).containsAll(acknowledged);
            // Objects in flight at the kill are either absent or whole, never partial.
            long fileBacked = 0;
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket("crash")).contents()) {
                assertThat(s3.getObjectAsBytes(b -> b.bucket("crash").key(o.key()))
                                .asByteArray())
                        .as(o.key())
                        .isEqualTo(content(o.key()));
                fileBacked += o.size() >= (1 << 20) ? 1 : 0;
            }
            // The data files of uploads cut by the kill are reclaimed after the restart: in the end there is one
            // file per object that has one.
            assertThat(fileBacked).isPositive();
            long files = dataFiles(data);
            for (int i = 0; i < 100 && files != fileBacked; i++) {
                Thread.sleep(100);
                files = dataFiles(data);
            }
            assertThat(files).isEqualTo(fileBacked);
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    /** Data files under the partitions' {@code objects} folders. */
    private static long dataFiles(Path data) throws IOException {
        long count = 0;
        // Only the objects folders: RocksDB's own files come and go under compaction while a walk runs.
        try (Stream<Path> partitions = Files.list(data.resolve("partitions"))) {
            for (Path objects : partitions
                    .map(p -> p.resolve("objects"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> walk = Files.walk(objects)) {
                    count += walk.filter(Files::isRegularFile).count();
                }
            }
        }
        return count;
    }

    private static Process startProcess(Path data, int port) throws Exception {
        return ServerProcess.start(data, port, port, "--admin-port", Integer.toString(ServerProcess.freePort()));
    }

    private static S3Client client(int port) {
        return S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY)))
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(60)))
                .build();
    }
}
