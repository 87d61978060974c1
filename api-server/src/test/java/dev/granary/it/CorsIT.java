package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.GetBucketCorsResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Put/Get/DeleteBucketCors, unauthenticated preflights, and CORS headers on actual responses and errors. */
class CorsIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    /** Has rules: a wildcard-subdomain rule first, then one for every origin. */
    private static final String BUCKET = "cors-bucket";
    /** Has no CORS configuration. */
    private static final String PLAIN = "cors-plain";

    private final S3Client s3 = server.client();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SignedHttp signed = new SignedHttp(server);

    @BeforeAll
    static void createBuckets() {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.createBucket(b -> b.bucket(PLAIN));
        s3.putBucketCors(b -> b.bucket(BUCKET)
                .corsConfiguration(c -> c.corsRules(
                        CORSRule.builder()
                                .id("app")
                                .allowedOrigins("https://*.example.com")
                                .allowedMethods("GET", "PUT", "POST", "HEAD")
                                .allowedHeaders("content-type", "x-amz-*")
                                .exposeHeaders("ETag", "x-amz-request-id")
                                .maxAgeSeconds(3000)
                                .build(),
                        CORSRule.builder()
                                .allowedOrigins("*")
                                .allowedMethods("GET")
                                .build())));
        s3.putObject(b -> b.bucket(BUCKET).key("hello.txt"), RequestBody.fromString("hello"));
        s3.putObject(b -> b.bucket(PLAIN).key("hello.txt"), RequestBody.fromString("hello"));
    }

    @Test
    void getBucketCorsReturnsTheRulesAsPut() {
        GetBucketCorsResponse cors = s3.getBucketCors(b -> b.bucket(BUCKET));

        assertThat(cors.corsRules()).hasSize(2);
        CORSRule first = cors.corsRules().get(0);
        assertThat(first.id()).isEqualTo("app");
        assertThat(first.allowedOrigins()).containsExactly("https://*.example.com");
        assertThat(first.allowedMethods()).containsExactly("GET", "PUT", "POST", "HEAD");
        assertThat(first.allowedHeaders()).containsExactly("content-type", "x-amz-*");
        assertThat(first.exposeHeaders()).containsExactly("ETag", "x-amz-request-id");
        assertThat(first.maxAgeSeconds()).isEqualTo(3000);
        assertThat(cors.corsRules().get(1).allowedOrigins()).containsExactly("*");
        assertThat(cors.corsRules().get(1).maxAgeSeconds()).isNull();
    }

    @Test
    void getBucketCorsWithoutConfigurationFailsWithNoSuchCorsConfiguration() {
        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket(PLAIN)))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchCORSConfiguration");
                });
    }

    @Test
    void deleteBucketCorsRemovesTheRulesAndTheirHeaders() throws Exception {
        String bucket = "cors-deleted";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketCors(b -> b.bucket(bucket)
                .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                        .allowedOrigins("*")
                        .allowedMethods("GET")
                        .build())));
        assertThat(preflight("/" + bucket + "/k", "https://a.test", "GET", null).statusCode())
                .isEqualTo(200);

        s3.deleteBucketCors(b -> b.bucket(bucket));
        s3.deleteBucketCors(b -> b.bucket(bucket));

        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket(bucket)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));
        assertThat(preflight("/" + bucket + "/k", "https://a.test", "GET", null).statusCode())
                .isEqualTo(403);
    }

    @Test
    void rulesGoWithTheirBucket() {
        String bucket = "cors-recreated";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketCors(b -> b.bucket(bucket)
                .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                        .allowedOrigins("*")
                        .allowedMethods("GET")
                        .build())));
        s3.deleteBucket(b -> b.bucket(bucket));
        s3.createBucket(b -> b.bucket(bucket));

        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket(bucket)))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchCORSConfiguration"));
    }

    @Test
    void unsupportedMethodFailsWithInvalidRequest() {
        assertThatThrownBy(() -> s3.putBucketCors(b -> b.bucket(PLAIN)
                        .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                                .allowedOrigins("*")
                                .allowedMethods("PATCH")
                                .build()))))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
                    assertThat(e.awsErrorDetails().errorMessage())
                            .isEqualTo("Found unsupported HTTP method in CORS config. Unsupported method is PATCH");
                });
    }

    @Test
    void invalidConfigurationsAreRejected() throws Exception {
        String noOrigin =
                "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
        String noRule = "<CORSConfiguration></CORSConfiguration>";
        String twoWildcards = "<CORSConfiguration><CORSRule><AllowedOrigin>https://*.*.test</AllowedOrigin>"
                + "<AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
        String badMaxAge = "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                + "<AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>";

        assertThat(putCors(noOrigin).body()).contains("<Code>MalformedXML</Code>");
        assertThat(putCors(noRule).body()).contains("<Code>MalformedXML</Code>");
        assertThat(putCors("<CORSConfiguration>").body()).contains("<Code>MalformedXML</Code>");
        assertThat(putCors(badMaxAge).body()).contains("<Code>MalformedXML</Code>");
        HttpResponse<String> wildcards = putCors(twoWildcards);
        assertThat(wildcards.statusCode()).isEqualTo(400);
        assertThat(wildcards.body())
                .contains("<Code>InvalidRequest</Code>")
                .contains("AllowedOrigin &quot;https://*.*.test&quot; can not have more than one wildcard.");
        assertThatThrownBy(() -> s3.getBucketCors(b -> b.bucket(PLAIN))).isInstanceOf(S3Exception.class);
    }

    @Test
    void matchingPreflightIsAnsweredWithoutCredentials() throws Exception {
        HttpResponse<String> r = preflight(
                "/" + BUCKET + "/photos/a.jpg", "https://app.example.com", "PUT", "Content-Type, X-Amz-Meta-Owner");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(header(r, "Access-Control-Allow-Methods")).isEqualTo("GET, PUT, POST, HEAD");
        assertThat(header(r, "Access-Control-Allow-Headers")).isEqualTo("content-type, x-amz-meta-owner");
        assertThat(header(r, "Access-Control-Expose-Headers")).isEqualTo("ETag, x-amz-request-id");
        assertThat(header(r, "Access-Control-Max-Age")).isEqualTo("3000");
        assertThat(header(r, "Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(header(r, "Vary")).contains("Origin");
    }

    @Test
    void preflightOnTheBucketItselfMatchesToo() throws Exception {
        HttpResponse<String> r = preflight("/" + BUCKET, "https://app.example.com", "POST", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void preflightFromAForeignOriginIsForbidden() throws Exception {
        // The "*" rule allows any origin, but only GET.
        HttpResponse<String> r = preflight("/" + BUCKET + "/k", "https://evil.test", "PUT", null);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body())
                .contains("<Code>AccessForbidden</Code>")
                .contains("CORSResponse: This CORS request is not allowed.");
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void preflightAskingForAHeaderNoRuleAllowsIsForbidden() throws Exception {
        HttpResponse<String> r = preflight("/" + BUCKET + "/k", "https://app.example.com", "PUT", "x-custom");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>AccessForbidden</Code>");
    }

    @Test
    void preflightOnABucketWithoutConfigurationIsForbidden() throws Exception {
        HttpResponse<String> r = preflight("/" + PLAIN + "/hello.txt", "https://app.example.com", "GET", null);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>AccessForbidden</Code>").contains("CORS is not enabled for this bucket");
    }

    @Test
    void preflightWithoutOriginOrMethodIsABadRequest() throws Exception {
        HttpResponse<String> noOrigin = preflight("/" + BUCKET + "/k", null, "GET", null);
        HttpResponse<String> noMethod = preflight("/" + BUCKET + "/k", "https://app.example.com", null, null);

        assertThat(noOrigin.statusCode()).isEqualTo(400);
        assertThat(noOrigin.body()).contains("<Code>BadRequest</Code>");
        assertThat(noMethod.statusCode()).isEqualTo(400);
        assertThat(noMethod.body()).contains("Invalid Access-Control-Request-Method");
    }

    @Test
    void wildcardOriginRuleAnswersStar() throws Exception {
        HttpResponse<String> r = preflight("/" + BUCKET + "/k", "https://anyone.test", "GET", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(r, "Access-Control-Allow-Methods")).isEqualTo("GET");
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    }

    @Test
    void actualGetCarriesCorsHeadersWithTheEtagExposed() throws Exception {
        HttpResponse<String> r = signed.send(
                "GET",
                "/" + BUCKET + "/hello.txt",
                new byte[0],
                SignedHttp.sha256Hex(new byte[0]),
                Instant.now(),
                Map.of("origin", "https://app.example.com"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(header(r, "Access-Control-Expose-Headers")).isEqualTo("ETag, x-amz-request-id");
        assertThat(header(r, "Vary")).contains("Origin");
    }

    @Test
    void aRequestNamingItsMethodIsMatchedOnThatMethod() throws Exception {
        // An unsigned PUT (refused) from an origin only the GET-for-everyone rule allows: with
        // Access-Control-Request-Method GET it is matched as a GET, with PUT (or none) it matches no rule.
        byte[] body = "x".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> asGet = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET + "/k"))
                        .header("Origin", "https://other.test")
                        .header("Access-Control-Request-Method", "GET")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asGet.statusCode()).isEqualTo(403);
        assertThat(header(asGet, "Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(header(asGet, "Access-Control-Allow-Methods")).isEqualTo("GET");
        HttpResponse<String> asPut = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET + "/k"))
                        .header("Origin", "https://other.test")
                        .header("Access-Control-Request-Method", "PUT")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(asPut.statusCode()).isEqualTo(403);
        assertThat(asPut.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void actualPutCarriesCorsHeaders() throws Exception {
        byte[] body = "put from a browser".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = signed.send(
                "PUT",
                "/" + BUCKET + "/from-browser.txt",
                body,
                SignedHttp.sha256Hex(body),
                Instant.now(),
                Map.of("origin", "https://app.example.com"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(header(r, "Access-Control-Expose-Headers")).contains("ETag");
    }

    @Test
    void errorResponsesCarryCorsHeadersToo() throws Exception {
        HttpResponse<String> missing = signed.send(
                "GET",
                "/" + BUCKET + "/no-such-key",
                new byte[0],
                SignedHttp.sha256Hex(new byte[0]),
                Instant.now(),
                Map.of("origin", "https://app.example.com"));
        HttpResponse<String> anonymous = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET + "/hello.txt"))
                        .header("Origin", "https://app.example.com")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(header(missing, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.body()).contains("<Code>AccessDenied</Code>");
        assertThat(header(anonymous, "Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    }

    @Test
    void noCorsHeadersWithoutAMatchingRuleOrConfiguration() throws Exception {
        HttpResponse<String> plain = signed.send(
                "GET",
                "/" + PLAIN + "/hello.txt",
                new byte[0],
                SignedHttp.sha256Hex(new byte[0]),
                Instant.now(),
                Map.of("origin", "https://app.example.com"));
        // The "*" rule allows only GET; a DELETE from a foreign origin matches no rule.
        HttpResponse<String> foreign = signed.send(
                "DELETE",
                "/" + BUCKET + "/nothing",
                new byte[0],
                SignedHttp.sha256Hex(new byte[0]),
                Instant.now(),
                Map.of("origin", "https://evil.test"));
        HttpResponse<String> noOrigin = signed.send("GET", "/" + BUCKET + "/hello.txt", new byte[0]);

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(foreign.statusCode()).isEqualTo(204);
        assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    private HttpResponse<String> putCors(String xml) throws Exception {
        return signed.send("PUT", "/" + PLAIN + "?cors", xml.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<String> preflight(String path, String origin, String method, String headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.uri() + path))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody());
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (method != null) {
            b.header("Access-Control-Request-Method", method);
        }
        if (headers != null) {
            b.header("Access-Control-Request-Headers", headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }
}
