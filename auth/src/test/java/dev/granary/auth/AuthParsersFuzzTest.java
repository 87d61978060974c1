package dev.granary.auth;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.granary.auth.access.AccessRequest;
import dev.granary.auth.access.BucketPolicy;
import dev.granary.auth.access.MalformedPolicyException;
import dev.granary.auth.access.Requester;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the auth module's parsers of untrusted input (Jazzer). Each target may refuse its input
 * only with the exception that becomes an S3 error (AuthException and its subclasses, PayloadException for bodies);
 * anything else thrown, and any hang, is a finding. The kept corpus (src/test/resources/.../*Inputs/) runs in
 * every test run; {@code mvn -Pfuzz} fuzzes each target for minutes (see the README).
 */
class AuthParsersFuzzTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String ACCESS_KEY = "AKIAFUZZFUZZFUZZ";
    private static final String SECRET = "fuzz/secret+key=chars";
    private static final Principal PRINCIPAL = new Principal("f".repeat(64), "fuzzer", ACCESS_KEY);
    private static final RequestVerifier VERIFIER = new RequestVerifier(
            StaticCredentialStore.of(new Credentials(ACCESS_KEY, SECRET, "f".repeat(64), "fuzzer", true)),
            "us-east-1",
            CLOCK);
    private static final String[] PAYLOAD_MODES = {
        "UNSIGNED-PAYLOAD",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    };

    /**
     * SigV4 (Authorization header and presigned query) and SigV2 (header and query) parsing: a request whose
     * method, path, query and headers are the fuzzer's, often around a well-formed skeleton so that the parsers
     * get past their first checks.
     */
    @FuzzTest
    void signedRequests(FuzzedDataProvider data) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String method = data.pickValue(new String[] {"GET", "PUT", "POST", "HEAD", "DELETE", data.consumeString(8)});
        String path = "/" + data.consumeString(64);
        String query = data.consumeBoolean() ? null : data.consumeString(400);
        headers.put("host", List.of("127.0.0.1:9000"));
        headers.put("x-amz-date", List.of(data.consumeBoolean() ? "20261206T120000Z" : data.consumeString(24)));
        headers.put(
                "x-amz-content-sha256",
                List.of(data.consumeBoolean() ? data.pickValue(PAYLOAD_MODES) : data.consumeString(80)));
        switch (data.consumeInt(0, 3)) {
            case 0 ->
                headers.put(
                        "authorization",
                        List.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/" + data.consumeString(60)
                                + ", SignedHeaders=" + data.consumeString(80) + ", Signature="
                                + data.consumeString(80)));
            case 1 -> headers.put("authorization", List.of("AWS " + ACCESS_KEY + ":" + data.consumeString(40)));
            case 2 -> headers.put("authorization", List.of(data.consumeString(300)));
            default -> {}
        }
        int more = data.consumeInt(0, 6);
        for (int i = 0; i < more; i++) {
            headers.computeIfAbsent(data.consumeString(24).toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                    .add(data.consumeString(100));
        }
        if (data.consumeBoolean()) {
            query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + ACCESS_KEY + "%2F" + data.consumeString(60)
                    + "&X-Amz-Date=" + data.consumeString(20) + "&X-Amz-Expires=" + data.consumeString(12)
                    + "&X-Amz-SignedHeaders=" + data.consumeString(40) + "&X-Amz-Signature=" + data.consumeString(70)
                    + "&" + data.consumeRemainingAsString();
        }
        try {
            VERIFIER.verify(new SignableRequest(method, path, query, headers), data.consumeBoolean() ? "b" : null);
        } catch (AuthException expected) {
            // a refusal with an S3 error
        }
    }

    /**
     * aws-chunked bodies (with and without chunk signatures, with trailers and trailer signatures) and the checks
     * on the decoded body: read to the end, the body must end or fail with PayloadException.
     */
    @FuzzTest
    void chunkedBodies(FuzzedDataProvider data) {
        String mode = data.pickValue(PAYLOAD_MODES);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("x-amz-content-sha256", List.of(mode));
        headers.put("content-encoding", List.of("aws-chunked"));
        headers.put(
                "x-amz-decoded-content-length",
                List.of(
                        data.consumeBoolean()
                                ? Integer.toString(data.consumeInt(-1, 1 << 20))
                                : data.consumeString(24)));
        if (data.consumeBoolean()) {
            headers.put("x-amz-trailer", List.of(data.pickValue(new String[] {
                "x-amz-checksum-crc32",
                "x-amz-checksum-crc32c",
                "x-amz-checksum-sha256",
                "x-amz-checksum-crc64nvme",
                data.consumeString(30)
            })));
        }
        if (data.consumeBoolean()) {
            headers.put("content-md5", List.of(data.consumeString(30)));
        }
        if (data.consumeBoolean()) {
            headers.put("content-length", List.of(data.consumeString(12)));
        }
        SigningContext signing = mode.startsWith("STREAMING-AWS4")
                ? new SigningContext(
                        SigV4.signingKey(SECRET, "20261206", "us-east-1", "s3"),
                        "20261206T120000Z",
                        "20261206/us-east-1/s3/aws4_request",
                        "0".repeat(64))
                : null;
        String sha = mode.startsWith("STREAMING") || mode.equals("UNSIGNED-PAYLOAD") ? null : mode;
        SignableRequest request = new SignableRequest("PUT", "/b/k", null, headers);
        try {
            PayloadMode payloadMode = PayloadMode.fromContentSha256(mode);
            AuthResult auth = new AuthResult(PRINCIPAL, payloadMode, sha, signing);
            DecodedBody body =
                    new PayloadDecoder().open(auth, request, new ByteArrayInputStream(data.consumeRemainingAsBytes()));
            drain(body.stream());
        } catch (AuthException | PayloadException expected) {
            // a refusal with an S3 error
        } catch (IOException e) {
            throw new AssertionError("an in-memory body failed with a plain IOException", e);
        }
    }

    /** POST policy documents (base64 JSON) and their check against the form's fields. */
    @FuzzTest
    void postPolicies(FuzzedDataProvider data) {
        String json = data.consumeString(4000);
        String encoded = data.consumeBoolean()
                ? Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))
                : json;
        Map<String, String> fields = new LinkedHashMap<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            fields.put(data.consumeString(20).toLowerCase(java.util.Locale.ROOT), data.consumeString(60));
        }
        try {
            PostPolicy.parse(PRINCIPAL, encoded).check("bucket", fields, NOW);
        } catch (AuthException expected) {
            // a refusal with an S3 error
        }
    }

    /** Bucket policy documents; one that parses is also evaluated. */
    @FuzzTest
    void bucketPolicies(FuzzedDataProvider data) {
        String action = data.consumeString(40);
        String json = data.consumeRemainingAsString();
        BucketPolicy policy;
        try {
            policy = BucketPolicy.parse(json, "bucket");
        } catch (MalformedPolicyException expected) {
            return;
        }
        policy.isPublic();
        policy.evaluate(new AccessRequest(
                Requester.ANONYMOUS,
                "s3:" + action,
                "arn:aws:s3:::bucket/key",
                Map.of("aws:sourceip", List.of("10.0.0.1"))));
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
            // read to the end: the checks run as the body ends
        }
    }
}
