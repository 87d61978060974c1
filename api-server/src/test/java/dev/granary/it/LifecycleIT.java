package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.api.lifecycle.LifecycleWorker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Transition;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * Lifecycle through the AWS SDK: configurations checked and stored as S3 does, the expiry header, and passes of
 * the worker run as of a clock days ahead, a pass interrupted by a restart included.
 */
class LifecycleIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private final S3Client s3 = server.client();

    private static Clock daysAhead(int days) {
        return Clock.fixed(Instant.now().plus(Duration.ofDays(days)), ZoneOffset.UTC);
    }

    private void put(String bucket, String key, String body, String tagging) {
        s3.putObject(b -> b.bucket(bucket).key(key).tagging(tagging), RequestBody.fromString(body));
    }

    private List<String> keys(String bucket) {
        return s3.listObjectsV2(b -> b.bucket(bucket)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    private void lifecycle(String bucket, LifecycleRule... rules) {
        s3.putBucketLifecycleConfiguration(b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));
    }

    private static LifecycleRule expireDays(String id, LifecycleRuleFilter filter, int days) {
        return LifecycleRule.builder()
                .id(id)
                .status(ExpirationStatus.ENABLED)
                .filter(filter)
                .expiration(e -> e.days(days))
                .build();
    }

    @Test
    void configurationRoundTripsAndBadOnesAreRefused() {
        s3.createBucket(b -> b.bucket("lc-config"));
        assertThatThrownBy(() -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchLifecycleConfiguration");
                });
        lifecycle(
                "lc-config",
                expireDays("logs", LifecycleRuleFilter.builder().prefix("logs/").build(), 30),
                LifecycleRule.builder()
                        .id("uploads")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(7))
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(10).newerNoncurrentVersions(2))
                        .build(),
                LifecycleRule.builder()
                        .id("tagged")
                        .status(ExpirationStatus.DISABLED)
                        .filter(f -> f.and(a -> a.prefix("tmp/")
                                .tags(Tag.builder().key("t").value("1").build())
                                .objectSizeGreaterThan(10L)))
                        .expiration(e -> e.days(1))
                        .build());
        BucketLifecycleConfiguration got = BucketLifecycleConfiguration.builder()
                .rules(s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config"))
                        .rules())
                .build();
        assertThat(got.rules()).extracting(LifecycleRule::id).containsExactly("logs", "uploads", "tagged");
        assertThat(got.rules().get(0).expiration().days()).isEqualTo(30);
        assertThat(got.rules().get(0).filter().prefix()).isEqualTo("logs/");
        assertThat(got.rules().get(1).noncurrentVersionExpiration().newerNoncurrentVersions())
                .isEqualTo(2);
        assertThat(got.rules().get(1).abortIncompleteMultipartUpload().daysAfterInitiation())
                .isEqualTo(7);
        assertThat(got.rules().get(2).status()).isEqualTo(ExpirationStatus.DISABLED);
        assertThat(got.rules().get(2).filter().and().tags())
                .extracting(Tag::key)
                .containsExactly("t");

        assertError(
                () -> lifecycle(
                        "lc-config",
                        expireDays(
                                "zero", LifecycleRuleFilter.builder().prefix("").build(), 0)),
                400,
                "InvalidArgument");
        assertError(
                () -> lifecycle(
                        "lc-config",
                        expireDays(
                                "same",
                                LifecycleRuleFilter.builder().prefix("a").build(),
                                1),
                        expireDays(
                                "same",
                                LifecycleRuleFilter.builder().prefix("b").build(),
                                1)),
                400,
                "InvalidArgument");
        assertError(
                () -> lifecycle(
                        "lc-config",
                        LifecycleRule.builder()
                                .id("none")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder().prefix("").build())
                                .build()),
                400,
                "InvalidRequest");
        assertError(
                () -> lifecycle(
                        "lc-config",
                        LifecycleRule.builder()
                                .id("glacier")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder().prefix("").build())
                                .transitions(Transition.builder()
                                        .days(30)
                                        .storageClass(TransitionStorageClass.GLACIER)
                                        .build())
                                .build()),
                501,
                "NotImplemented");
        // A refused configuration leaves the stored one alone.
        assertThat(s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config"))
                        .rules())
                .hasSize(3);
        assertThat(s3.putObject(b -> b.bucket("lc-config").key("logs/x"), RequestBody.fromString("x"))
                        .expiration())
                .endsWith("rule-id=\"logs\"");

        // The older form, a rule's own Prefix, is shown back as given.
        @SuppressWarnings("deprecation") // the rule's own Prefix, deprecated in the SDK, is the form under test
        LifecycleRule legacyRule = LifecycleRule.builder()
                .id("legacy")
                .status(ExpirationStatus.ENABLED)
                .prefix("old/")
                .expiration(e -> e.days(3))
                .build();
        lifecycle("lc-config", legacyRule);
        LifecycleRule legacy = s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config"))
                .rules()
                .get(0);
        @SuppressWarnings("deprecation") // as above
        String legacyPrefix = legacy.prefix();
        assertThat(legacyPrefix).isEqualTo("old/");
        assertThat(legacy.filter()).isNull();
        // A transition with a date that is not midnight is a 400 before transitions are refused.
        assertError(
                () -> lifecycle(
                        "lc-config",
                        LifecycleRule.builder()
                                .id("bad-date")
                                .status(ExpirationStatus.ENABLED)
                                .filter(LifecycleRuleFilter.builder().prefix("").build())
                                .transitions(Transition.builder()
                                        .date(Instant.parse("2030-01-01T03:00:00Z"))
                                        .storageClass(TransitionStorageClass.GLACIER)
                                        .build())
                                .build()),
                400,
                "InvalidArgument");

        s3.deleteBucketLifecycle(b -> b.bucket("lc-config"));
        assertError(
                () -> s3.getBucketLifecycleConfiguration(b -> b.bucket("lc-config")),
                404,
                "NoSuchLifecycleConfiguration");
    }

    @Test
    void expiryHeaderAndExpirationOnlyInsideTheFilter() {
        s3.createBucket(b -> b.bucket("lc-expire"));
        lifecycle(
                "lc-expire",
                expireDays("logs", LifecycleRuleFilter.builder().prefix("logs/").build(), 30),
                expireDays(
                        "tmp",
                        LifecycleRuleFilter.builder()
                                .and(a -> a.tags(
                                        Tag.builder().key("kind").value("tmp").build()))
                                .build(),
                        5));
        put("lc-expire", "logs/a", "old log", null);
        put("lc-expire", "logs/b", "other log", null);
        put("lc-expire", "keep/tagged-other", "x", "kind=keep");
        put("lc-expire", "keep/tmp", "x", "kind=tmp");
        put("lc-expire", "keep/plain", "x", null);

        String header = s3.headObject(b -> b.bucket("lc-expire").key("logs/a")).expiration();
        assertThat(header).startsWith("expiry-date=\"").contains("GMT\"").endsWith("rule-id=\"logs\"");
        assertThat(s3.headObject(b -> b.bucket("lc-expire").key("keep/plain")).expiration())
                .isNull();

        LifecycleWorker.Result early = server.granary().lifecycle(daysAhead(3)).run();
        assertThat(early.expired()).isZero();
        assertThat(keys("lc-expire")).hasSize(5);

        LifecycleWorker.Result tmp = server.granary().lifecycle(daysAhead(6)).run();
        assertThat(tmp.expired()).isEqualTo(1);
        assertThat(keys("lc-expire")).containsExactly("keep/plain", "keep/tagged-other", "logs/a", "logs/b");

        server.granary().lifecycle(daysAhead(31)).run();
        assertThat(keys("lc-expire")).containsExactly("keep/plain", "keep/tagged-other");
    }

    @Test
    void versionedBucketsGetMarkersNoncurrentVersionsGoAndLoneMarkersAreCleanedUp() {
        s3.createBucket(b -> b.bucket("lc-versions"));
        s3.putBucketVersioning(
                b -> b.bucket("lc-versions").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        for (int i = 0; i < 4; i++) {
            put("lc-versions", "doc", "v" + i, null);
        }
        put("lc-versions", "gone", "x", null);
        lifecycle(
                "lc-versions",
                LifecycleRule.builder()
                        .id("noncurrent")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("doc").build())
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(2).newerNoncurrentVersions(1))
                        .build(),
                LifecycleRule.builder()
                        .id("current")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("gone").build())
                        .expiration(e -> e.days(10))
                        .noncurrentVersionExpiration(n -> n.noncurrentDays(2))
                        .build());

        LifecycleWorker.Result noncurrent =
                server.granary().lifecycle(daysAhead(3)).run();
        assertThat(noncurrent.versionsRemoved()).isEqualTo(2); // v0 and v1; v2 is the one newer noncurrent kept
        assertThat(s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("doc"))
                        .versions())
                .extracting(ObjectVersion::isLatest)
                .containsExactly(true, false);

        server.granary().lifecycle(daysAhead(11)).run(); // "gone" expires: a delete marker over its version
        var listed = s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("gone"));
        assertThat(listed.deleteMarkers()).hasSize(1);
        // Its version, noncurrent for 3 days, goes; the marker then stands alone and a rule that expires current
        // versions removes it too, as S3 does.
        server.granary().lifecycle(daysAhead(14)).run();
        listed = s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("gone"));
        assertThat(listed.versions()).isEmpty();
        assertThat(listed.deleteMarkers()).isEmpty();

        // A marker left alone by hand goes under ExpiredObjectDeleteMarker.
        String lonely = s3.putObject(b -> b.bucket("lc-versions").key("lonely"), RequestBody.fromString("x"))
                .versionId();
        s3.deleteObject(b -> b.bucket("lc-versions").key("lonely"));
        s3.deleteObject(b -> b.bucket("lc-versions").key("lonely").versionId(lonely));
        assertThat(s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("lonely"))
                        .deleteMarkers())
                .hasSize(1);
        lifecycle(
                "lc-versions",
                LifecycleRule.builder()
                        .id("markers")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .expiration(e -> e.expiredObjectDeleteMarker(true))
                        .build());
        server.granary().lifecycle(Clock.systemUTC()).run();
        assertThat(s3.listObjectVersions(b -> b.bucket("lc-versions").prefix("lonely"))
                        .deleteMarkers())
                .isEmpty();
        assertThat(s3.getObjectAsBytes(b -> b.bucket("lc-versions").key("doc")).asUtf8String())
                .isEqualTo("v3");
    }

    @Test
    void incompleteUploadsAreAborted() {
        s3.createBucket(b -> b.bucket("lc-uploads"));
        String upload =
                s3.createMultipartUpload(b -> b.bucket("lc-uploads").key("big")).uploadId();
        lifecycle(
                "lc-uploads",
                LifecycleRule.builder()
                        .id("abort")
                        .status(ExpirationStatus.ENABLED)
                        .filter(LifecycleRuleFilter.builder().prefix("").build())
                        .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1))
                        .build());
        assertThat(server.granary().lifecycle(Clock.systemUTC()).run().uploadsAborted())
                .isZero();
        assertThat(server.granary().lifecycle(daysAhead(2)).run().uploadsAborted())
                .isEqualTo(1);
        assertError(() -> s3.listParts(b -> b.bucket("lc-uploads").key("big").uploadId(upload)), 404, "NoSuchUpload");
    }

    @Test
    void aPassInterruptedByARestartResumesAsOfItsOwnTime() {
        // Passes go through buckets by name and the budget counts keys: this bucket sorts before the other tests'.
        s3.createBucket(b -> b.bucket("lc-a-resume"));
        for (int i = 0; i < 20; i++) {
            put("lc-a-resume", String.format("old/%02d", i), "x", null);
        }
        put("lc-a-resume", "young/keep", "x", null);
        lifecycle(
                "lc-a-resume",
                expireDays("old", LifecycleRuleFilter.builder().prefix("old/").build(), 10));

        LifecycleWorker.Result partial =
                server.granary().lifecycle(daysAhead(11)).run(7);
        assertThat(partial.finished()).isFalse();
        assertThat(partial.expired()).isEqualTo(7);

        server.stop();
        server.start();
        S3Client after = server.client();
        assertThat(after.listObjectsV2(b -> b.bucket("lc-a-resume").prefix("old/"))
                        .contents())
                .hasSize(13);
        // The next pass is asked for with today's clock, but finishes the interrupted one as of its time.
        LifecycleWorker.Result rest =
                server.granary().lifecycle(Clock.systemUTC()).run();
        assertThat(rest.finished()).isTrue();
        assertThat(rest.expired()).isEqualTo(13);
        assertThat(after.listObjectsV2(b -> b.bucket("lc-a-resume")).contents())
                .extracting(S3Object::key)
                .containsExactly("young/keep");
        // A new pass as of today expires nothing.
        assertThat(server.granary().lifecycle(Clock.systemUTC()).run().expired())
                .isZero();
    }

    private static void assertError(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }
}
