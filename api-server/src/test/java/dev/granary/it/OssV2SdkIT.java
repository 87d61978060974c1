package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.sdk.service.oss2.OSSClient;
import com.aliyun.sdk.service.oss2.PresignOptions;
import com.aliyun.sdk.service.oss2.credentials.StaticCredentialsProvider;
import com.aliyun.sdk.service.oss2.exceptions.ServiceException;
import com.aliyun.sdk.service.oss2.hash.CRC64;
import com.aliyun.sdk.service.oss2.models.BucketSummary;
import com.aliyun.sdk.service.oss2.models.CommonPrefix;
import com.aliyun.sdk.service.oss2.models.CompleteMultipartUpload;
import com.aliyun.sdk.service.oss2.models.CompleteMultipartUploadRequest;
import com.aliyun.sdk.service.oss2.models.CompleteMultipartUploadResult;
import com.aliyun.sdk.service.oss2.models.CopyObjectRequest;
import com.aliyun.sdk.service.oss2.models.CopyObjectResult;
import com.aliyun.sdk.service.oss2.models.Delete;
import com.aliyun.sdk.service.oss2.models.DeleteBucketRequest;
import com.aliyun.sdk.service.oss2.models.DeleteMultipleObjectsRequest;
import com.aliyun.sdk.service.oss2.models.DeleteMultipleObjectsResult;
import com.aliyun.sdk.service.oss2.models.DeleteObjectRequest;
import com.aliyun.sdk.service.oss2.models.DeletedInfo;
import com.aliyun.sdk.service.oss2.models.GetObjectRequest;
import com.aliyun.sdk.service.oss2.models.GetObjectResult;
import com.aliyun.sdk.service.oss2.models.HeadObjectRequest;
import com.aliyun.sdk.service.oss2.models.HeadObjectResult;
import com.aliyun.sdk.service.oss2.models.InitiateMultipartUploadRequest;
import com.aliyun.sdk.service.oss2.models.ListBucketsRequest;
import com.aliyun.sdk.service.oss2.models.ListObjectsV2Request;
import com.aliyun.sdk.service.oss2.models.ListObjectsV2Result;
import com.aliyun.sdk.service.oss2.models.ObjectIdentifier;
import com.aliyun.sdk.service.oss2.models.ObjectSummary;
import com.aliyun.sdk.service.oss2.models.Part;
import com.aliyun.sdk.service.oss2.models.PresignResult;
import com.aliyun.sdk.service.oss2.models.PutBucketRequest;
import com.aliyun.sdk.service.oss2.models.PutObjectRequest;
import com.aliyun.sdk.service.oss2.models.PutObjectResult;
import com.aliyun.sdk.service.oss2.models.UploadPartRequest;
import com.aliyun.sdk.service.oss2.models.UploadPartResult;
import com.aliyun.sdk.service.oss2.transport.BinaryData;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Alibaba Cloud's newer OSS SDK for Java ({@code com.aliyun:alibabacloud-oss-v2} 0.4.0), unchanged, against a real
 * server: signature version 4 (its default) and version 1, CRC-64 checks on uploads left on, an IP endpoint (so
 * path-style requests, {@code /bucket/key}, by the SDK's own rule). Buckets made, listed and removed; objects put with
 * user metadata, read, described, listed by prefix and delimiter, copied and deleted in a batch; a multipart upload in
 * 100 KiB parts; presigned GETs fetched by a plain HTTP client.
 */
class OssV2SdkIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private OSSClient oss;

    @AfterEach
    void disconnect() throws Exception {
        if (oss != null) {
            oss.close();
        }
    }

    /**
     * The SDK pointed at the server: {@code http://127.0.0.1:PORT} (an IP, so path style whatever usePathStyle says),
     * region cn-hangzhou (V4 signs for it), signing with {@code version} ("v4" or "v1"), no retries.
     */
    private static OSSClient client(String version, String secret) {
        return OSSClient.newBuilder()
                .credentialsProvider(new StaticCredentialsProvider(GranaryServerExtension.ACCESS_KEY, secret))
                .region("cn-hangzhou")
                .endpoint("http://127.0.0.1:" + server.uri().getPort())
                .usePathStyle(true)
                .signatureVersion(version)
                .retryMaxAttempts(1)
                .build();
    }

    /** A bucket name of the test's own, per signature version. */
    private static String bucket(String name, String version) {
        return name + "-v2sdk-" + version.toLowerCase(Locale.ROOT);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * The body of a GetObject, read to the end (closing the stream releases the connection; GetObjectResult itself is
     * AutoCloseable with a close() that throws Exception, which -Xlint:try flags inside try-with-resources).
     */
    private static byte[] read(GetObjectResult result) throws IOException {
        try (InputStream in = result.body()) {
            return in.readAllBytes();
        }
    }

    /** CRC-64/XZ as x-oss-hash-crc64ecma writes it: unsigned decimal. */
    private static String crc64(byte[] bytes) {
        CRC64 crc = new CRC64();
        crc.update(bytes, bytes.length);
        return Long.toUnsignedString(crc.getValue());
    }

    private PutObjectResult put(String bucket, String key, byte[] body) {
        return oss.putObject(PutObjectRequest.newBuilder()
                .bucket(bucket)
                .key(key)
                .body(BinaryData.fromBytes(body))
                .build());
    }

    private GetObjectResult get(String bucket, String key) {
        return oss.getObject(
                GetObjectRequest.newBuilder().bucket(bucket).key(key).build());
    }

    private HeadObjectResult head(String bucket, String key) {
        return oss.headObject(
                HeadObjectRequest.newBuilder().bucket(bucket).key(key).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v4", "v1"})
    void bucketsAndObjectsWithMetadataRoundTrip(String version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String objects = bucket("objects", version);
        oss.putBucket(PutBucketRequest.newBuilder().bucket(objects).build());
        assertThat(oss.listBuckets(ListBucketsRequest.newBuilder().build()).buckets())
                .extracting(BucketSummary::name)
                .contains(objects);

        // PutObject with a known length (Content-Length), user metadata and a content type; the SDK compares the
        // x-oss-hash-crc64ecma answer with its own CRC of what it sent and fails the call when they differ.
        byte[] body = random(300_000, 1);
        PutObjectResult put = oss.putObject(PutObjectRequest.newBuilder()
                .bucket(objects)
                .key("dir/a key+plus.bin")
                .contentType("application/x-test")
                .metadata(Map.of("Author", "alice"))
                .body(BinaryData.fromBytes(body))
                .build());
        assertThat(put.statusCode()).isEqualTo(200);
        // OSS writes ETags in upper-case hex, S3 in lower case: the SDK compares neither.
        assertThat(put.eTag()).isEqualToIgnoringCase("\"" + ObjectIT.md5Hex(body) + "\"");
        assertThat(put.hashCrc64ecma()).isEqualTo(crc64(body));
        assertThat(put.requestId()).isNotBlank();

        GetObjectResult got = get(objects, "dir/a key+plus.bin");
        assertThat(got.eTag()).isEqualTo(put.eTag());
        assertThat(got.contentType()).isEqualTo("application/x-test");
        assertThat(got.contentLength()).isEqualTo(body.length);
        assertThat(got.metadata()).containsEntry("author", "alice");
        assertThat(got.hashCrc64ecma()).isEqualTo(crc64(body));
        assertThat(read(got)).isEqualTo(body);

        GetObjectResult ranged = oss.getObject(GetObjectRequest.newBuilder()
                .bucket(objects)
                .key("dir/a key+plus.bin")
                .range("bytes=10-99")
                .build());
        assertThat(ranged.statusCode()).isEqualTo(206);
        assertThat(ranged.contentRange()).isEqualTo("bytes 10-99/" + body.length);
        assertThat(read(ranged)).isEqualTo(Arrays.copyOfRange(body, 10, 100));

        HeadObjectResult head = head(objects, "dir/a key+plus.bin");
        assertThat(head.contentLength()).isEqualTo(body.length);
        assertThat(head.eTag()).isEqualTo(put.eTag());
        assertThat(head.contentType()).isEqualTo("application/x-test");
        assertThat(head.metadata()).containsEntry("author", "alice");
        assertThat(head.hashCrc64ecma()).isEqualTo(crc64(body));
        assertThat(head.lastModified()).isNotBlank();

        // What the OSS SDK wrote, S3 reads, metadata included.
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket(objects).key("dir/a key+plus.bin"))
                        .asByteArray())
                .isEqualTo(body);

        // A missing key: a HEAD has no body, its error travels in x-oss-err; a GET answers OSS's error document.
        assertThatThrownBy(() -> head(objects, "missing")).satisfies(e -> {
            ServiceException service = ServiceException.asCause(e);
            assertThat(service).isNotNull();
            assertThat(service.statusCode()).isEqualTo(404);
            assertThat(service.errorCode()).isEqualTo("NoSuchKey");
        });
        assertThatThrownBy(() -> get(objects, "missing")).satisfies(e -> {
            ServiceException service = ServiceException.asCause(e);
            assertThat(service).isNotNull();
            assertThat(service.errorCode()).isEqualTo("NoSuchKey");
            assertThat(service.requestId()).isNotBlank();
            assertThat(service.ec()).isEqualTo("0026-00000001");
        });

        oss.deleteObject(DeleteObjectRequest.newBuilder()
                .bucket(objects)
                .key("dir/a key+plus.bin")
                .build());
        assertThatThrownBy(() -> head(objects, "dir/a key+plus.bin"))
                .satisfies(e ->
                        assertThat(ServiceException.asCause(e).statusCode()).isEqualTo(404));
        oss.deleteBucket(DeleteBucketRequest.newBuilder().bucket(objects).build());
        assertThat(oss.listBuckets(ListBucketsRequest.newBuilder().build()).buckets())
                .extracting(BucketSummary::name)
                .doesNotContain(objects);
    }

    /** A wrong secret: OSS's SignatureDoesNotMatch, for V4 and V1 alike. */
    @ParameterizedTest
    @ValueSource(strings = {"v4", "v1"})
    void aWrongSecretIsRefused(String version) {
        oss = client(version, GranaryServerExtension.SECRET_KEY + "x");
        assertThatThrownBy(() -> oss.listBuckets(ListBucketsRequest.newBuilder().build()))
                .satisfies(e -> {
                    ServiceException service = ServiceException.asCause(e);
                    assertThat(service).isNotNull();
                    assertThat(service.statusCode()).isEqualTo(403);
                    assertThat(service.errorCode()).isEqualTo("SignatureDoesNotMatch");
                });
    }

    /**
     * ListObjectsV2 (the SDK always sends {@code encoding-type=url} and decodes keys, prefixes, delimiter, start-after
     * and continuation tokens when EncodingType=url comes back), CopyObject ({@code x-oss-copy-source:
     * /bucket/url-encoded-key}) and DeleteMultipleObjects ({@code POST ?delete&encoding-type=url} with Content-MD5).
     */
    @ParameterizedTest
    @ValueSource(strings = {"v4", "v1"})
    void listingsCopiesAndBatchDeletes(String version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String lists = bucket("lists", version);
        oss.putBucket(PutBucketRequest.newBuilder().bucket(lists).build());
        List<String> keys = List.of("a/1", "a/2", "a/sub/3", "b/1", "top", "with space/é+x");
        for (String key : keys) {
            put(lists, key, key.getBytes(StandardCharsets.UTF_8));
        }

        ListObjectsV2Result root = oss.listObjectsV2(
                ListObjectsV2Request.newBuilder().bucket(lists).delimiter("/").build());
        assertThat(root.contents()).extracting(ObjectSummary::key).containsExactly("top");
        assertThat(root.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a/", "b/", "with space/");
        assertThat(root.keyCount()).isEqualTo(4);
        assertThat(root.isTruncated()).isFalse();

        ListObjectsV2Result page1 = oss.listObjectsV2(ListObjectsV2Request.newBuilder()
                .bucket(lists)
                .prefix("a/")
                .delimiter("/")
                .maxKeys(1L)
                .build());
        assertThat(page1.contents()).extracting(ObjectSummary::key).containsExactly("a/1");
        assertThat(page1.isTruncated()).isTrue();
        assertThat(page1.nextContinuationToken()).isNotBlank();
        ListObjectsV2Result page2 = oss.listObjectsV2(ListObjectsV2Request.newBuilder()
                .bucket(lists)
                .prefix("a/")
                .delimiter("/")
                .continuationToken(page1.nextContinuationToken())
                .build());
        assertThat(page2.contents()).extracting(ObjectSummary::key).containsExactly("a/2");
        assertThat(page2.commonPrefixes()).extracting(CommonPrefix::prefix).containsExactly("a/sub/");
        ListObjectsV2Result spaced = oss.listObjectsV2(ListObjectsV2Request.newBuilder()
                .bucket(lists)
                .prefix("with space/")
                .build());
        assertThat(spaced.contents()).extracting(ObjectSummary::key).containsExactly("with space/é+x");
        assertThat(spaced.contents().get(0).size()).isEqualTo("with space/é+x".getBytes(StandardCharsets.UTF_8).length);
        assertThat(spaced.contents().get(0).lastModified())
                .isBefore(Instant.now().plusSeconds(60));

        CopyObjectResult copied = oss.copyObject(CopyObjectRequest.newBuilder()
                .bucket(lists)
                .key("copied/top")
                .sourceBucket(lists)
                .sourceKey("with space/é+x")
                .build());
        assertThat(copied.statusCode()).isEqualTo(200);
        // 0.4.0's CopyObjectResult.eTag() reads only an ETag response header (0.5.0 reads the CopyObjectResult body
        // first): the copy is checked by its bytes and a HEAD instead.
        assertThat(head(lists, "copied/top").eTag())
                .isEqualTo(head(lists, "with space/é+x").eTag());
        assertThat(read(get(lists, "copied/top"))).isEqualTo("with space/é+x".getBytes(StandardCharsets.UTF_8));

        List<String> all = new ArrayList<>(keys);
        all.add("copied/top");
        List<ObjectIdentifier> ids = new ArrayList<>();
        for (String key : all) {
            ids.add(ObjectIdentifier.newBuilder().key(key).build());
        }
        DeleteMultipleObjectsResult deleted = oss.deleteMultipleObjects(DeleteMultipleObjectsRequest.newBuilder()
                .bucket(lists)
                .delete(Delete.newBuilder().objects(ids).build())
                .build());
        assertThat(deleted.deletedObjects()).extracting(DeletedInfo::key).containsExactlyInAnyOrderElementsOf(all);
        assertThat(oss.listObjectsV2(
                                ListObjectsV2Request.newBuilder().bucket(lists).build())
                        .contents())
                .isNullOrEmpty();
        oss.deleteBucket(DeleteBucketRequest.newBuilder().bucket(lists).build());
    }

    /**
     * InitiateMultipartUpload, UploadPart (each part's CRC checked by the SDK against the answer's), complete with the
     * parts' ETags: about 350 KiB in 100 KiB parts, OSS's minimum part size. The object's CRC is the parts' combined.
     */
    @ParameterizedTest
    @ValueSource(strings = {"v4", "v1"})
    void aMultipartUploadInSmallParts(String version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String parts = bucket("parts", version);
        oss.putBucket(PutBucketRequest.newBuilder().bucket(parts).build());
        byte[] body = random(350 * 1024 + 17, 3);

        String uploadId = oss.initiateMultipartUpload(InitiateMultipartUploadRequest.newBuilder()
                        .bucket(parts)
                        .key("big.bin")
                        .contentType("application/octet-stream")
                        .metadata(Map.of("purpose", "multipart"))
                        .build())
                .initiateMultipartUpload()
                .uploadId();
        assertThat(uploadId).isNotBlank();
        List<Part> done = new ArrayList<>();
        int partSize = 100 * 1024;
        long number = 1;
        for (int from = 0; from < body.length; from += partSize, number++) {
            byte[] chunk = Arrays.copyOfRange(body, from, Math.min(body.length, from + partSize));
            UploadPartResult part = oss.uploadPart(UploadPartRequest.newBuilder()
                    .bucket(parts)
                    .key("big.bin")
                    .uploadId(uploadId)
                    .partNumber(number)
                    .body(BinaryData.fromBytes(chunk))
                    .build());
            assertThat(part.eTag()).isEqualToIgnoringCase("\"" + ObjectIT.md5Hex(chunk) + "\"");
            assertThat(part.hashCRC64()).isEqualTo(crc64(chunk));
            done.add(Part.newBuilder().partNumber(number).eTag(part.eTag()).build());
        }
        assertThat(done).hasSize(4);
        CompleteMultipartUploadResult completed =
                oss.completeMultipartUpload(CompleteMultipartUploadRequest.newBuilder()
                        .bucket(parts)
                        .key("big.bin")
                        .uploadId(uploadId)
                        .completeMultipartUpload(
                                CompleteMultipartUpload.newBuilder().parts(done).build())
                        .build());
        assertThat(completed.completeMultipartUpload().key()).isEqualTo("big.bin");
        assertThat(completed.completeMultipartUpload().eTag()).endsWith("-4\"");
        assertThat(completed.hashCRC64()).isEqualTo(crc64(body));

        HeadObjectResult head = head(parts, "big.bin");
        assertThat(head.contentLength()).isEqualTo(body.length);
        assertThat(head.metadata()).containsEntry("purpose", "multipart");
        assertThat(head.hashCrc64ecma()).isEqualTo(crc64(body));
        assertThat(read(get(parts, "big.bin"))).isEqualTo(body);

        oss.deleteObject(
                DeleteObjectRequest.newBuilder().bucket(parts).key("big.bin").build());
        oss.deleteBucket(DeleteBucketRequest.newBuilder().bucket(parts).build());
    }

    /**
     * Presigned GETs: V4 ({@code x-oss-signature-version}, {@code x-oss-credential}, {@code x-oss-date},
     * {@code x-oss-expires} relative, {@code x-oss-signature}) and V1 ({@code OSSAccessKeyId}, {@code Expires}
     * absolute, {@code Signature}), fetched by java.net.http; an expired one is refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"v4", "v1"})
    void presignedGetsAreFetchedByAPlainClient(String version) throws Exception {
        oss = client(version, GranaryServerExtension.SECRET_KEY);
        String presigned = bucket("presigned", version);
        oss.putBucket(PutBucketRequest.newBuilder().bucket(presigned).build());
        byte[] body = random(70_000, 4);
        put(presigned, "dir/shared file.bin", body);

        PresignResult url = oss.presign(
                GetObjectRequest.newBuilder()
                        .bucket(presigned)
                        .key("dir/shared file.bin")
                        .build(),
                PresignOptions.newBuilder().expiration(Duration.ofMinutes(5)).build());
        assertThat(url.method()).isEqualTo("GET");
        assertThat(url.url())
                .startsWith(server.uri() + "/" + presigned + "/dir/shared%20file.bin?")
                .contains(version.equals("v4") ? "x-oss-signature=" : "OSSAccessKeyId=");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<byte[]> fetched = http.send(
                HttpRequest.newBuilder(URI.create(url.url())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(body);
        assertThat(fetched.headers().firstValue("x-oss-request-id")).isPresent();

        // Expired: valid for a second (V4: x-oss-expires=1; V1: Expires one second on), used three seconds later.
        PresignResult expired = oss.presign(
                GetObjectRequest.newBuilder()
                        .bucket(presigned)
                        .key("dir/shared file.bin")
                        .build(),
                PresignOptions.newBuilder()
                        .expiration(Instant.now().plusSeconds(2))
                        .build());
        Thread.sleep(3_000);
        HttpResponse<String> refused = http.send(
                HttpRequest.newBuilder(URI.create(expired.url())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
        assertThat(refused.body()).contains("<Code>AccessDenied</Code>");

        oss.deleteObject(DeleteObjectRequest.newBuilder()
                .bucket(presigned)
                .key("dir/shared file.bin")
                .build());
        oss.deleteBucket(DeleteBucketRequest.newBuilder().bucket(presigned).build());
    }
}
