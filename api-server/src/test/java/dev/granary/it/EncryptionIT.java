package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/** Server-side encryption: SSE-C, SSE-S3, default bucket encryption, ranges, multipart, copies, bytes on disk. */
class EncryptionIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "sse";
    private static final int MIB = 1024 * 1024;
    private static final Random RANDOM = new Random(20261127);

    private final S3Client s3 = server.client();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    /** A customer key as the SDK sends it: base64 key and base64 MD5 of the key. */
    private record CustomerKey(String key, String md5) {
        static CustomerKey random() {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            Base64.Encoder b64 = Base64.getEncoder();
            return new CustomerKey(b64.encodeToString(k), b64.encodeToString(EncryptionIT.md5(k)));
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] md5(byte[] b) {
        try {
            return MessageDigest.getInstance("MD5").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quotedMd5(byte[] b) {
        return "\"" + HexFormat.of().formatHex(md5(b)) + "\"";
    }

    private ResponseBytes<GetObjectResponse> get(String key, CustomerKey ck, Consumer<GetObjectRequest.Builder> more) {
        return s3.getObjectAsBytes(b -> {
            b.bucket(BUCKET).key(key);
            if (ck != null) {
                b.sseCustomerAlgorithm("AES256").sseCustomerKey(ck.key()).sseCustomerKeyMD5(ck.md5());
            }
            more.accept(b);
        });
    }

    private byte[] range(String key, CustomerKey ck, long first, long last) {
        ResponseBytes<GetObjectResponse> r = get(key, ck, b -> b.range("bytes=" + first + "-" + last));
        assertThat(r.response().contentRange()).startsWith("bytes " + first + "-" + last + "/");
        return r.asByteArray();
    }

    private static void assertS3Error(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            if (code != null) {
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            }
        });
    }

    @Test
    void sseCustomerKeyRoundTripsWithRangesAcrossChunks() {
        CustomerKey ck = CustomerKey.random();
        byte[] data = random(3 * MIB + 123);
        PutObjectResponse put = s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("c/object")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()),
                RequestBody.fromBytes(data));
        assertThat(put.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(put.sseCustomerKeyMD5()).isEqualTo(ck.md5());
        assertThat(put.serverSideEncryption()).isNull();

        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET)
                .key("c/object")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(ck.key())
                .sseCustomerKeyMD5(ck.md5()));
        assertThat(head.contentLength()).isEqualTo(data.length);
        assertThat(head.sseCustomerAlgorithm()).isEqualTo("AES256");
        assertThat(head.sseCustomerKeyMD5()).isEqualTo(ck.md5());
        assertThat(head.eTag()).isEqualTo(put.eTag());

        ResponseBytes<GetObjectResponse> whole = get("c/object", ck, b -> {});
        assertThat(whole.asByteArray()).isEqualTo(data);
        assertThat(whole.response().sseCustomerKeyMD5()).isEqualTo(ck.md5());
        // Ranges starting mid-block, across the engine's 1 MiB chunks, to the end.
        long[][] ranges = {
            {0, 0},
            {1, 16},
            {15, 33},
            {MIB - 7, MIB + 9},
            {2L * MIB - 1, 2L * MIB},
            {MIB + 5, 3L * MIB + 2},
            {data.length - 17, data.length - 1}
        };
        for (long[] r : ranges) {
            assertThat(range("c/object", ck, r[0], r[1]))
                    .as("bytes %d-%d", r[0], r[1])
                    .isEqualTo(Arrays.copyOfRange(data, (int) r[0], (int) r[1] + 1));
        }
        // Listing shows the plaintext size.
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("c/object"))
                        .contents()
                        .get(0)
                        .size())
                .isEqualTo(data.length);
    }

    @Test
    void sseCustomerObjectNeedsTheRightKey() {
        CustomerKey ck = CustomerKey.random();
        byte[] data = random(1000);
        s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("c/guarded")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()),
                RequestBody.fromBytes(data));

        assertThatThrownBy(() -> get("c/guarded", null, b -> {})).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
            assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The object was stored using a form of Server Side Encryption. The correct"
                            + " parameters must be provided to retrieve the object.");
        });
        assertS3Error(() -> s3.headObject(b -> b.bucket(BUCKET).key("c/guarded")), 400, null);
        assertS3Error(() -> get("c/guarded", CustomerKey.random(), b -> {}), 403, "AccessDenied");
        CustomerKey badMd5 = new CustomerKey(ck.key(), CustomerKey.random().md5());
        assertThatThrownBy(() -> get("c/guarded", badMd5, b -> {})).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
            assertThat(e.awsErrorDetails().errorMessage())
                    .isEqualTo("The calculated MD5 hash of the key did not match the hash that was provided.");
        });
        // GetObjectAttributes asks for the key as HEAD does.
        assertS3Error(
                () -> s3.getObjectAttributes(
                        b -> b.bucket(BUCKET).key("c/guarded").objectAttributes(ObjectAttributes.OBJECT_SIZE)),
                400,
                "InvalidRequest");
        assertThat(s3.getObjectAttributes(b -> b.bucket(BUCKET)
                                .key("c/guarded")
                                .objectAttributes(ObjectAttributes.OBJECT_SIZE)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(ck.key())
                                .sseCustomerKeyMD5(ck.md5()))
                        .objectSize())
                .isEqualTo(data.length);
        // A key for an object stored without one is refused too.
        s3.putObject(b -> b.bucket(BUCKET).key("c/plain"), RequestBody.fromString("plain"));
        assertS3Error(() -> get("c/plain", ck, b -> {}), 400, "InvalidRequest");
        // Content-MD5 is checked against the plaintext.
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET)
                                .key("c/bad-digest")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(ck.key())
                                .sseCustomerKeyMD5(ck.md5())
                                .contentMD5(Base64.getEncoder()
                                        .encodeToString(md5("other".getBytes(StandardCharsets.UTF_8)))),
                        RequestBody.fromBytes(data)),
                400,
                "BadDigest");
        s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("c/good-digest")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5())
                        .contentMD5(Base64.getEncoder().encodeToString(md5(data))),
                RequestBody.fromBytes(data));
        assertThat(get("c/good-digest", ck, b -> {}).asByteArray()).isEqualTo(data);
    }

    @Test
    void sseCustomerMultipartReadsRangesAcrossParts() {
        CustomerKey ck = CustomerKey.random();
        byte[] part1 = random(5 * MIB);
        byte[] part2 = random(MIB + 7);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET)
                        .key("c/multi")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()))
                .uploadId();
        assertS3Error(
                () -> s3.uploadPart(
                        b -> b.bucket(BUCKET).key("c/multi").uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(random(10))),
                400,
                "InvalidRequest");
        List<CompletedPart> parts = new ArrayList<>();
        int n = 1;
        for (byte[] part : List.of(part1, part2)) {
            int number = n++;
            String etag = s3.uploadPart(
                            b -> b.bucket(BUCKET)
                                    .key("c/multi")
                                    .uploadId(uploadId)
                                    .partNumber(number)
                                    .sseCustomerAlgorithm("AES256")
                                    .sseCustomerKey(ck.key())
                                    .sseCustomerKeyMD5(ck.md5()),
                            RequestBody.fromBytes(part))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
        s3.completeMultipartUpload(
                b -> b.bucket(BUCKET).key("c/multi").uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        byte[] all = concat(part1, part2);
        assertThat(get("c/multi", ck, b -> {}).asByteArray()).isEqualTo(all);
        assertThat(range("c/multi", ck, 5L * MIB - 20, 5L * MIB + 20))
                .isEqualTo(Arrays.copyOfRange(all, 5 * MIB - 20, 5 * MIB + 21));
        ResponseBytes<GetObjectResponse> second = get("c/multi", ck, b -> b.partNumber(2));
        assertThat(second.asByteArray()).isEqualTo(part2);
        assertThat(second.response().partsCount()).isEqualTo(2);
        assertS3Error(() -> get("c/multi", null, b -> {}), 400, "InvalidRequest");
    }

    /**
     * AES-CTR under a key and IV used before gives away the XOR of the two plaintexts. With SSE-C the ETag is the
     * MD5 of the stored ciphertext, so one plaintext uploaded twice as the same part shows whether the key stream
     * repeated: equal ETags mean equal ciphertexts.
     */
    @Test
    void sseCustomerPartUploadedAgainGetsAKeyStreamOfItsOwn() {
        CustomerKey ck = CustomerKey.random();
        String key = "c/again";
        String uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET)
                        .key(key)
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()))
                .uploadId();
        byte[] first = random(5 * MIB);
        byte[] last = random(1000);
        java.util.function.BiFunction<Integer, byte[], String> upload = (number, body) -> s3.uploadPart(
                        b -> b.bucket(BUCKET)
                                .key(key)
                                .uploadId(uploadId)
                                .partNumber(number)
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(ck.key())
                                .sseCustomerKeyMD5(ck.md5()),
                        RequestBody.fromBytes(body))
                .eTag();
        String once = upload.apply(1, first);
        String again = upload.apply(1, first);
        assertThat(again).isNotEqualTo(once);
        String lastOnce = upload.apply(2, last);
        String lastReplaced = upload.apply(2, random(1000));
        assertThat(lastReplaced).isNotEqualTo(lastOnce);
        String lastFinal = upload.apply(2, last);
        assertThat(lastFinal).isNotEqualTo(lastOnce);

        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(again).build(),
                        CompletedPart.builder().partNumber(2).eTag(lastFinal).build())));
        byte[] all = concat(first, last);
        assertThat(get(key, ck, b -> {}).asByteArray()).isEqualTo(all);
        assertThat(range(key, ck, 5L * MIB - 10, 5L * MIB + 10))
                .isEqualTo(Arrays.copyOfRange(all, 5 * MIB - 10, 5 * MIB + 11));
        assertThat(get(key, ck, b -> b.partNumber(2)).asByteArray()).isEqualTo(last);
    }

    @Test
    void copiesSseCustomerObjectToSseS3AndToPlain() {
        CustomerKey ck = CustomerKey.random();
        byte[] data = random(MIB + 3);
        s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("copy/source")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()),
                RequestBody.fromBytes(data));
        assertS3Error(
                () -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                        .sourceKey("copy/source")
                        .destinationBucket(BUCKET)
                        .destinationKey("copy/nokey")),
                400,
                "InvalidRequest");

        CopyObjectResponse toS3 = s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("copy/source")
                .destinationBucket(BUCKET)
                .destinationKey("copy/sse-s3")
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(ck.key())
                .copySourceSSECustomerKeyMD5(ck.md5())
                .serverSideEncryption(ServerSideEncryption.AES256));
        assertThat(toS3.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(toS3.copyObjectResult().eTag()).isEqualTo(quotedMd5(data));
        ResponseBytes<GetObjectResponse> s3Copy = get("copy/sse-s3", null, b -> {});
        assertThat(s3Copy.asByteArray()).isEqualTo(data);
        assertThat(s3Copy.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);

        CopyObjectResponse toPlain = s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("copy/source")
                .destinationBucket(BUCKET)
                .destinationKey("copy/plain")
                .copySourceSSECustomerAlgorithm("AES256")
                .copySourceSSECustomerKey(ck.key())
                .copySourceSSECustomerKeyMD5(ck.md5()));
        assertThat(toPlain.serverSideEncryption()).isNull();
        ResponseBytes<GetObjectResponse> plain = get("copy/plain", null, b -> {});
        assertThat(plain.asByteArray()).isEqualTo(data);
        assertThat(plain.response().serverSideEncryption()).isNull();
        assertThat(plain.response().eTag()).isEqualTo(quotedMd5(data));

        // And back: a plain object copied under another customer key.
        CustomerKey other = CustomerKey.random();
        CopyObjectResponse toC = s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("copy/plain")
                .destinationBucket(BUCKET)
                .destinationKey("copy/sse-c")
                .sseCustomerAlgorithm("AES256")
                .sseCustomerKey(other.key())
                .sseCustomerKeyMD5(other.md5()));
        assertThat(toC.sseCustomerKeyMD5()).isEqualTo(other.md5());
        assertThat(get("copy/sse-c", other, b -> {}).asByteArray()).isEqualTo(data);
        assertS3Error(() -> get("copy/sse-c", ck, b -> {}), 403, "AccessDenied");
    }

    @Test
    void sseS3PutGetRangeAndMultipart() {
        byte[] data = random(2 * MIB + 5);
        PutObjectResponse put = s3.putObject(
                b -> b.bucket(BUCKET).key("s3/object").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromBytes(data));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(put.eTag()).isEqualTo(quotedMd5(data)); // AWS: SSE-S3 ETags are the content's MD5
        HeadObjectResponse head = s3.headObject(b -> b.bucket(BUCKET).key("s3/object"));
        assertThat(head.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(head.contentLength()).isEqualTo(data.length);
        assertThat(get("s3/object", null, b -> {}).asByteArray()).isEqualTo(data);
        assertThat(range("s3/object", null, MIB - 3, MIB + 100))
                .isEqualTo(Arrays.copyOfRange(data, MIB - 3, MIB + 101));
        // Conditional reads see the same ETag.
        assertThat(get("s3/object", null, b -> b.ifMatch(put.eTag())).asByteArray())
                .isEqualTo(data);
        // A read names no server-side encryption, and AES256 with a KMS key id is a contradiction: both 400.
        assertS3Error(
                () -> s3.headObject(b -> b.bucket(BUCKET)
                        .key("s3/object")
                        .overrideConfiguration(o -> o.putHeader("x-amz-server-side-encryption", "AES256"))),
                400,
                null);
        assertS3Error(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET)
                                .key("s3/conflict")
                                .serverSideEncryption(ServerSideEncryption.AES256)
                                .ssekmsKeyId("some-key"),
                        RequestBody.fromBytes(new byte[16])),
                400,
                "InvalidArgument");

        // Multipart with parts 1 and 3 (2 uploaded, then left out): each part has its own counter block.
        byte[] p1 = random(5 * MIB + 1);
        byte[] p3 = random(100_000);
        String uploadId = s3.createMultipartUpload(
                        b -> b.bucket(BUCKET).key("s3/multi").serverSideEncryption(ServerSideEncryption.AES256))
                .uploadId();
        String e1 = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("s3/multi").uploadId(uploadId).partNumber(1),
                        RequestBody.fromBytes(p1))
                .eTag();
        s3.uploadPart(
                b -> b.bucket(BUCKET).key("s3/multi").uploadId(uploadId).partNumber(2),
                RequestBody.fromBytes(random(10)));
        var up3 = s3.uploadPart(
                b -> b.bucket(BUCKET).key("s3/multi").uploadId(uploadId).partNumber(3), RequestBody.fromBytes(p3));
        assertThat(up3.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(up3.eTag()).isEqualTo(quotedMd5(p3));
        var done = s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("s3/multi")
                .uploadId(uploadId)
                .multipartUpload(m -> m.parts(
                        CompletedPart.builder().partNumber(1).eTag(e1).build(),
                        CompletedPart.builder().partNumber(3).eTag(up3.eTag()).build())));
        assertThat(done.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(done.eTag()).endsWith("-2\"");
        byte[] all = concat(p1, p3);
        assertThat(get("s3/multi", null, b -> {}).asByteArray()).isEqualTo(all);
        assertThat(range("s3/multi", null, 5L * MIB - 1, 5L * MIB + 17))
                .isEqualTo(Arrays.copyOfRange(all, 5 * MIB - 1, 5 * MIB + 18));
        assertThat(get("s3/multi", null, b -> b.partNumber(2)).asByteArray()).isEqualTo(p3);

        // UploadPartCopy from an SSE-S3 source into a plain upload.
        String copyUpload = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("s3/part-copy"))
                .uploadId();
        String ce = s3.uploadPartCopy(b -> b.sourceBucket(BUCKET)
                        .sourceKey("s3/multi")
                        .destinationBucket(BUCKET)
                        .destinationKey("s3/part-copy")
                        .uploadId(copyUpload)
                        .partNumber(1)
                        .copySourceRange("bytes=5242870-5242890"))
                .copyPartResult()
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("s3/part-copy")
                .uploadId(copyUpload)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(ce).build())));
        assertThat(get("s3/part-copy", null, b -> {}).asByteArray())
                .isEqualTo(Arrays.copyOfRange(all, 5242870, 5242891));
    }

    @Test
    void defaultBucketEncryptionMakesPlainWritesSseS3() {
        String bucket = "sse-default";
        s3.createBucket(b -> b.bucket(bucket));
        assertS3Error(
                () -> s3.getBucketEncryption(b -> b.bucket(bucket)),
                404,
                "ServerSideEncryptionConfigurationNotFoundError");
        s3.putBucketEncryption(b -> b.bucket(bucket)
                .serverSideEncryptionConfiguration(c -> c.rules(ServerSideEncryptionRule.builder()
                        .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AES256))
                        .build())));
        var config = s3.getBucketEncryption(b -> b.bucket(bucket)).serverSideEncryptionConfiguration();
        assertThat(config.rules()).hasSize(1);
        assertThat(config.rules().get(0).applyServerSideEncryptionByDefault().sseAlgorithm())
                .isEqualTo(ServerSideEncryption.AES256);

        byte[] data = random(5000);
        PutObjectResponse put = s3.putObject(b -> b.bucket(bucket).key("k"), RequestBody.fromBytes(data));
        assertThat(put.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("k")).asByteArray())
                .isEqualTo(data);
        // An explicit customer key still wins over the default.
        CustomerKey ck = CustomerKey.random();
        PutObjectResponse c = s3.putObject(
                b -> b.bucket(bucket)
                        .key("c")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()),
                RequestBody.fromBytes(data));
        assertThat(c.serverSideEncryption()).isNull();
        assertThat(c.sseCustomerKeyMD5()).isEqualTo(ck.md5());
        assertS3Error(
                () -> s3.putBucketEncryption(b -> b.bucket(bucket)
                        .serverSideEncryptionConfiguration(cfg -> cfg.rules(ServerSideEncryptionRule.builder()
                                .applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS))
                                .build()))),
                501,
                "NotImplemented");

        s3.deleteBucketEncryption(b -> b.bucket(bucket));
        assertS3Error(() -> s3.getBucketEncryption(b -> b.bucket(bucket)), 404, null);
        assertThat(s3.putObject(b -> b.bucket(bucket).key("after"), RequestBody.fromBytes(data))
                        .serverSideEncryption())
                .isNull();
        assertThat(s3.headObject(b -> b.bucket(bucket).key("k")).serverSideEncryption())
                .isEqualTo(ServerSideEncryption.AES256);
    }

    @Test
    void bytesOnDiskAreNotThePlaintextAndSseS3ObjectsSurviveARestart() throws IOException {
        // Random bytes, so that the engine's compression cannot hide a plaintext copy from the scan.
        byte[] encrypted = random(2 * MIB + 77);
        byte[] small = random(900); // small enough to be kept inline in the metadata record
        byte[] control = random(64 * 1024);
        CustomerKey ck = CustomerKey.random();
        s3.putObject(
                b -> b.bucket(BUCKET).key("disk/sse-s3").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromBytes(encrypted));
        s3.putObject(
                b -> b.bucket(BUCKET).key("disk/small").serverSideEncryption(ServerSideEncryption.AES256),
                RequestBody.fromBytes(small));
        s3.putObject(
                b -> b.bucket(BUCKET)
                        .key("disk/sse-c")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(ck.key())
                        .sseCustomerKeyMD5(ck.md5()),
                RequestBody.fromBytes(control.clone()));
        byte[] plain = random(64 * 1024);
        s3.putObject(b -> b.bucket(BUCKET).key("disk/plain"), RequestBody.fromBytes(plain));

        server.stop(); // a graceful stop: every file of the data folder is final
        try {
            List<byte[]> files = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(server.dataDir())) {
                for (Path p : walk.filter(Files::isRegularFile).toList()) {
                    files.add(Files.readAllBytes(p));
                }
            }
            // The scan finds a plain object's bytes, so not finding the others means something.
            assertThat(files).anyMatch(f -> indexOf(f, Arrays.copyOfRange(plain, 1000, 1032)) >= 0);
            for (int offset : new int[] {0, 100_000, MIB + 5, 2 * MIB}) {
                byte[] needle = Arrays.copyOfRange(encrypted, offset, offset + 32);
                assertThat(files).noneMatch(f -> indexOf(f, needle) >= 0);
            }
            assertThat(files).noneMatch(f -> indexOf(f, Arrays.copyOfRange(small, 100, 132)) >= 0);
            assertThat(files).noneMatch(f -> indexOf(f, Arrays.copyOfRange(control, 100, 132)) >= 0);
            byte[] keyBytes = Base64.getDecoder().decode(ck.key());
            assertThat(files).noneMatch(f -> indexOf(f, keyBytes) >= 0);
            byte[] keyText = ck.key().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(files).noneMatch(f -> indexOf(f, keyText) >= 0);
        } finally {
            server.start();
        }
        S3Client after = server.client();
        ResponseBytes<GetObjectResponse> got =
                after.getObjectAsBytes(b -> b.bucket(BUCKET).key("disk/sse-s3"));
        assertThat(got.asByteArray()).isEqualTo(encrypted);
        assertThat(got.response().serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(after.getObjectAsBytes(b -> b.bucket(BUCKET).key("disk/small"))
                        .asByteArray())
                .isEqualTo(small);
        assertThat(after.getObjectAsBytes(b -> b.bucket(BUCKET)
                                .key("disk/sse-c")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(ck.key())
                                .sseCustomerKeyMD5(ck.md5()))
                        .asByteArray())
                .isEqualTo(control);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
