package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ObjectMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Alibaba Cloud's OSS SDK for Java ({@code aliyun-sdk-oss} 3.18.5), unchanged, against a real server: signature
 * version 1 (the SDK's default), CRC checks left on. What the OSS dialect serves so far: buckets made and removed,
 * objects put, read, described and deleted, with user metadata, read back by the AWS SDK too; a wrong secret gets
 * OSS's SignatureDoesNotMatch.
 */
class OssSdkIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private OSS oss;

    @BeforeEach
    void connect() {
        oss = client(GranaryServerExtension.SECRET_KEY);
    }

    @AfterEach
    void disconnect() {
        oss.shutdown();
    }

    /** The SDK pointed at the server: an IP endpoint, so path-style requests. */
    private static OSS client(String secret) {
        ClientBuilderConfiguration config = new ClientBuilderConfiguration();
        config.setSignatureVersion(SignVersion.V1);
        config.setMaxErrorRetry(0);
        return new OSSClientBuilder()
                .build("http://127.0.0.1:" + server.uri().getPort(), GranaryServerExtension.ACCESS_KEY, secret, config);
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] read(OSSObject object) throws IOException {
        try (InputStream in = object.getObjectContent()) {
            return in.readAllBytes();
        }
    }

    @Test
    void objectsPutReadDescribedAndDeletedAcrossBothDialects() throws IOException {
        oss.createBucket("oss-objects");
        assertThat(oss.doesBucketExist("oss-objects")).isTrue();

        byte[] body = random(300_000, 1);
        ObjectMetadata meta = new ObjectMetadata();
        meta.setContentLength(body.length);
        meta.setContentType("application/x-test");
        meta.setUserMetadata(Map.of("Author", "alice"));
        String etag = oss.putObject("oss-objects", "dir/a key.bin", new ByteArrayInputStream(body), meta)
                .getETag();

        OSSObject got = oss.getObject("oss-objects", "dir/a key.bin");
        assertThat(read(got)).isEqualTo(body);
        assertThat(got.getObjectMetadata().getETag()).isEqualTo(etag);
        assertThat(got.getObjectMetadata().getContentType()).isEqualTo("application/x-test");
        assertThat(got.getObjectMetadata().getUserMetadata()).containsEntry("author", "alice");

        ObjectMetadata head = oss.getObjectMetadata("oss-objects", "dir/a key.bin");
        assertThat(head.getContentLength()).isEqualTo(body.length);
        assertThat(head.getETag()).isEqualTo(etag);
        assertThat(oss.doesObjectExist("oss-objects", "dir/a key.bin")).isTrue();
        assertThat(oss.doesObjectExist("oss-objects", "missing")).isFalse();

        // One object model: what the OSS SDK wrote, the AWS SDK reads, byte for byte, and the other way.
        S3Client s3 = server.client();
        ResponseBytes<GetObjectResponse> viaS3 =
                s3.getObjectAsBytes(b -> b.bucket("oss-objects").key("dir/a key.bin"));
        assertThat(viaS3.asByteArray()).isEqualTo(body);
        assertThat(viaS3.response().eTag()).isEqualToIgnoringCase("\"" + etag + "\"");
        assertThat(viaS3.response().metadata()).containsEntry("author", "alice");
        s3.putObject(b -> b.bucket("oss-objects").key("from-s3"), RequestBody.fromString("written through S3"));
        assertThat(read(oss.getObject("oss-objects", "from-s3")))
                .isEqualTo("written through S3".getBytes(StandardCharsets.UTF_8));

        oss.deleteObject("oss-objects", "dir/a key.bin");
        oss.deleteObject("oss-objects", "from-s3");
        assertThatThrownBy(() -> oss.getObject("oss-objects", "dir/a key.bin"))
                .isInstanceOfSatisfying(OSSException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo("NoSuchKey");
                    assertThat(e.getRequestId()).isNotBlank();
                });
        oss.deleteBucket("oss-objects");
        assertThat(oss.doesBucketExist("oss-objects")).isFalse();
    }

    @Test
    @SuppressWarnings("JavaUtilDate") // the SDK takes a presigned URL's expiry as a java.util.Date
    void listingsCopiesBatchDeletesAndPresignedUrls() throws Exception {
        oss.createBucket("oss-lists");
        for (String key : java.util.List.of("a/1", "a/2", "b/1", "top")) {
            oss.putObject("oss-lists", key, new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(oss.listBuckets())
                .extracting(com.aliyun.oss.model.Bucket::getName)
                .contains("oss-lists");

        com.aliyun.oss.model.ObjectListing v1 =
                oss.listObjects(new com.aliyun.oss.model.ListObjectsRequest("oss-lists").withDelimiter("/"));
        assertThat(v1.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("top");
        assertThat(v1.getCommonPrefixes()).containsExactly("a/", "b/");
        com.aliyun.oss.model.ListObjectsV2Result v2 =
                oss.listObjectsV2(new com.aliyun.oss.model.ListObjectsV2Request("oss-lists")
                        .withPrefix("a/")
                        .withMaxKeys(1));
        assertThat(v2.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("a/1");
        assertThat(v2.isTruncated()).isTrue();
        com.aliyun.oss.model.ListObjectsV2Result rest =
                oss.listObjectsV2(new com.aliyun.oss.model.ListObjectsV2Request("oss-lists")
                        .withPrefix("a/")
                        .withContinuationToken(v2.getNextContinuationToken()));
        assertThat(rest.getObjectSummaries())
                .extracting(com.aliyun.oss.model.OSSObjectSummary::getKey)
                .containsExactly("a/2");

        oss.copyObject("oss-lists", "top", "oss-lists", "copied/top");
        assertThat(read(oss.getObject("oss-lists", "copied/top"))).isEqualTo("top".getBytes(StandardCharsets.UTF_8));

        // A presigned GET (signature in the query, Expires in the date's place), fetched by a plain HTTP client.
        java.net.URL url =
                oss.generatePresignedUrl("oss-lists", "a/1", new java.util.Date(System.currentTimeMillis() + 60_000));
        java.net.http.HttpResponse<byte[]> fetched = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(url.toURI()).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo("a/1".getBytes(StandardCharsets.UTF_8));
        java.net.URL expired =
                oss.generatePresignedUrl("oss-lists", "a/1", new java.util.Date(System.currentTimeMillis() - 60_000));
        assertThat(java.net.http.HttpClient.newHttpClient()
                        .send(
                                java.net.http.HttpRequest.newBuilder(expired.toURI())
                                        .build(),
                                java.net.http.HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(403);

        com.aliyun.oss.model.DeleteObjectsResult deleted =
                oss.deleteObjects(new com.aliyun.oss.model.DeleteObjectsRequest("oss-lists")
                        .withKeys(java.util.List.of("a/1", "a/2", "b/1", "top", "copied/top")));
        assertThat(deleted.getDeletedObjects()).hasSize(5);
        assertThat(oss.listObjects("oss-lists").getObjectSummaries()).isEmpty();
        oss.deleteBucket("oss-lists");
    }

    @Test
    void aWrongSecretIsRefusedAndChangesNothing() {
        oss.createBucket("oss-refused");
        OSS wrong = client("not the secret");
        try {
            assertThatThrownBy(
                            () -> wrong.putObject("oss-refused", "k", new ByteArrayInputStream(new byte[] {1, 2, 3})))
                    .isInstanceOfSatisfying(
                            OSSException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo("SignatureDoesNotMatch"));
        } finally {
            wrong.shutdown();
        }
        assertThat(oss.doesObjectExist("oss-refused", "k")).isFalse();
        oss.deleteBucket("oss-refused");
    }
}
