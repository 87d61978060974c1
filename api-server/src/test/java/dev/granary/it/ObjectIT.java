package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.Part;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

class ObjectIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "objects";
    private final S3Client s3 = server.client();
    private final SignedHttp signed = new SignedHttp(server);

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    static String md5Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    }

    @Test
    void putThenGetReturnsTheSameBytesAndAnMd5Etag() throws Exception {
        for (int size : new int[] {0, 1, 4096, 100_000, 3 * 1024 * 1024 + 17}) {
            byte[] data = randomBytes(size, size);
            PutObjectResponse put =
                    s3.putObject(b -> b.bucket(BUCKET).key("sized/" + size), RequestBody.fromBytes(data));
            assertThat(put.eTag()).isEqualTo("\"" + md5Hex(data) + "\"");
            ResponseBytes<GetObjectResponse> got =
                    s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("sized/" + size));
            assertThat(got.asByteArray()).isEqualTo(data);
            assertThat(got.response().eTag()).isEqualTo(put.eTag());
            assertThat(got.response().contentLength()).isEqualTo(size);
        }
    }

    @Test
    void metadataAndContentHeadersAreStoredAndReturned() {
        s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("meta.txt")
                        .contentType("text/plain; charset=utf-8")
                        .contentEncoding("identity")
                        .contentDisposition("attachment; filename=\"a.txt\"")
                        .contentLanguage("en")
                        .cacheControl("max-age=60")
                        .expires(Instant.parse("2030-01-01T00:00:00Z"))
                        .metadata(Map.of("color", "blue", "Mixed-Case", "Value")),
                RequestBody.fromString("hi"));
        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key("meta.txt"));
        assertThat(head.contentType()).isEqualTo("text/plain; charset=utf-8");
        assertThat(head.contentEncoding()).isEqualTo("identity");
        assertThat(head.contentDisposition()).isEqualTo("attachment; filename=\"a.txt\"");
        assertThat(head.contentLanguage()).isEqualTo("en");
        assertThat(head.cacheControl()).isEqualTo("max-age=60");
        assertThat(head.expiresString()).isEqualTo("Tue, 01 Jan 2030 00:00:00 GMT");
        assertThat(head.metadata()).containsEntry("color", "blue").containsEntry("mixed-case", "Value");
        assertThat(head.contentLength()).isEqualTo(2);

        GetObjectResponse overridden = s3.getObject(b -> b.bucket(BUCKET)
                        .key("meta.txt")
                        .responseContentType("application/json")
                        .responseCacheControl("no-cache")
                        .responseContentDisposition("inline"))
                .response();
        assertThat(overridden.contentType()).isEqualTo("application/json");
        assertThat(overridden.cacheControl()).isEqualTo("no-cache");
        assertThat(overridden.contentDisposition()).isEqualTo("inline");
    }

    @Test
    void objectWithoutContentTypeIsServedAsBinaryOctetStream() throws Exception {
        // The SDK always sends a Content-Type, so use a presigned PUT without one.
        var presigned = server.presigner()
                .presignPutObject(p -> p.signatureDuration(java.time.Duration.ofMinutes(5))
                        .putObjectRequest(b -> b.bucket(BUCKET).key("untyped")));
        var http = java.net.http.HttpClient.newHttpClient();
        var response = http.send(
                java.net.http.HttpRequest.newBuilder(presigned.url().toURI())
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("data"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("untyped")).contentType())
                .isEqualTo("binary/octet-stream");
    }

    @Test
    void rangesServeTheRequestedBytesWith206AndUnsatisfiableRangesGet416() {
        byte[] data = randomBytes(10_000, 7);
        s3.putObject(b -> b.bucket(BUCKET).key("ranged"), RequestBody.fromBytes(data));
        assertRange("bytes=0-99", data, 0, 100);
        assertRange("bytes=9990-", data, 9990, 10);
        assertRange("bytes=-300", data, 9700, 300);
        assertRange("bytes=9000-20000", data, 9000, 1000);
        assertRange("bytes=-20000", data, 0, 10_000);
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranged").range("bytes=5-9"));
        assertThat(got.response().contentRange()).isEqualTo("bytes 5-9/10000");
        assertThatThrownBy(() ->
                        s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranged").range("bytes=10000-")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(416);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRange");
                });
        // A malformed range is ignored: the whole object comes back.
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranged").range("bytes=abc"))
                        .asByteArray())
                .isEqualTo(data);
    }

    private void assertRange(String range, byte[] data, int offset, int length) {
        byte[] got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ranged").range(range))
                .asByteArray();
        byte[] expected = new byte[length];
        System.arraycopy(data, offset, expected, 0, length);
        assertThat(got).as(range).isEqualTo(expected);
    }

    @Test
    void conditionalGetsAnswer304And412AsS3Does() {
        PutObjectResponse put = s3.putObject(b -> b.bucket(BUCKET).key("cond"), RequestBody.fromString("v1"));
        String etag = put.eTag();
        Instant past = Instant.now().minusSeconds(3600);
        Instant future = Instant.now().plusSeconds(3600);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifMatch(etag))
                        .asUtf8String())
                .isEqualTo("v1");
        assertStatus(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifMatch("\"nope\"")), 412);
        assertStatus(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifNoneMatch(etag)), 304);
        assertStatus(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifModifiedSince(future)), 304);
        assertStatus(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifUnmodifiedSince(past)), 412);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("cond").ifModifiedSince(past))
                        .asUtf8String())
                .isEqualTo("v1");
        // If-Match wins over a failing If-Unmodified-Since, as in RFC 7232 and S3.
        assertThat(s3.getObjectAsBytes(
                                b -> b.bucket(BUCKET).key("cond").ifMatch(etag).ifUnmodifiedSince(past))
                        .asUtf8String())
                .isEqualTo("v1");
        assertStatus(() -> s3.headObject(b -> b.bucket(BUCKET).key("cond").ifNoneMatch(etag)), 304);
    }

    @Test
    void conditionalPutWithIfNoneMatchStarRefusesToOverwrite() {
        s3.putObject(b -> b.bucket(BUCKET).key("once").ifNoneMatch("*"), RequestBody.fromString("first"));
        assertStatus(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET).key("once").ifNoneMatch("*"), RequestBody.fromString("second")),
                412);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("once")).asUtf8String())
                .isEqualTo("first");
    }

    @Test
    void racingCreateOnlyPutsLeaveExactlyOneWinner() throws Exception {
        // Bodies large enough that every request passes the early check before any commits: the check under
        // the key's lock at commit time decides.
        int racers = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(racers);
        try {
            java.util.List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
            for (int i = 0; i < racers; i++) {
                byte[] body = randomBytes(2 * 1024 * 1024, 100 + i);
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        s3.putObject(b -> b.bucket(BUCKET).key("race").ifNoneMatch("*"), RequestBody.fromBytes(body));
                        return md5Hex(body);
                    } catch (S3Exception e) {
                        return "status " + e.statusCode();
                    }
                }));
            }
            start.countDown();
            java.util.List<String> outcomes = new java.util.ArrayList<>();
            for (java.util.concurrent.Future<String> f : results) {
                outcomes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            java.util.List<String> winners =
                    outcomes.stream().filter(o -> !o.startsWith("status")).toList();
            assertThat(winners).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o.startsWith("status")).containsOnly("status 412");
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key("race")).eTag()).isEqualTo("\"" + winners.get(0) + "\"");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(status));
    }

    @Test
    void wrongContentMd5FailsWithBadDigestAndStoresNothing() {
        String wrong = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> s3.putObject(
                        b -> b.bucket(BUCKET).key("md5").contentMD5(wrong), RequestBody.fromString("payload")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key("md5")))
                .isInstanceOf(NoSuchKeyException.class);
        assertThatThrownBy(() -> s3.putObject(
                        b -> b.bucket(BUCKET).key("md5").contentMD5("not-base64!"), RequestBody.fromString("payload")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidDigest"));
    }

    @Test
    void correctContentMd5IsAccepted() throws Exception {
        byte[] data = "checked".getBytes(StandardCharsets.UTF_8);
        String md5 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(data));
        s3.putObject(b -> b.bucket(BUCKET).key("md5ok").contentMD5(md5), RequestBody.fromBytes(data));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("md5ok")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void flexibleChecksumsAreVerifiedStoredAndReturned() {
        for (ChecksumAlgorithm alg : List.of(
                ChecksumAlgorithm.CRC32, ChecksumAlgorithm.CRC32_C, ChecksumAlgorithm.SHA1, ChecksumAlgorithm.SHA256)) {
            String key = "checksum-" + alg;
            PutObjectResponse put = s3.putObject(
                    b -> b.bucket(BUCKET).key(key).checksumAlgorithm(alg),
                    RequestBody.fromBytes(randomBytes(70_000, 3)));
            HeadObjectResponse head =
                    s3.headObject(b -> b.bucket(BUCKET).key(key).checksumMode(ChecksumMode.ENABLED));
            String stored = switch (alg) {
                case CRC32 -> head.checksumCRC32();
                case CRC32_C -> head.checksumCRC32C();
                case SHA1 -> head.checksumSHA1();
                default -> head.checksumSHA256();
            };
            String returned = switch (alg) {
                case CRC32 -> put.checksumCRC32();
                case CRC32_C -> put.checksumCRC32C();
                case SHA1 -> put.checksumSHA1();
                default -> put.checksumSHA256();
            };
            assertThat(stored).as(alg.toString()).isNotNull().isEqualTo(returned);
            // The SDK validates the checksum of the whole object when asked to.
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).checksumMode(ChecksumMode.ENABLED))
                            .asByteArray())
                    .hasSize(70_000);
        }
    }

    @Test
    void wrongDeclaredChecksumFailsWithBadDigest() {
        assertThatThrownBy(() -> s3.putObject(
                        b -> b.bucket(BUCKET).key("badcrc").checksumCRC32("AAAAAA=="), RequestBody.fromString("data")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BadDigest"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key("badcrc")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void chunkSignedUploadsAreVerifiedAndStored() {
        S3Client chunked = server.chunkedSigningClient();
        byte[] data = randomBytes(300_000, 11);
        chunked.putObject(b -> b.bucket(BUCKET).key("chunked"), RequestBody.fromBytes(data));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("chunked")).asByteArray())
                .isEqualTo(data);
    }

    @Test
    void getAndDeleteOfMissingKeys() {
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("missing")))
                .isInstanceOfSatisfying(
                        NoSuchKeyException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(404));
        assertStatus(() -> s3.headObject(b -> b.bucket(BUCKET).key("missing")), 404);
        // Deleting a missing key succeeds.
        assertThat(s3.deleteObject(b -> b.bucket(BUCKET).key("missing"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void overwriteReplacesContentAndDeleteRemovesIt() {
        s3.putObject(b -> b.bucket(BUCKET).key("ow"), RequestBody.fromString("one"));
        s3.putObject(b -> b.bucket(BUCKET).key("ow"), RequestBody.fromString("two!"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ow")).asUtf8String())
                .isEqualTo("two!");
        s3.deleteObject(b -> b.bucket(BUCKET).key("ow"));
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("ow")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void keysLongerThan1024BytesFailWithKeyTooLong() {
        String key = "k".repeat(1025);
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("x")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyTooLongError"));
        String maxKey = "k".repeat(1024);
        s3.putObject(b -> b.bucket(BUCKET).key(maxKey), RequestBody.fromString("x"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(maxKey)).asUtf8String())
                .isEqualTo("x");
    }

    @Test
    void keysWithSpecialCharactersRoundTrip() {
        for (String key : List.of(
                "with space",
                "plus+sign",
                "percent%20",
                "unicode-日本語",
                "emoji-😀",
                "a/b//c",
                "?query=like&x",
                "#hash",
                "tilde~!*'()",
                "semi;colon:at@")) {
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String())
                    .as(key)
                    .isEqualTo(key);
        }
    }

    @Test
    void keysHoldingNulAndTheEscapeByteRoundTripListAndKeepTheirOwnUploads() throws Exception {
        String bucket = "nul-keys";
        s3.createBucket(b -> b.bucket(bucket));
        s3.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        // In UTF-8 binary order; written in reverse so that the order listed comes from the store.
        List<String> keys = List.of("a", "a\u0000", "a\u0000b", "a\u0001", "a\u0001\u0001", "ab");
        for (int i = keys.size() - 1; i >= 0; i--) {
            String key = keys.get(i);
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("old " + key));
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("body of " + key));
        }
        for (String key : keys) {
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String())
                    .isEqualTo("body of " + key);
        }
        // XML 1.0 cannot carry U+0000 or U+0001: such keys are listed URL-encoded, which the SDK decodes.
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).encodingType(EncodingType.URL))
                        .contents())
                .extracting(S3Object::key)
                .containsExactlyElementsOf(keys);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket).prefix("a\u0000").encodingType(EncodingType.URL))
                        .contents())
                .extracting(S3Object::key)
                .containsExactly("a\u0000", "a\u0000b");
        List<ObjectVersion> versions = s3.listObjectVersions(
                        b -> b.bucket(bucket).encodingType(EncodingType.URL))
                .versions();
        assertThat(versions)
                .extracting(ObjectVersion::key)
                .containsExactly(
                        "a",
                        "a",
                        "a\u0000",
                        "a\u0000",
                        "a\u0000b",
                        "a\u0000b",
                        "a\u0001",
                        "a\u0001",
                        "a\u0001\u0001",
                        "a\u0001\u0001",
                        "ab",
                        "ab");
        assertThat(versions)
                .extracting(ObjectVersion::isLatest)
                .containsExactly(true, false, true, false, true, false, true, false, true, false, true, false);

        // An upload of "a" and one of "a" U+0000 followed by the first one's id: each completes with its own part.
        // The answers to the second one's requests name its key in XML, where U+0000 cannot be (the SDK refuses
        // to parse them), so those requests go raw.
        String idOfA = s3.createMultipartUpload(b -> b.bucket(bucket).key("a")).uploadId();
        String other = "/" + bucket + "/a%00" + idOfA;
        String idOfOther = element(signed.send("POST", other + "?uploads", new byte[0]), "UploadId");
        String etagOfA = s3.uploadPart(
                        b -> b.bucket(bucket).key("a").uploadId(idOfA).partNumber(1),
                        RequestBody.fromString("part of a"))
                .eTag();
        HttpResponse<String> partOfOther = signed.send(
                "PUT",
                other + "?partNumber=1&uploadId=" + idOfOther,
                "part of the other".getBytes(StandardCharsets.UTF_8));
        assertThat(partOfOther.statusCode()).as(partOfOther.body()).isEqualTo(200);
        String etagOfOther = partOfOther.headers().firstValue("ETag").orElseThrow();
        assertThat(s3.listParts(b -> b.bucket(bucket).key("a").uploadId(idOfA)).parts())
                .extracting(Part::eTag)
                .containsExactly(etagOfA);
        s3.completeMultipartUpload(b -> b.bucket(bucket)
                .key("a")
                .uploadId(idOfA)
                .multipartUpload(u -> u.parts(
                        CompletedPart.builder().partNumber(1).eTag(etagOfA).build())));
        String complete = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>" + etagOfOther
                + "</ETag></Part></CompleteMultipartUpload>";
        HttpResponse<String> completed =
                signed.send("POST", other + "?uploadId=" + idOfOther, complete.getBytes(StandardCharsets.UTF_8));
        assertThat(completed.statusCode()).as(completed.body()).isEqualTo(200);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a")).asUtf8String())
                .isEqualTo("part of a");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("a\u0000" + idOfA))
                        .asUtf8String())
                .isEqualTo("part of the other");
    }

    /** The text of the first {@code <name>} element of a 200 answer's XML body. */
    private static String element(HttpResponse<String> response, String name) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(response.body());
        assertThat(m.find()).as(response.body()).isTrue();
        return m.group(1);
    }

    @Test
    void copyObjectCopiesBytesAndMetadataOrReplacesMetadata() {
        s3.putObject(
                b -> b.bucket(BUCKET).key("src").contentType("text/x-src").metadata(Map.of("a", "1")),
                RequestBody.fromBytes(randomBytes(2_000_000, 5)));
        var copied = s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("src")
                .destinationBucket(BUCKET)
                .destinationKey("dst-copy"));
        HeadObjectResponse copyHead = s3.headObject(b -> b.bucket(BUCKET).key("dst-copy"));
        assertThat(copyHead.metadata()).containsEntry("a", "1");
        assertThat(copyHead.contentType()).isEqualTo("text/x-src");
        assertThat(copied.copyObjectResult().eTag()).isEqualTo(copyHead.eTag());
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("dst-copy")).asByteArray())
                .isEqualTo(randomBytes(2_000_000, 5));

        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("src")
                .destinationBucket(BUCKET)
                .destinationKey("dst-replace")
                .metadataDirective(MetadataDirective.REPLACE)
                .contentType("text/x-new")
                .metadata(Map.of("b", "2")));
        HeadObjectResponse replaced = s3.headObject(b -> b.bucket(BUCKET).key("dst-replace"));
        assertThat(replaced.metadata()).containsOnlyKeys("b");
        assertThat(replaced.contentType()).isEqualTo("text/x-new");
    }

    @Test
    void copyOntoItselfNeedsReplaceAndThenChangesOnlyMetadata() {
        s3.putObject(b -> b.bucket(BUCKET).key("self").metadata(Map.of("v", "1")), RequestBody.fromString("same"));
        assertThatThrownBy(() -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                        .sourceKey("self")
                        .destinationBucket(BUCKET)
                        .destinationKey("self")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest"));
        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("self")
                .destinationBucket(BUCKET)
                .destinationKey("self")
                .metadataDirective(MetadataDirective.REPLACE)
                .metadata(Map.of("v", "2")));
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("self")).metadata()).containsEntry("v", "2");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("self")).asUtf8String())
                .isEqualTo("same");
    }

    @Test
    void copySourceConditionsFailWith412() {
        s3.putObject(b -> b.bucket(BUCKET).key("csrc"), RequestBody.fromString("x"));
        assertStatus(
                () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                        .sourceKey("csrc")
                        .destinationBucket(BUCKET)
                        .destinationKey("cdst")
                        .copySourceIfMatch("\"other\"")),
                412);
        assertStatus(
                () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                        .sourceKey("missing-src")
                        .destinationBucket(BUCKET)
                        .destinationKey("cdst")),
                404);
    }

    @Test
    void deleteObjectsDeletesInBatchAndReportsPerKey() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            s3.putObject(b -> b.bucket(BUCKET).key("batch/" + n), RequestBody.fromString("x"));
        }
        DeleteObjectsResponse response = s3.deleteObjects(b -> b.bucket(BUCKET)
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("batch/0").build(),
                        ObjectIdentifier.builder().key("batch/1").build(),
                        ObjectIdentifier.builder().key("batch/never-existed").build())));
        assertThat(response.deleted()).hasSize(3);
        assertThat(response.errors()).isEmpty();
        DeleteObjectsResponse quiet = s3.deleteObjects(b -> b.bucket(BUCKET)
                .delete(d -> d.quiet(true)
                        .objects(ObjectIdentifier.builder().key("batch/2").build())));
        assertThat(quiet.deleted()).isEmpty();
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("batch/")).contents())
                .extracting(o -> o.key())
                .containsExactly("batch/3", "batch/4");
    }

    @Test
    void everyObjectHasOneNullVersionUntilVersioningExists() {
        s3.putObject(b -> b.bucket(BUCKET).key("versions/a"), RequestBody.fromString("a"));
        s3.putObject(b -> b.bucket(BUCKET).key("versions/b"), RequestBody.fromString("bb"));
        var versions = s3.listObjectVersions(b -> b.bucket(BUCKET).prefix("versions/"));
        assertThat(versions.versions())
                .extracting(v -> v.key() + "@" + v.versionId() + "@" + v.isLatest() + "@" + v.size())
                .containsExactly("versions/a@null@true@1", "versions/b@null@true@2");
        var paged =
                s3.listObjectVersions(b -> b.bucket(BUCKET).prefix("versions/").maxKeys(1));
        assertThat(paged.isTruncated()).isTrue();
        assertThat(paged.nextKeyMarker()).isEqualTo("versions/a");
        assertThat(s3.listObjectVersions(
                                b -> b.bucket(BUCKET).prefix("versions/").keyMarker(paged.nextKeyMarker()))
                        .versions())
                .extracting(v -> v.key())
                .containsExactly("versions/b");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("versions/a").versionId("null"))
                        .asUtf8String())
                .isEqualTo("a");
        // A version id of Granary's form that names no version; then one no Granary bucket could have made.
        assertThatThrownBy(() -> s3.getObjectAsBytes(
                        b -> b.bucket(BUCKET).key("versions/a").versionId("7ff9f7d1c2b3a4950123456789abcdEF")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchVersion");
                });
        assertThatThrownBy(() -> s3.getObjectAsBytes(
                        b -> b.bucket(BUCKET).key("versions/a").versionId("3HL4kqtJlcpXroDTDmJ")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
                });
        s3.deleteObject(b -> b.bucket(BUCKET).key("versions/a").versionId("null"));
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key("versions/a")))
                .isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void getObjectWithPartNumberOneOfASinglePartObject() {
        s3.putObject(b -> b.bucket(BUCKET).key("single"), RequestBody.fromString("whole"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("single").partNumber(1))
                        .asUtf8String())
                .isEqualTo("whole");
        assertStatus(
                () -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("single").partNumber(2)), 416);
    }
}
