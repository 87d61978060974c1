package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import dev.granary.it.RawConnection.Answer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The hostile-input run of issue 13 beyond HTTP framing ({@link HostileHttpIT}): XML attacks (entities, DTDs, deep
 * nesting), aws-chunked framing that lies, authentication attacks (replayed, forged, expired and skewed signatures),
 * and slow clients. Every case gets a well-formed S3 error, or a closed connection where the framing can no longer
 * be trusted; the server stays up; the object stored first is unchanged at the end and nothing else was stored.
 */
class HostileInputIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "hostile-input";
    private static final String KEPT = "kept";
    private static final byte[] KEPT_BYTES = "stored before the attacks".getBytes(StandardCharsets.UTF_8);
    private static String keptEtag;

    @BeforeAll
    static void storeAnObject() {
        server.client().createBucket(b -> b.bucket(BUCKET));
        keptEtag = server.client()
                .putObject(b -> b.bucket(BUCKET).key(KEPT), RequestBody.fromBytes(KEPT_BYTES))
                .eTag();
    }

    @AfterAll
    static void theStoredObjectIsUnchangedAndNothingElseWasStored() {
        List<S3Object> listed =
                server.client().listObjectsV2(b -> b.bucket(BUCKET)).contents();
        assertThat(listed).extracting(S3Object::key).containsExactly(KEPT);
        assertThat(listed.get(0).eTag()).isEqualTo(keptEtag);
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket(BUCKET).key(KEPT))
                        .asByteArray())
                .isEqualTo(KEPT_BYTES);
        // The entity attacks on PutBucketTagging stored no tag set.
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> server.client().getBucketTagging(b -> b.bucket(BUCKET)))
                .isInstanceOfSatisfying(
                        software.amazon.awssdk.services.s3.model.S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchTagSet"));
    }

    // ---- XML ----

    static Stream<Arguments> xmlAttacks() {
        String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">"
                + "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">]>"
                + "<Delete><Object><Key>&lol4;</Key></Object></Delete>";
        String external = "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + "<Tagging><TagSet><Tag><Key>k</Key><Value>&xxe;</Value></Tag></TagSet></Tagging>";
        String parameterEntity =
                "<?xml version=\"1.0\"?><!DOCTYPE t [<!ENTITY % p SYSTEM \"http://127.0.0.1:1/x\">%p;]>"
                        + "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>";
        String deep = "<Tagging>" + "<a>".repeat(50_000) + "</a>".repeat(50_000) + "</Tagging>";
        return Stream.of(
                Arguments.of("billion laughs", "POST", "/" + BUCKET + "?delete", laughs),
                Arguments.of("external entity", "PUT", "/" + BUCKET + "?tagging", external),
                Arguments.of("parameter entity", "PUT", "/" + BUCKET + "?versioning", parameterEntity),
                Arguments.of("deep nesting", "PUT", "/" + BUCKET + "?tagging", deep));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("xmlAttacks")
    void xmlAttacksAreMalformedXml(String name, String method, String target, String xml) throws Exception {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        Answer answer = exchange(signed(
                method,
                target,
                Map.of("content-md5", md5Base64(body)),
                "UNSIGNED-PAYLOAD",
                "Content-Length: " + body.length + "\r\n",
                body));
        HostileHttpIT.assertS3Error(answer, 400, "MalformedXML");
        assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain("root:");
        assertServerServes();
    }

    // ---- aws-chunked framing ----

    static Stream<Arguments> chunkedLies() {
        return Stream.of(
                Arguments.of("chunk size not hex", "zz\r\nhello\r\n0\r\n\r\n", 5),
                Arguments.of("chunk longer than the decoded length", "a\r\n0123456789\r\n0\r\n\r\n", 5),
                Arguments.of("chunk shorter than the decoded length", "3\r\nabc\r\n0\r\n\r\n", 5),
                Arguments.of("chunk size beyond any limit", "ffffffffffffffff\r\nabc\r\n0\r\n\r\n", 5),
                Arguments.of("no CRLF after the data", "5\r\nhelloXX0\r\n\r\n", 5),
                Arguments.of(
                        "trailer checksum that does not match",
                        "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n",
                        5),
                Arguments.of("no final chunk", "5\r\nhello\r\n", 5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedLies")
    void chunkedBodiesThatLieAreRefusedAndNothingIsStored(String name, String chunked, int decodedLength)
            throws Exception {
        byte[] body = chunked.getBytes(StandardCharsets.ISO_8859_1);
        String key = "/" + BUCKET + "/chunked-" + name.replace(' ', '-');
        Map<String, String> headers = Map.of(
                "content-encoding", "aws-chunked",
                "x-amz-decoded-content-length", Integer.toString(decodedLength),
                "x-amz-trailer", "x-amz-checksum-crc32");
        byte[] request = signed(
                "PUT",
                key,
                headers,
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                "Content-Length: " + body.length + "\r\n",
                body);
        try (RawConnection connection = new RawConnection(server.uri().getPort())) {
            connection.send(request);
            Answer answer = connection.readOrNull();
            if (answer != null) {
                assertThat(answer.status()).as(answer.toString()).isBetween(400, 499);
                HostileHttpIT.assertS3Error(
                        answer,
                        answer.status(),
                        HostileHttpIT.text(
                                HostileHttpIT.parseStrictly(answer.body()).getDocumentElement(), "Code"));
            }
        }
        assertServerServes();
        try (RawConnection connection = new RawConnection(server.uri().getPort())) {
            Answer head = connection
                    .send(signed("HEAD", key, Map.of(), "UNSIGNED-PAYLOAD", "", new byte[0]))
                    .read();
            assertThat(head.status()).as("nothing stored under " + key).isEqualTo(404);
        }
    }

    // ---- authentication ----

    @Test
    void aSignatureReplayedOnAnotherPathDoesNotMatch() throws Exception {
        String original = new String(
                signed("GET", "/" + BUCKET + "/" + KEPT, Map.of(), "UNSIGNED-PAYLOAD", "", new byte[0]),
                StandardCharsets.ISO_8859_1);
        byte[] replayed = original.replaceFirst("GET /" + BUCKET + "/" + KEPT, "DELETE /" + BUCKET + "/" + KEPT)
                .getBytes(StandardCharsets.ISO_8859_1);
        HostileHttpIT.assertS3Error(exchange(replayed), 403, "SignatureDoesNotMatch");
    }

    @Test
    void anUnknownAccessKeyIsInvalidAccessKeyId() throws Exception {
        byte[] request =
                signedAs("AKIAUNKNOWNKEY00000", "whatever-secret", "GET", "/" + BUCKET + "/" + KEPT, Instant.now());
        HostileHttpIT.assertS3Error(exchange(request), 403, "InvalidAccessKeyId");
    }

    @Test
    void aRequestSignedTwentyMinutesAgoIsTooSkewed() throws Exception {
        byte[] request = signedAs(
                GranaryServerExtension.ACCESS_KEY,
                GranaryServerExtension.SECRET_KEY,
                "GET",
                "/" + BUCKET + "/" + KEPT,
                Instant.now().minus(Duration.ofMinutes(20)));
        HostileHttpIT.assertS3Error(exchange(request), 403, "RequestTimeTooSkewed");
    }

    @Test
    void anExpiredPresignedUrlIsAccessDeniedAndOneValidForTooLongIsRefused() throws Exception {
        int port = server.uri().getPort();
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        String path = "/" + BUCKET + "/" + KEPT;
        String expired = signer.presign(
                "GET",
                path,
                null,
                "127.0.0.1:" + port,
                Duration.ofSeconds(60),
                Instant.now().minus(Duration.ofMinutes(5)));
        HostileHttpIT.assertS3Error(
                exchange(("GET " + path + "?" + expired + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)),
                403,
                "AccessDenied");
        String tooLong = signer.presign("GET", path, null, "127.0.0.1:" + port, Duration.ofDays(8), Instant.now());
        HostileHttpIT.assertS3Error(
                exchange(("GET " + path + "?" + tooLong + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1)),
                400,
                "AuthorizationQueryParametersError");
    }

    @Test
    void aMalformedAuthorizationHeaderIsAnS3Error() throws Exception {
        int port = server.uri().getPort();
        for (String authorization : List.of(
                "AWS4-HMAC-SHA256",
                "AWS4-HMAC-SHA256 Credential=, SignedHeaders=, Signature=",
                "AWS4-HMAC-SHA256 Credential=" + GranaryServerExtension.ACCESS_KEY
                        + "/20261206/us-east-1/s3/aws4_request, SignedHeaders=host",
                "AWS " + GranaryServerExtension.ACCESS_KEY,
                "Bearer abc")) {
            Answer answer = exchange(("GET /" + BUCKET + "/" + KEPT + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                            + "\r\nx-amz-date: 20261206T120000Z\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\nAuthorization: "
                            + authorization + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(answer.status()).as(authorization + ": " + answer).isIn(400, 403);
            HostileHttpIT.assertS3Error(
                    answer,
                    answer.status(),
                    HostileHttpIT.text(
                            HostileHttpIT.parseStrictly(answer.body()).getDocumentElement(), "Code"));
        }
    }

    // ---- slow clients ----

    /**
     * More uploads that stall after ten bytes than the server has worker threads, and header sections that never
     * end: with a read timeout of 2 s (30 s by default) the server drops them and serves everyone else; nothing of
     * theirs is stored.
     */
    @Test
    void clientsThatStallMidRequestAreDroppedAndDoNotKeepOthersWaiting(@TempDir Path dir) throws Exception {
        GranaryConfig config = new GranaryConfig(
                        "127.0.0.1",
                        0,
                        dir.resolve("data"),
                        2,
                        "us-east-1",
                        "",
                        GranaryServerExtension.ACCESS_KEY,
                        GranaryServerExtension.SECRET_KEY,
                        true)
                .withReadTimeout(Duration.ofSeconds(2));
        Granary granary = Granary.start(config);
        try {
            int port = granary.port();
            exchangeOn(port, SignedHttp.rawHead(port, "PUT", "/stall", Map.of(), "Content-Length: 0\r\n"));
            List<RawConnection> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    stalled.add(new RawConnection(port).send("PUT /stall/h HTTP/1.1\r\nHost: x\r\nx-a: "));
                }
                for (int i = 0; i < 80; i++) {
                    byte[] head = SignedHttp.rawHead(
                            port, "PUT", "/stall/stalled-" + i, Map.of(), "Content-Length: 1000\r\n");
                    stalled.add(new RawConnection(port).send(head, "0123456789".getBytes(StandardCharsets.US_ASCII)));
                }
                byte[] body = "while others stall".getBytes(StandardCharsets.US_ASCII);
                Answer answer = exchangeOn(
                        port,
                        concat(
                                SignedHttp.rawHead(
                                        port,
                                        "PUT",
                                        "/stall/during",
                                        Map.of(),
                                        "Content-Length: " + body.length + "\r\n"),
                                body));
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                for (int i = 0; i < stalled.size(); i++) {
                    RawConnection connection = stalled.get(i);
                    // Dropped, or told RequestTimeout first (as S3 does) when the answer still gets out.
                    Answer last = connection.readOrNull();
                    if (last != null) {
                        assertThat(last.status())
                                .as("connection " + i + " got " + last)
                                .isEqualTo(400);
                        assertThat(new String(last.body(), StandardCharsets.UTF_8))
                                .as("connection " + i)
                                .contains("<Code>RequestTimeout</Code>");
                        assertThat(connection.readOrNull())
                                .as("connection " + i + " after its answer")
                                .isNull();
                    }
                }
            } finally {
                for (RawConnection connection : stalled) {
                    connection.close();
                }
            }
            // The server still serves after the storm: connections closed under their workers once counted their
            // requests out twice, which left Undertow's graceful-shutdown counter "shut down" and every later request
            // answered 503 (see Draining).
            Answer list = exchangeOn(port, SignedHttp.rawHead(port, "GET", "/stall?list-type=2", Map.of(), ""));
            assertThat(list.status()).as(list.toString()).isEqualTo(200);
            String listing = new String(list.body(), StandardCharsets.UTF_8);
            assertThat(listing)
                    .contains("<Key>during</Key>")
                    .doesNotContain("stalled-")
                    .doesNotContain("<Key>h</Key>");
        } finally {
            granary.close();
        }
    }

    // ---- helpers ----

    private static Answer exchange(byte[] request) throws Exception {
        return exchangeOn(server.uri().getPort(), request);
    }

    private static Answer exchangeOn(int port, byte[] request) throws Exception {
        try (RawConnection connection = new RawConnection(port)) {
            return connection.send(request).read();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(a);
        all.writeBytes(b);
        return all.toByteArray();
    }

    private static void assertServerServes() throws Exception {
        try (RawConnection connection = new RawConnection(server.uri().getPort())) {
            Answer answer = connection
                    .send(signed("GET", "/" + BUCKET + "/" + KEPT, Map.of(), "UNSIGNED-PAYLOAD", "", new byte[0]))
                    .read();
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(KEPT_BYTES);
        }
    }

    /**
     * A raw request signed with the test credentials: the signed headers and x-amz-content-sha256
     * {@code payloadHash}, then {@code unsignedLines} (each ending in CRLF), the blank line and {@code body}.
     */
    private static byte[] signed(
            String method,
            String target,
            Map<String, String> headers,
            String payloadHash,
            String unsignedLines,
            byte[] body) {
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        return assemble(signer, method, target, headers, payloadHash, unsignedLines, body, Instant.now());
    }

    private static byte[] signedAs(String accessKey, String secret, String method, String target, Instant time) {
        return assemble(
                new SigV4Signer(accessKey, secret, "us-east-1"),
                method,
                target,
                Map.of(),
                "UNSIGNED-PAYLOAD",
                "",
                new byte[0],
                time);
    }

    private static byte[] assemble(
            SigV4Signer signer,
            String method,
            String target,
            Map<String, String> headers,
            String payloadHash,
            String unsignedLines,
            byte[] body,
            Instant time) {
        Map<String, List<String>> h = new TreeMap<>();
        h.put("host", List.of("127.0.0.1:" + server.uri().getPort()));
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        SignableRequest request = signer.sign(new SignableRequest(method, path, query, h), payloadHash, time);
        StringBuilder text = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        request.headers()
                .forEach((name, values) -> values.forEach(
                        v -> text.append(name).append(": ").append(v).append("\r\n")));
        text.append(unsignedLines).append("\r\n");
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        all.writeBytes(body);
        return all.toByteArray();
    }

    private static String md5Base64(byte[] data) throws Exception {
        return java.util.Base64.getEncoder()
                .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(data));
    }
}
