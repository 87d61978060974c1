package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class BucketIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private final S3Client s3 = server.client();

    @Test
    void createListHeadAndDeleteBucket() {
        s3.createBucket(b -> b.bucket("alpha-bucket"));
        assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).contains("alpha-bucket");
        assertThat(s3.headBucket(b -> b.bucket("alpha-bucket"))
                        .sdkHttpResponse()
                        .statusCode())
                .isEqualTo(200);
        assertThat(s3.getBucketLocation(b -> b.bucket("alpha-bucket")).locationConstraintAsString())
                .isEmpty();
        s3.deleteBucket(b -> b.bucket("alpha-bucket"));
        assertThatThrownBy(() -> s3.headBucket(b -> b.bucket("alpha-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void creatingAnOwnBucketAgainInUsEast1SucceedsKeepsObjectsAndResetsTheAcl() {
        // AWS's legacy rule for us-east-1 (this server's region here); other regions answer BucketAlreadyOwnedByYou.
        s3.createBucket(b -> b.bucket("twice").acl(BucketCannedACL.PUBLIC_READ));
        s3.putObject(b -> b.bucket("twice").key("kept"), RequestBody.fromString("kept"));
        s3.createBucket(b -> b.bucket("twice"));
        assertThat(s3.getObjectAsBytes(b -> b.bucket("twice").key("kept")).asUtf8String())
                .isEqualTo("kept");
        assertThat(s3.getBucketAcl(b -> b.bucket("twice")).grants()).hasSize(1);
    }

    @Test
    void invalidBucketNamesAreRejected() throws Exception {
        // Sent raw: the SDK refuses some of these names itself.
        SignedHttp http = new SignedHttp(server);
        for (String name : new String[] {
            "ab",
            "UPPER",
            "under_score",
            "192.168.1.1",
            "a..b",
            "-start",
            "end-",
            "xn--abc",
            "a".repeat(64),
            "dot.-dash"
        }) {
            HttpResponse<String> response = http.send("PUT", "/" + name, new byte[0]);
            assertThat(response.statusCode()).as(name).isEqualTo(400);
            assertThat(response.body()).as(name).contains("<Code>InvalidBucketName</Code>");
        }
        assertThat(s3.listBuckets().buckets()).extracting(Bucket::name).doesNotContain("UPPER", "ab");
    }

    @Test
    void deleteBucketThatIsNotEmptyFailsWithBucketNotEmpty() {
        s3.createBucket(b -> b.bucket("full"));
        s3.putObject(b -> b.bucket("full").key("k"), RequestBody.fromString("x"));
        assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("full")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(409);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty");
                });
        s3.deleteObject(b -> b.bucket("full").key("k"));
        s3.deleteBucket(b -> b.bucket("full"));
    }

    @Test
    void operationsOnAMissingBucketFailWithNoSuchBucket() {
        assertThatThrownBy(() -> s3.listObjectsV2(b -> b.bucket("missing-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.putObject(b -> b.bucket("missing-bucket").key("k"), RequestBody.fromString("x")))
                .isInstanceOf(NoSuchBucketException.class);
        assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("missing-bucket")))
                .isInstanceOf(NoSuchBucketException.class);
    }

    @Test
    void wrongLocationConstraintIsRejected() {
        assertThatThrownBy(() -> s3.createBucket(
                        b -> b.bucket("elsewhere").createBucketConfiguration(c -> c.locationConstraint("eu-west-1"))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode())
                                .isEqualTo("IllegalLocationConstraintException"));
    }

    @Test
    void anonymousRequestsGetAccessDeniedWithXmlErrorAndRequestId() throws Exception {
        s3.createBucket(b -> b.bucket("private-bucket"));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/private-bucket"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains("<Code>AccessDenied</Code>");
        assertThat(response.headers().firstValue("x-amz-request-id")).isPresent();
        assertThat(response.headers().firstValue("Server")).hasValue("Granary");
    }

    @Test
    void healthEndpointAnswersWithoutCredentials() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/health", "/minio/health/live", "/minio/health/ready"}) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(server.uri() + path))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void virtualHostedStyleAddressesTheBucketFromTheHost() {
        s3.createBucket(b -> b.bucket("vhost-bucket"));
        s3.putObject(b -> b.bucket("vhost-bucket").key("dir/file.txt"), RequestBody.fromString("hello"));
        // The SDK puts the bucket in the host name (vhost-bucket.localhost); resolve every name to loopback.
        S3Client vhost = S3Client.builder()
                .endpointOverride(URI.create("http://localhost:" + server.uri().getPort()))
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(server.credentials())
                .httpClient(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder()
                        .dnsResolver(new LoopbackDns())
                        .build())
                .build();
        String body = vhost.getObjectAsBytes(b -> b.bucket("vhost-bucket").key("dir/file.txt"))
                .asUtf8String();
        assertThat(body).isEqualTo("hello");
        assertThat(vhost.listObjectsV2(b -> b.bucket("vhost-bucket")).contents())
                .hasSize(1);
    }
}
