package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Session credentials over the admin API (the console signs in so): {@code POST /admin/v1/sessions} signed with a
 * user's long-term key answers a short-lived key, secret and token that the AWS SDK uses unchanged
 * ({@code AwsSessionCredentials}); they act for that user (root's reach the admin API, a user's do not), are refused
 * without their token or with another, beget no other session, and stop working at sign-out.
 */
class SessionsIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Session credentials as the admin API answered them. */
    record Session(String accessKey, String secretKey, String token, String expiration) {}

    /** An admin request signed with {@code accessKey} (and its session token when one is given). */
    static HttpResponse<String> admin(
            String method, String path, String body, String accessKey, String secret, String token) throws Exception {
        URI admin = server.adminUri();
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:" + admin.getPort()));
        if (token != null) {
            headers.put("x-amz-security-token", List.of(token));
        }
        SignableRequest signed = new SigV4Signer(accessKey, secret, "us-east-1")
                .sign(new SignableRequest(method, path, null, headers), SignedHttp.sha256Hex(bytes), Instant.now());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
        signed.headers().forEach((name, values) -> {
            if (!name.equals("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Session signIn(String accessKey, String secret, String body) throws Exception {
        HttpResponse<String> r = admin("POST", "/admin/v1/sessions", body, accessKey, secret, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.headers().firstValue("cache-control")).contains("no-store");
        return new Session(
                UsersIT.field(r.body(), "accessKeyId"),
                UsersIT.field(r.body(), "secretAccessKey"),
                UsersIT.field(r.body(), "sessionToken"),
                UsersIT.field(r.body(), "expiration"));
    }

    private static S3Client client(Session session) {
        return S3Client.builder()
                .endpointOverride(server.uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsSessionCredentials.create(session.accessKey(), session.secretKey(), session.token())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static void assertS3Error(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }

    @Test
    void aRootSessionActsAsRootThroughS3AndTheAdminApiUntilSignOut() throws Exception {
        Session session = signIn(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, null);
        assertThat(session.accessKey()).startsWith("GSES").isNotEqualTo(GranaryServerExtension.ACCESS_KEY);
        assertThat(Duration.between(Instant.now(), Instant.parse(session.expiration())))
                .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        try (S3Client s3 = client(session)) {
            s3.createBucket(b -> b.bucket("session-root"));
            s3.putObject(b -> b.bucket("session-root").key("k"), RequestBody.fromString("through a session"));
            assertThat(server.client()
                            .getObjectAsBytes(b -> b.bucket("session-root").key("k"))
                            .asUtf8String())
                    .isEqualTo("through a session");
            assertThat(s3.listBuckets().owner().id())
                    .isEqualTo(server.client().listBuckets().owner().id());
        }
        HttpResponse<String> users =
                admin("GET", "/admin/v1/users", null, session.accessKey(), session.secretKey(), session.token());
        assertThat(users.statusCode()).as(users.body()).isEqualTo(200);

        // A presigned URL of the session carries its token in the query; the access log keeps neither token nor
        // signature.
        try (software.amazon.awssdk.services.s3.presigner.S3Presigner presigner =
                software.amazon.awssdk.services.s3.presigner.S3Presigner.builder()
                        .endpointOverride(server.uri())
                        .region(Region.US_EAST_1)
                        .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                                .pathStyleAccessEnabled(true)
                                .build())
                        .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create(
                                session.accessKey(), session.secretKey(), session.token())))
                        .build()) {
            URI url = presigner
                    .presignGetObject(b -> b.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket("session-root").key("k")))
                    .url()
                    .toURI();
            assertThat(url.getRawQuery()).contains("X-Amz-Security-Token=");
            HttpResponse<String> fetched =
                    HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
            assertThat(fetched.body()).isEqualTo("through a session");
            String line = server.accessLogLine(
                    fetched.headers().firstValue("x-amz-request-id").orElseThrow());
            assertThat(line).contains("X-Amz-Security-Token=-").contains("X-Amz-Signature=-");
            assertThat(line).doesNotContain(session.token());
        }

        // Without its token, or with another, the session's key is refused; a session begets no other.
        try (S3Client bare = UsersIT.client(server.uri(), session.accessKey(), session.secretKey())) {
            assertS3Error(() -> bare.listBuckets(), 403, "InvalidAccessKeyId");
        }
        Session forged = new Session(session.accessKey(), session.secretKey(), session.token() + "x", null);
        try (S3Client wrong = client(forged)) {
            assertS3Error(() -> wrong.listBuckets(), 400, "InvalidToken");
        }
        HttpResponse<String> another =
                admin("POST", "/admin/v1/sessions", null, session.accessKey(), session.secretKey(), session.token());
        assertThat(another.statusCode()).as(another.body()).isEqualTo(403);

        // Sign-out ends the session at once.
        HttpResponse<String> out = admin(
                "DELETE",
                "/admin/v1/sessions/current",
                null,
                session.accessKey(),
                session.secretKey(),
                session.token());
        assertThat(out.statusCode()).as(out.body()).isEqualTo(204);
        try (S3Client after = client(session)) {
            assertS3Error(() -> after.listBuckets(), 403, "InvalidAccessKeyId");
        }
        server.client().deleteObject(b -> b.bucket("session-root").key("k"));
        server.client().deleteBucket(b -> b.bucket("session-root"));
    }

    @Test
    void aUsersSessionActsAsThatUserAndIsRefusedTheAdminPages() throws Exception {
        UsersIT.Created dora = UsersIT.createUser(server.adminUri(), "dora");
        Session session = signIn(dora.accessKey(), dora.secretKey(), "{\"durationSeconds\": 900}");
        assertThat(Duration.between(Instant.now(), Instant.parse(session.expiration())))
                .isBetween(Duration.ofMinutes(14), Duration.ofMinutes(16));
        server.client().createBucket(b -> b.bucket("session-roots-own"));
        try (S3Client s3 = client(session)) {
            s3.createBucket(b -> b.bucket("session-doras"));
            assertThat(s3.listBuckets().buckets())
                    .extracting(software.amazon.awssdk.services.s3.model.Bucket::name)
                    .containsExactly("session-doras");
            assertThat(s3.listBuckets().owner().id()).isEqualTo(dora.canonicalId());
            assertS3Error(() -> s3.listObjectsV2(b -> b.bucket("session-roots-own")), 403, "AccessDenied");
            s3.deleteBucket(b -> b.bucket("session-doras"));
        }
        HttpResponse<String> users =
                admin("GET", "/admin/v1/users", null, session.accessKey(), session.secretKey(), session.token());
        assertThat(users.statusCode()).as(users.body()).isEqualTo(403);
        assertThat(UsersIT.field(users.body(), "code")).isEqualTo("AccessDenied");

        for (String bad : List.of("{\"durationSeconds\": 60}", "{\"durationSeconds\": 99999}", "{\"x\": 1}", "[]")) {
            HttpResponse<String> r = admin("POST", "/admin/v1/sessions", bad, dora.accessKey(), dora.secretKey(), null);
            assertThat(r.statusCode()).as(bad + ": " + r.body()).isEqualTo(400);
        }
        HttpResponse<String> anonymous = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/v1/sessions"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(403);
        server.client().deleteBucket(b -> b.bucket("session-roots-own"));
    }
}
