package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectTaggingResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.TaggingDirective;

class TaggingIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "tagging";
    private final S3Client s3 = server.client();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    private void put(String key) {
        s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("data " + key));
    }

    private Map<String, String> tags(String key) {
        GetObjectTaggingResponse got = s3.getObjectTagging(b -> b.bucket(BUCKET).key(key));
        Map<String, String> tags = new LinkedHashMap<>();
        got.tagSet().forEach(t -> tags.put(t.key(), t.value()));
        return tags;
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    private void putTags(String key, List<Tag> tags) {
        s3.putObjectTagging(b -> b.bucket(BUCKET).key(key).tagging(t -> t.tagSet(tags)));
    }

    @Test
    void putGetAndDeleteObjectTagging() {
        put("plain");
        assertThat(tags("plain")).isEmpty();
        var before = s3.headObject(b -> b.bucket(BUCKET).key("plain"));

        putTags("plain", List.of(tag("project", "granary"), tag("empty", ""), tag("ünï", "cödé")));

        assertThat(tags("plain"))
                .containsExactlyInAnyOrderEntriesOf(Map.of("project", "granary", "empty", "", "ünï", "cödé"));
        var after = s3.headObject(b -> b.bucket(BUCKET).key("plain"));
        assertThat(after.lastModified()).isEqualTo(before.lastModified());
        assertThat(after.eTag()).isEqualTo(before.eTag());

        s3.deleteObjectTagging(b -> b.bucket(BUCKET).key("plain"));
        assertThat(tags("plain")).isEmpty();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("plain")).asUtf8String())
                .isEqualTo("data plain");
    }

    @Test
    void taggingCountIsSentOnGetAndHeadOnlyWhenTagged() {
        put("counted");
        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("counted"))
                        .sdkHttpResponse()
                        .firstMatchingHeader("x-amz-tagging-count"))
                .isEmpty();

        putTags("counted", List.of(tag("a", "1"), tag("b", "2")));

        assertThat(s3.headObject(b -> b.bucket(BUCKET).key("counted"))
                        .sdkHttpResponse()
                        .firstMatchingHeader("x-amz-tagging-count"))
                .hasValue("2");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("counted"))
                        .response()
                        .tagCount())
                .isEqualTo(2);
    }

    @Test
    void tagsGivenAtPutObject() {
        s3.putObject(
                b -> b.bucket(BUCKET).key("at-put").tagging("a=1&b%20c=d%26e&empty="), RequestBody.fromString("x"));

        assertThat(tags("at-put")).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b c", "d&e", "empty", ""));
    }

    @Test
    void tagsGivenAtMultipartCreateApplyAtComplete() {
        String uploadId = s3.createMultipartUpload(
                        b -> b.bucket(BUCKET).key("mp").tagging("stage=upload"))
                .uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket(BUCKET).key("mp").uploadId(uploadId).partNumber(1),
                        RequestBody.fromString("part one"))
                .eTag();
        s3.completeMultipartUpload(b -> b.bucket(BUCKET)
                .key("mp")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));

        assertThat(tags("mp")).containsExactly(Map.entry("stage", "upload"));
    }

    @Test
    void copyKeepsTagsByDefaultAndReplacesThemWithReplace() {
        s3.putObject(b -> b.bucket(BUCKET).key("source").tagging("origin=source"), RequestBody.fromString("s"));

        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("source")
                .destinationBucket(BUCKET)
                .destinationKey("c1"));
        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("source")
                .destinationBucket(BUCKET)
                .destinationKey("c2")
                .taggingDirective(TaggingDirective.COPY)
                .tagging("ignored=yes"));
        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("source")
                .destinationBucket(BUCKET)
                .destinationKey("c3")
                .taggingDirective(TaggingDirective.REPLACE)
                .tagging("fresh=1"));
        s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("source")
                .destinationBucket(BUCKET)
                .destinationKey("c4")
                .taggingDirective(TaggingDirective.REPLACE));

        assertThat(tags("c1")).containsExactly(Map.entry("origin", "source"));
        assertThat(tags("c2")).containsExactly(Map.entry("origin", "source"));
        assertThat(tags("c3")).containsExactly(Map.entry("fresh", "1"));
        assertThat(tags("c4")).isEmpty();
    }

    @Test
    void limitsAreEnforcedAsAws() {
        put("limits");
        List<Tag> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(tag("k" + i, "v"));
        }
        assertError(() -> putTags("limits", eleven), 400, "BadRequest", "Object tags cannot be greater than 10");
        assertError(
                () -> putTags("limits", List.of(tag("same", "1"), tag("same", "2"))),
                400,
                "InvalidTag",
                "Cannot provide multiple Tags with the same key");
        assertError(() -> putTags("limits", List.of(tag("aws:reserved", "1"))), 400, "InvalidTag", "aws:");
        assertError(() -> putTags("limits", List.of(tag("k".repeat(129), "1"))), 400, "InvalidTag", "too long");
        assertError(() -> putTags("limits", List.of(tag("k", "v".repeat(257)))), 400, "InvalidTag", "too long");
        assertError(
                () -> s3.putObject(
                        b -> b.bucket(BUCKET).key("header-limits").tagging("a=1&a=2"), RequestBody.fromString("x")),
                400,
                "InvalidTag",
                "same key");
        putTags("limits", List.of(tag("k".repeat(128), "v".repeat(256))));
        assertThat(tags("limits")).hasSize(1);
    }

    @Test
    void missingObjectAndOtherVersionsAreErrors() {
        assertError(() -> tags("missing"), 404, "NoSuchKey", null);
        put("versioned");
        assertError(
                () -> s3.getObjectTagging(b -> b.bucket(BUCKET).key("versioned").versionId("v1")),
                400,
                "InvalidArgument",
                "Invalid version id");
        assertError(
                () -> s3.getObjectTagging(
                        b -> b.bucket(BUCKET).key("versioned").versionId("7ff9f7d1c2b3a4950123456789abcdEF")),
                404,
                "NoSuchVersion",
                null);
        assertThat(s3.getObjectTagging(b -> b.bucket(BUCKET).key("versioned").versionId("null"))
                        .tagSet())
                .isEmpty();
    }

    @Test
    void bucketTaggingRoundTripAndNoSuchTagSet() {
        String bucket = "tagged-bucket";
        s3.createBucket(b -> b.bucket(bucket));
        assertError(() -> s3.getBucketTagging(b -> b.bucket(bucket)), 404, "NoSuchTagSet", "The TagSet does not exist");

        s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(tag("team", "storage"), tag("cost", "42"))));
        Map<String, String> got = new LinkedHashMap<>();
        s3.getBucketTagging(b -> b.bucket(bucket)).tagSet().forEach(t -> got.put(t.key(), t.value()));
        assertThat(got).containsExactlyInAnyOrderEntriesOf(Map.of("team", "storage", "cost", "42"));

        s3.deleteBucketTagging(b -> b.bucket(bucket));
        assertError(() -> s3.getBucketTagging(b -> b.bucket(bucket)), 404, "NoSuchTagSet", null);

        assertError(
                () -> s3.putBucketTagging(b -> b.bucket(bucket).tagging(t -> t.tagSet(tag("d", "1"), tag("d", "2")))),
                400,
                "InvalidTag",
                "same key");
        assertError(() -> s3.getBucketTagging(b -> b.bucket("no-such-bucket-here")), 404, "NoSuchBucket", null);
    }

    private static void assertError(Runnable call, int status, String code, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
            if (messagePart != null) {
                assertThat(e.awsErrorDetails().errorMessage()).contains(messagePart);
            }
        });
    }
}
