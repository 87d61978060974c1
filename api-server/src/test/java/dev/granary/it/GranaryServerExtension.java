package dev.granary.it;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
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

    private Path dataDir;
    private Granary granary;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("granary-it");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
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
        return new GranaryConfig(
                "127.0.0.1", port, dataDir, 8, "us-east-1", "localhost", ACCESS_KEY, SECRET_KEY, true);
    }

    Path dataDir() {
        return dataDir;
    }

    /** The running node. */
    Granary granary() {
        return granary;
    }

    /** The admin listener (usage API, /metrics). */
    public URI adminUri() {
        return URI.create("http://127.0.0.1:" + granary.adminPort());
    }

    /** Writes metering's counts durably now. */
    void flushMetering() {
        granary.flushMetering();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + granary.port());
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
                .httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .build();
    }

    /** A client that signs payloads with chunk signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD...): no TLS. */
    public S3Client chunkedSigningClient() {
        return S3Client.builder()
                .endpointOverride(uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder()
                        .chunkedEncodingEnabled(true)
                        .build())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** An async client that splits uploads above 8 MiB into 8 MiB parts (the SDK's Java multipart client). */
    public S3AsyncClient asyncClient() {
        return S3AsyncClient.builder()
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.thresholdInBytes(8L * 1024 * 1024).minimumPartSizeInBytes(8L * 1024 * 1024))
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
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }
}
