package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;

/** Versioning through the AWS SDK: versions, delete markers, the null version, listing and usage. */
class VersioningIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private final S3Client s3 = server.client();

    private void bucket(String name, BucketVersioningStatus status) {
        s3.createBucket(b -> b.bucket(name));
        if (status != null) {
            versioning(name, status);
        }
    }

    private void versioning(String bucket, BucketVersioningStatus status) {
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(status)));
    }

    private PutObjectResponse put(String bucket, String key, String body) {
        return s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    private String get(String bucket, String key, String versionId) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key).versionId(versionId))
                .asUtf8String();
    }

    @Test
    void versioningStatusIsEmptyThenEnabledThenSuspended() {
        bucket("v-status", null);
        assertThat(s3.getBucketVersioning(b -> b.bucket("v-status")).status()).isNull();
        versioning("v-status", BucketVersioningStatus.ENABLED);
        assertThat(s3.getBucketVersioning(b -> b.bucket("v-status")).status())
                .isEqualTo(BucketVersioningStatus.ENABLED);
        versioning("v-status", BucketVersioningStatus.SUSPENDED);
        assertThat(s3.getBucketVersioning(b -> b.bucket("v-status")).status())
                .isEqualTo(BucketVersioningStatus.SUSPENDED);
        assertThatThrownBy(() -> s3.putBucketVersioning(b ->
                        b.bucket("v-missing").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED))))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchBucket"));
    }

    @Test
    void everyPutMakesAVersionThatStaysReadable() {
        bucket("v-puts", BucketVersioningStatus.ENABLED);
        String v1 = put("v-puts", "doc", "one").versionId();
        String v2 = put("v-puts", "doc", "two").versionId();
        String v3 = put("v-puts", "doc", "three").versionId();
        assertThat(List.of(v1, v2, v3)).doesNotHaveDuplicates().allMatch(v -> v != null && !v.equals("null"));

        assertThat(get("v-puts", "doc", null)).isEqualTo("three");
        assertThat(get("v-puts", "doc", v1)).isEqualTo("one");
        assertThat(get("v-puts", "doc", v2)).isEqualTo("two");
        var head = s3.headObject(b -> b.bucket("v-puts").key("doc").versionId(v1));
        assertThat(head.versionId()).isEqualTo(v1);
        assertThat(head.contentLength()).isEqualTo(3);
        assertThat(s3.getObject(b -> b.bucket("v-puts").key("doc")).response().versionId())
                .isEqualTo(v3);
        var range = s3.getObjectAsBytes(
                b -> b.bucket("v-puts").key("doc").versionId(v2).range("bytes=1-2"));
        assertThat(range.asUtf8String()).isEqualTo("wo");

        ListObjectVersionsResponse listed = s3.listObjectVersions(b -> b.bucket("v-puts"));
        assertThat(listed.versions()).extracting(ObjectVersion::versionId).containsExactly(v3, v2, v1);
        assertThat(listed.versions()).extracting(ObjectVersion::isLatest).containsExactly(true, false, false);
        assertThat(listed.versions()).extracting(ObjectVersion::size).containsExactly(5L, 3L, 3L);
        // ListObjects shows the current version only.
        assertThat(s3.listObjectsV2(b -> b.bucket("v-puts")).contents()).hasSize(1);
    }

    @Test
    void deleteAddsAMarkerAndRemovingItRestoresTheObject() {
        bucket("v-delete", BucketVersioningStatus.ENABLED);
        String v1 = put("v-delete", "k", "kept").versionId();
        DeleteObjectResponse deleted = s3.deleteObject(b -> b.bucket("v-delete").key("k"));
        assertThat(deleted.deleteMarker()).isTrue();
        String marker = deleted.versionId();
        assertThat(marker).isNotNull().isNotEqualTo(v1);

        assertThatThrownBy(() -> get("v-delete", "k", null)).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
            assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-delete-marker"))
                    .contains("true");
            assertThat(e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("x-amz-version-id"))
                    .contains(marker);
        });
        assertThatThrownBy(() -> get("v-delete", "k", marker))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(405));
        assertThat(get("v-delete", "k", v1)).isEqualTo("kept");
        assertThat(s3.listObjectsV2(b -> b.bucket("v-delete")).contents()).isEmpty();

        ListObjectVersionsResponse listed = s3.listObjectVersions(b -> b.bucket("v-delete"));
        assertThat(listed.deleteMarkers())
                .extracting(DeleteMarkerEntry::versionId)
                .containsExactly(marker);
        assertThat(listed.deleteMarkers().get(0).isLatest()).isTrue();
        assertThat(listed.versions()).extracting(ObjectVersion::versionId).containsExactly(v1);
        assertThat(listed.versions().get(0).isLatest()).isFalse();

        DeleteObjectResponse undeleted =
                s3.deleteObject(b -> b.bucket("v-delete").key("k").versionId(marker));
        assertThat(undeleted.deleteMarker()).isTrue();
        assertThat(undeleted.versionId()).isEqualTo(marker);
        assertThat(get("v-delete", "k", null)).isEqualTo("kept");

        // Removing a version for good: the next newest becomes current; the last one leaves nothing.
        String v2 = put("v-delete", "k", "newer").versionId();
        s3.deleteObject(b -> b.bucket("v-delete").key("k").versionId(v2));
        assertThat(get("v-delete", "k", null)).isEqualTo("kept");
        s3.deleteObject(b -> b.bucket("v-delete").key("k").versionId(v1));
        assertThat(s3.listObjectVersions(b -> b.bucket("v-delete")).versions()).isEmpty();
        s3.deleteBucket(b -> b.bucket("v-delete"));
    }

    @Test
    void createOnlyPutSucceedsOverADeleteMarker() {
        bucket("v-create-only", BucketVersioningStatus.ENABLED);
        put("v-create-only", "k", "first");
        s3.deleteObject(b -> b.bucket("v-create-only").key("k"));
        s3.putObject(b -> b.bucket("v-create-only").key("k").ifNoneMatch("*"), RequestBody.fromString("again"));
        assertThat(get("v-create-only", "k", null)).isEqualTo("again");
    }

    @Test
    void bucketWithVersionsOrMarkersIsNotEmpty() {
        bucket("v-notempty", BucketVersioningStatus.ENABLED);
        put("v-notempty", "k", "x");
        s3.deleteObject(b -> b.bucket("v-notempty").key("k"));
        assertThatThrownBy(() -> s3.deleteBucket(b -> b.bucket("v-notempty")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("BucketNotEmpty"));
    }

    @Test
    void unknownAndMalformedVersionIds() {
        bucket("v-errors", BucketVersioningStatus.ENABLED);
        String v1 = put("v-errors", "k", "x").versionId();
        String unknown = v1.substring(0, 16) + "0000000000000000";
        assertThatThrownBy(() -> get("v-errors", "k", unknown)).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(404);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchVersion");
        });
        assertThatThrownBy(() -> get("v-errors", "k", "not-a-version")).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgument");
        });
        // Deleting a version that does not exist succeeds, as in S3.
        s3.deleteObject(b -> b.bucket("v-errors").key("k").versionId(unknown));
        assertThat(get("v-errors", "k", v1)).isEqualTo("x");
    }

    @Test
    void objectsFromBeforeVersioningBecomeNullVersions() {
        bucket("v-null", null);
        PutObjectResponse plain = put("v-null", "old", "before");
        assertThat(plain.versionId()).isNull();
        put("v-null", "untouched", "also before");
        versioning("v-null", BucketVersioningStatus.ENABLED);
        String v1 = put("v-null", "old", "after").versionId();

        assertThat(get("v-null", "old", "null")).isEqualTo("before");
        assertThat(get("v-null", "untouched", "null")).isEqualTo("also before");
        assertThat(s3.headObject(b -> b.bucket("v-null").key("untouched")).versionId())
                .isEqualTo("null");
        ListObjectVersionsResponse listed = s3.listObjectVersions(b -> b.bucket("v-null"));
        assertThat(listed.versions())
                .extracting(v -> v.key() + "@" + v.versionId() + ":" + v.isLatest())
                .containsExactly("old@" + v1 + ":true", "old@null:false", "untouched@null:true");
    }

    @Test
    void suspendedWritesReplaceTheNullVersionAndKeepOthers() {
        bucket("v-suspended", BucketVersioningStatus.ENABLED);
        String v1 = put("v-suspended", "k", "versioned").versionId();
        versioning("v-suspended", BucketVersioningStatus.SUSPENDED);
        // Writes under Suspended make the null version and answer without a version id, as S3 does.
        assertThat(put("v-suspended", "k", "null one").versionId()).isNull();
        assertThat(put("v-suspended", "k", "null two").versionId()).isNull();
        assertThat(s3.headObject(b -> b.bucket("v-suspended").key("k")).versionId())
                .isEqualTo("null");
        assertThat(get("v-suspended", "k", null)).isEqualTo("null two");
        assertThat(get("v-suspended", "k", v1)).isEqualTo("versioned");
        assertThat(s3.listObjectVersions(b -> b.bucket("v-suspended")).versions())
                .extracting(ObjectVersion::versionId)
                .containsExactly("null", v1);

        DeleteObjectResponse deleted =
                s3.deleteObject(b -> b.bucket("v-suspended").key("k"));
        assertThat(deleted.deleteMarker()).isTrue();
        assertThat(deleted.versionId()).isEqualTo("null");
        ListObjectVersionsResponse listed = s3.listObjectVersions(b -> b.bucket("v-suspended"));
        assertThat(listed.deleteMarkers())
                .extracting(DeleteMarkerEntry::versionId)
                .containsExactly("null");
        assertThat(listed.versions()).extracting(ObjectVersion::versionId).containsExactly(v1);
    }

    @Test
    void copyMultipartTaggingAndDeleteObjectsByVersion() {
        bucket("v-more", BucketVersioningStatus.ENABLED);
        String v1 = put("v-more", "src", "first").versionId();
        put("v-more", "src", "second");

        var copied = s3.copyObject(b -> b.sourceBucket("v-more")
                .sourceKey("src")
                .sourceVersionId(v1)
                .destinationBucket("v-more")
                .destinationKey("dst"));
        assertThat(copied.copySourceVersionId()).isEqualTo(v1);
        assertThat(copied.versionId()).isNotNull();
        assertThat(get("v-more", "dst", null)).isEqualTo("first");
        // Restoring an old version by copying it onto its own key makes it the newest.
        var restored = s3.copyObject(b -> b.sourceBucket("v-more")
                .sourceKey("src")
                .sourceVersionId(v1)
                .destinationBucket("v-more")
                .destinationKey("src"));
        assertThat(get("v-more", "src", null)).isEqualTo("first");
        assertThat(s3.listObjectVersions(b -> b.bucket("v-more").prefix("src")).versions())
                .hasSize(3);

        String upload =
                s3.createMultipartUpload(b -> b.bucket("v-more").key("mp")).uploadId();
        String etag = s3.uploadPart(
                        b -> b.bucket("v-more").key("mp").uploadId(upload).partNumber(1),
                        RequestBody.fromString("part"))
                .eTag();
        var completed = s3.completeMultipartUpload(b -> b.bucket("v-more")
                .key("mp")
                .uploadId(upload)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThat(completed.versionId()).isNotNull();

        s3.putObjectTagging(b -> b.bucket("v-more")
                .key("src")
                .versionId(v1)
                .tagging(t -> t.tagSet(Tag.builder().key("old").value("yes").build())));
        assertThat(s3.getObjectTagging(b -> b.bucket("v-more").key("src").versionId(v1))
                        .tagSet())
                .extracting(Tag::key)
                .containsExactly("old");
        assertThat(s3.getObjectTagging(b -> b.bucket("v-more").key("src")).tagSet())
                .isEmpty();

        DeleteObjectsResponse batch = s3.deleteObjects(b -> b.bucket("v-more")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("src").versionId(v1).build(),
                        ObjectIdentifier.builder().key("dst").build())));
        assertThat(batch.errors()).isEmpty();
        assertThat(batch.deleted()).anySatisfy(d -> {
            assertThat(d.key()).isEqualTo("dst");
            assertThat(d.deleteMarker()).isTrue();
            assertThat(d.deleteMarkerVersionId()).isNotNull();
        });
        assertThatThrownBy(() -> get("v-more", "src", v1)).isInstanceOf(S3Exception.class);
        assertThat(restored.versionId()).isNotNull();
    }

    @Test
    void listingPagesThroughVersionsWithMarkersAndDelimiter() {
        bucket("v-pages", BucketVersioningStatus.ENABLED);
        List<String> expected = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(0, key + "@" + put("v-pages", key, key + i).versionId());
            }
            expected.addAll(ids);
        }
        put("v-pages", "dir/x", "x");
        put("v-pages", "dir/y", "y");

        List<String> seen = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        int pages = 0;
        while (pages++ < 20) {
            String km = keyMarker;
            String vm = versionMarker;
            ListObjectVersionsResponse page = s3.listObjectVersions(b ->
                    b.bucket("v-pages").maxKeys(2).delimiter("/").keyMarker(km).versionIdMarker(vm));
            page.versions().forEach(v -> seen.add(v.key() + "@" + v.versionId()));
            page.commonPrefixes().forEach(p -> seen.add(p.prefix()));
            if (!page.isTruncated()) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
        expected.add("dir/");
        assertThat(seen).containsExactlyElementsOf(expected);

        // The paginator of the SDK walks the same.
        long versions = s3.listObjectVersionsPaginator(b -> b.bucket("v-pages").maxKeys(4)).versions().stream()
                .count();
        assertThat(versions).isEqualTo(11);
    }

    @Test
    void storageUsageCountsEveryVersionButNoMarkerAndTheCheckAgrees() throws Exception {
        bucket("v-usage", null);
        put("v-usage", "before", "12345"); // 5 bytes, becomes the null version
        versioning("v-usage", BucketVersioningStatus.ENABLED);
        put("v-usage", "k", "1234567890"); // 10
        String v2 = put("v-usage", "k", "123").versionId(); // 3
        s3.deleteObject(b -> b.bucket("v-usage").key("k")); // a marker: no bytes, no object
        s3.deleteObject(b -> b.bucket("v-usage").key("k").versionId(v2)); // -3
        String expected = "\"bytes\":15,\"objects\":2,";
        assertThat(MeteringSupport.admin(server.adminUri(), "/admin/v1/usage/storage")
                        .body())
                .contains("{\"bucket\":\"v-usage\",\"account\":\"" + dev.granary.Granary.ROOT_ACCOUNT_ID + "\","
                        + expected);
        String checked = MeteringSupport.admin(
                        server.adminUri(), "POST", "/admin/v1/usage/storage/check", GranaryServerExtension.SECRET_KEY)
                .body();
        assertThat(checked).contains("\"bucket\":\"v-usage\"").contains(expected);
    }

    @Test
    void versionsSurviveARestart() {
        bucket("v-restart", BucketVersioningStatus.ENABLED);
        String v1 = put("v-restart", "k", "one").versionId();
        put("v-restart", "k", "two");
        server.stop();
        server.start();
        S3Client after = server.client();
        assertThat(after.getBucketVersioning(b -> b.bucket("v-restart")).status())
                .isEqualTo(BucketVersioningStatus.ENABLED);
        assertThat(after.getObjectAsBytes(b -> b.bucket("v-restart").key("k").versionId(v1))
                        .asUtf8String())
                .isEqualTo("one");
        assertThat(after.getObjectAsBytes(b -> b.bucket("v-restart").key("k")).asUtf8String())
                .isEqualTo("two");
    }
}
