package dev.granary.it;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Starts a real Granary on 127.0.0.1 with an ephemeral port and a temporary data folder for an IT class, and
 * hands out real AWS SDK clients configured for it.
 */
public final class GranaryServerExtension implements BeforeAllCallback, AfterAllCallback {
    static final String ACCESS_KEY = "itaccesskey";
    static final String SECRET_KEY = "itsecretkey/with+special=chars";

    /**
     * The configuration of a server on ephemeral loopback ports over {@code data}, with {@code more} flags, and the
     * test's root credentials (as {@code granary server} would parse them).
     */
    static GranaryConfig config(Path data, Map<String, String> moreEnv, String... more) {
        List<String> flags = new ArrayList<>(
                List.of("--address", "127.0.0.1", "--port", "0", "--admin-port", "0", "--data", data.toString()));
        flags.addAll(List.of(more));
        Map<String, String> env = new HashMap<>(moreEnv);
        env.put("GRANARY_ROOT_USER", ACCESS_KEY);
        env.put("GRANARY_ROOT_PASSWORD", SECRET_KEY);
        return GranaryConfig.parse(flags.toArray(String[]::new), env);
    }

    private final boolean tls;
    private Path dataDir;
    private Granary granary;
    private TestCertificates certificates;

    /** A server on plain HTTP. */
    public GranaryServerExtension() {
        this(false);
    }

    private GranaryServerExtension(boolean tls) {
        this.tls = tls;
    }

    /**
     * A server on HTTPS with a certificate for localhost, 127.0.0.1 and {@code *.localhost} from a test CA
     * ({@link #certificates()}) that its clients trust.
     */
    public static GranaryServerExtension withTls() {
        return new GranaryServerExtension(true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("granary-it");
        if (tls) {
            certificates = new TestCertificates(dataDir.resolveSibling(dataDir.getFileName() + "-tls"));
            certificates.issueServer("localhost", false, "localhost", "*.localhost", "127.0.0.1");
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop();
        delete(dataDir);
        if (certificates != null) {
            delete(certificates.caFile().getParent());
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** The test CA of a server {@link #withTls()}, null for plain HTTP. */
    TestCertificates certificates() {
        return certificates;
    }

    /** Starts (again) on the same data folder; a new port is picked. */
    void start() {
        granary = Granary.start(config(0));
    }

    /** Stops gracefully. */
    void stop() {
        if (granary != null) {
            granary.close();
            granary = null;
        }
    }

    GranaryConfig config(int port) {
        GranaryConfig config = new GranaryConfig(
                "127.0.0.1", port, dataDir, 8, "us-east-1", "localhost", ACCESS_KEY, SECRET_KEY, true);
        return tls ? config.withTls(certificates.chainFile(), certificates.keyFile(), Duration.ofSeconds(1)) : config;
    }

    private String scheme() {
        return tls ? "https" : "http";
    }

    /** The HTTP client of the SDK clients: it trusts the test CA of a server {@link #withTls()}. */
    UrlConnectionHttpClient.Builder httpClient() {
        UrlConnectionHttpClient.Builder builder = UrlConnectionHttpClient.builder();
        if (tls) {
            builder.tlsTrustManagersProvider(certificates::trustManagers);
        }
        return builder;
    }

    Path dataDir() {
        return dataDir;
    }

    /** The running node. */
    Granary granary() {
        return granary;
    }

    /** The admin listener (usage API, /metrics). */
    /** The access-log line of a request, by its id, once the log writer has written it (within 20 s). */
    public String accessLogLine(String requestId) throws Exception {
        Path log = dataDir().resolve("access-logs").resolve("access.log");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(log)) {
                for (String line : java.nio.file.Files.readAllLines(log)) {
                    if (line.contains(" " + requestId + " ")) {
                        return line;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no access-log line for request " + requestId);
    }

    public URI adminUri() {
        return URI.create(scheme() + "://127.0.0.1:" + granary.adminPort());
    }

    /** Writes metering's counts durably now. */
    void flushMetering() {
        granary.flushMetering();
    }

    public URI uri() {
        return URI.create(scheme() + "://127.0.0.1:" + granary.port());
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
    }

    /** A sync client with the SDK's defaults (CRC32 checksums, aws-chunked trailers for streaming bodies). */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .httpClient(httpClient().socketTimeout(Duration.ofSeconds(60)).build())
                .build();
    }

    /** A client that signs payloads with chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD...): no TLS. */
    public S3Client chunkedSigningClient() {
        return S3Client.builder()
                .endpointOverride(uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .serviceConfiguration(
                        S3Configuration.builder().chunkedEncodingEnabled(true).build())
                .httpClient(httpClient().build())
                .build();
    }

    /** An async client that splits uploads above 8 MiB into 8 MiB parts (the SDK's Java multipart client). */
    public S3AsyncClient asyncClient() {
        return S3AsyncClient.builder()
                .multipartEnabled(true)
                .multipartConfiguration(
                        m -> m.thresholdInBytes(8L * 1024 * 1024).minimumPartSizeInBytes(8L * 1024 * 1024))
                .endpointOverride(uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .build();
    }

    public S3Presigner presigner() {
        return S3Presigner.builder()
                .endpointOverride(uri())
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }
}
