package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.SigV4Signer;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

class AuthIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "auth";
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    private S3Client clientWith(String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(server.uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Test
    void presignedGetAndPutWorkThroughAPlainHttpClient() throws Exception {
        URL put = server.presigner()
                .presignPutObject(p -> p.signatureDuration(Duration.ofMinutes(10))
                        .putObjectRequest(b -> b.bucket(BUCKET).key("pre signed/ü.txt")))
                .url();
        HttpResponse<String> putResponse = http.send(
                HttpRequest.newBuilder(put.toURI())
                        .PUT(HttpRequest.BodyPublishers.ofString("browser bytes"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(putResponse.statusCode()).isEqualTo(200);
        URL get = server.presigner()
                .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(10))
                        .getObjectRequest(b -> b.bucket(BUCKET).key("pre signed/ü.txt")))
                .url();
        HttpResponse<String> getResponse =
                http.send(HttpRequest.newBuilder(get.toURI()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(getResponse.statusCode()).isEqualTo(200);
        assertThat(getResponse.body()).isEqualTo("browser bytes");
        // Tampering with the URL breaks the signature.
        HttpResponse<String> tampered = http.send(
                HttpRequest.newBuilder(URI.create(get.toString().replace("pre%20signed", "pre%20signet")))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void expiredPresignedUrlIsRefused() throws Exception {
        server.client().putObject(b -> b.bucket(BUCKET).key("expiring"), RequestBody.fromString("x"));
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        String host = "127.0.0.1:" + server.uri().getPort();
        String query = signer.presign(
                "GET",
                "/" + BUCKET + "/expiring",
                null,
                host,
                Duration.ofSeconds(60),
                Instant.now().minusSeconds(120));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET + "/expiring?" + query))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>AccessDenied</Code>").contains("expired");
    }

    @Test
    void presignedUrlLongerThanSevenDaysIsRefused() throws Exception {
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        String host = "127.0.0.1:" + server.uri().getPort();
        String query = signer.presign("GET", "/" + BUCKET + "/x", null, host, Duration.ofDays(8), Instant.now());
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET + "/x?" + query))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>AuthorizationQueryParametersError</Code>");
    }

    @Test
    void wrongSecretFailsWithSignatureDoesNotMatch() {
        assertThatThrownBy(() -> clientWith(GranaryServerExtension.ACCESS_KEY, "wrong-secret")
                        .listBuckets())
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(403);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SignatureDoesNotMatch");
                });
    }

    @Test
    void unknownAccessKeyFailsWithInvalidAccessKeyId() {
        assertThatThrownBy(() -> clientWith("nobody", "secret").listBuckets())
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAccessKeyId"));
    }

    private HttpResponse<String> sendSigned(String method, String path, byte[] body, String payloadHash, Instant time)
            throws Exception {
        return new SignedHttp(server).send(method, path, body, payloadHash, time, Map.of());
    }

    @Test
    void requestsSignedFarFromNowFailWithRequestTimeTooSkewed() throws Exception {
        HttpResponse<String> response = sendSigned(
                "GET", "/", new byte[0], sha256Hex(new byte[0]), Instant.now().minus(Duration.ofMinutes(20)));
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>RequestTimeTooSkewed</Code>");
    }

    @Test
    void payloadNotMatchingTheSignedHashIsRejectedAndNotStored() throws Exception {
        byte[] body = "actual".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = sendSigned(
                "PUT",
                "/" + BUCKET + "/tampered",
                body,
                sha256Hex("declared".getBytes(StandardCharsets.UTF_8)),
                Instant.now());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>XAmzContentSHA256Mismatch</Code>");
        assertThat(server.client()
                        .listObjectsV2(b -> b.bucket(BUCKET).prefix("tampered"))
                        .keyCount())
                .isZero();
        HttpResponse<String> ok =
                sendSigned("PUT", "/" + BUCKET + "/signed-hash", body, sha256Hex(body), Instant.now());
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void expectContinueUploadsWork() {
        S3Client apache = S3Client.builder()
                .endpointOverride(server.uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(server.credentials())
                .httpClient(
                        Apache5HttpClient.builder().expectContinueEnabled(true).build())
                .build();
        byte[] data = ObjectIT.randomBytes(2_000_000, 77);
        apache.putObject(b -> b.bucket(BUCKET).key("continued"), RequestBody.fromBytes(data));
        assertThat(apache.getObjectAsBytes(b -> b.bucket(BUCKET).key("continued"))
                        .asByteArray())
                .isEqualTo(data);
    }

    private static String sha256Hex(byte[] data) throws Exception {
        return SignedHttp.sha256Hex(data);
    }
}
