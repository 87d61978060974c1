package dev.granary.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import dev.granary.auth.SignableRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The combined decision: owner, bucket policy, ACLs and Block Public Access, in S3's order. */
class AccessEvaluatorTest {
    private static final Owner ALICE = new Owner("alice-id", "alice");
    private static final Owner BOB = new Owner("bob-id", "bob");
    private static final Requester ALICE_R = Requester.account("alice-id");
    private static final Requester BOB_R = Requester.account("bob-id");
    private static final Requester CAROL_R = Requester.account("carol-id");
    private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    private final AccessEvaluator evaluator = new AccessEvaluator(Clock.fixed(NOW, ZoneOffset.UTC));

    private static SignableRequest http(String query, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], List.of(headers[i + 1]));
        }
        return new SignableRequest("GET", "/b/k", query, h);
    }

    private static AccessEvaluator.Request request(Requester who, String op, String key) {
        return new AccessEvaluator.Request(who, op, "b", key, null, http(""), "192.0.2.10", true, false, null);
    }

    private static AccessEvaluator.BucketState bucket(Acl acl, String policy, BlockPublicAccess bpa) {
        return new AccessEvaluator.BucketState(
                ALICE, acl, policy == null ? null : BucketPolicy.parse(policy, "b"), bpa);
    }

    private static AccessEvaluator.BucketState privateBucket() {
        return bucket(Acl.privateAcl(ALICE), null, null);
    }

    private static String policy(String effect, String principal, String action, String resource, String condition) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"" + effect + "\",\"Principal\":" + principal
                + ",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
    }

    private static AccessEvaluator.ObjectState object(Acl acl) {
        return new AccessEvaluator.ObjectState(acl, Map.of());
    }

    @Test
    void bucketOwnerMayDoEverythingOnAPrivateBucketOthersNothing() {
        for (String op : List.of(
                "ListObjectsV2",
                "PutObject",
                "DeleteObject",
                "GetBucketAcl",
                "PutBucketTagging",
                "DeleteBucket",
                "GetBucketPolicy")) {
            assertThat(evaluator
                            .evaluate(request(ALICE_R, op, "k"), privateBucket(), null)
                            .allowed())
                    .as(op)
                    .isTrue();
            assertThat(evaluator
                            .evaluate(request(BOB_R, op, "k"), privateBucket(), null)
                            .allowed())
                    .as(op)
                    .isFalse();
            assertThat(evaluator
                            .evaluate(request(Requester.ANONYMOUS, op, "k"), privateBucket(), null)
                            .allowed())
                    .as(op)
                    .isFalse();
        }
        assertThat(evaluator.evaluate(
                        request(ALICE_R, "GetObject", "k"), privateBucket(), object(Acl.privateAcl(ALICE))))
                .isEqualTo(new AccessEvaluator.Decision(true, AccessEvaluator.Reason.OBJECT_OWNER, "s3:GetObject"));
    }

    @Test
    void deniedDecisionThrowsAccessDenied() {
        AccessEvaluator.Decision d = evaluator.evaluate(request(BOB_R, "GetObject", "k"), privateBucket(), null);

        assertThat(d.reason()).isEqualTo(AccessEvaluator.Reason.NOT_GRANTED);
        assertThatThrownBy(d::orThrow)
                .isInstanceOf(AuthException.class)
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.ACCESS_DENIED);
    }

    @Test
    void serviceOperationsNeedOnlyASignature() {
        assertThat(evaluator
                        .evaluate(request(BOB_R, "ListBuckets", null), null, null)
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "CreateBucket", null), null, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "PreflightRequest", null), null, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.UNCHECKED);
        assertThatThrownBy(() -> evaluator.evaluate(request(BOB_R, "FlyToTheMoon", null), null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bucketAclGrantsListingAndObjectWrites() {
        Acl acl = new Acl(
                ALICE,
                List.of(
                        new Grant(ALICE.asGrantee(), Permission.FULL_CONTROL),
                        new Grant(BOB.asGrantee(), Permission.WRITE),
                        new Grant(new Grantee.Group(Grantee.ALL_USERS), Permission.READ)));
        AccessEvaluator.BucketState b = bucket(acl, null, null);

        assertThat(evaluator.evaluate(request(BOB_R, "PutObject", "k"), b, null).reason())
                .isEqualTo(AccessEvaluator.Reason.BUCKET_ACL);
        assertThat(evaluator
                        .evaluate(request(BOB_R, "DeleteObjects", "k"), b, null)
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "ListObjects", null), b, null)
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "PutObject", "k"), b, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(BOB_R, "PutBucketAcl", null), b, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(BOB_R, "GetBucketTagging", null), b, null)
                        .allowed())
                .isFalse();
    }

    @Test
    void ignorePublicAclsMakesPublicGrantsCountAsAbsent() {
        AccessEvaluator.BucketState open = bucket(
                CannedAcl.PUBLIC_READ.toAcl(ALICE, ALICE, true),
                null,
                new BlockPublicAccess(false, true, false, false));
        Acl publicObject = CannedAcl.PUBLIC_READ.toAcl(ALICE, ALICE, false);

        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "ListObjectsV2", null), open, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "GetObject", "k"), open, object(publicObject))
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "GetObject", "k"), privateBucket(), object(publicObject))
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.OBJECT_ACL);
    }

    @Test
    void objectsBelongToTheirUploader() {
        Acl bobsObject = Acl.privateAcl(BOB);

        assertThat(evaluator
                        .evaluate(request(BOB_R, "GetObject", "k"), privateBucket(), object(bobsObject))
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.OBJECT_OWNER);
        // The bucket owner may delete it (a bucket write) but not read it without a grant, as in S3.
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "DeleteObject", "k"), privateBucket(), object(bobsObject))
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "GetObject", "k"), privateBucket(), object(bobsObject))
                        .allowed())
                .isFalse();
        Acl shared = CannedAcl.BUCKET_OWNER_READ.toAcl(BOB, ALICE, false);
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "GetObject", "k"), privateBucket(), object(shared))
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.OBJECT_ACL);
        // A missing object (the handler answers 404) is the bucket owner's to ask about.
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "HeadObject", "k"), privateBucket(), null)
                        .allowed())
                .isTrue();
    }

    @Test
    void bucketPolicyAllowsAndExplicitDenyBeatsOwnerAndAcls() {
        AccessEvaluator.BucketState b = bucket(
                CannedAcl.PUBLIC_READ_WRITE.toAcl(ALICE, ALICE, true),
                "{\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"bob-id\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"},"
                        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/locked/*\"}]}",
                null);

        assertThat(evaluator
                        .evaluate(request(BOB_R, "GetObject", "k"), b, object(Acl.privateAcl(ALICE)))
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.BUCKET_POLICY);
        assertThat(evaluator
                        .evaluate(request(CAROL_R, "GetObject", "k"), b, object(Acl.privateAcl(ALICE)))
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "PutObject", "locked/x"), b, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.EXPLICIT_DENY);
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "PutObject", "locked/x"), b, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "PutObject", "open/x"), b, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.BUCKET_ACL);
    }

    @Test
    void bucketPolicyDoesNotReachObjectsOfOtherOwners() {
        AccessEvaluator.BucketState b =
                bucket(Acl.privateAcl(ALICE), policy("Allow", "\"*\"", "s3:GetObject", "arn:aws:s3:::b/*", null), null);

        assertThat(evaluator
                        .evaluate(request(CAROL_R, "GetObject", "k"), b, object(Acl.privateAcl(ALICE)))
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(CAROL_R, "GetObject", "k"), b, object(Acl.privateAcl(BOB)))
                        .allowed())
                .isFalse();
    }

    @Test
    void rootOfOwnerAccountKeepsPolicyOperationsOthersNeverGetThem() {
        AccessEvaluator.BucketState b = bucket(
                Acl.privateAcl(ALICE),
                "{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b\"},"
                        + "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:PutBucketPolicy\",\"Resource\":\"arn:aws:s3:::b\"}]}",
                null);

        assertThat(evaluator
                        .evaluate(request(ALICE_R, "PutBucketPolicy", null), b, null)
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(ALICE_R, "GetBucketTagging", null), b, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.EXPLICIT_DENY);
        assertThat(evaluator
                        .evaluate(request(new Requester("alice-id", "dev", false), "DeleteBucketPolicy", null), b, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.EXPLICIT_DENY);
        assertThat(evaluator
                        .evaluate(request(BOB_R, "PutBucketPolicy", null), b, null)
                        .reason())
                .isEqualTo(AccessEvaluator.Reason.OWNER_ACCOUNT_ONLY);
    }

    @Test
    void restrictPublicBucketsConfinesAPublicPolicyToTheOwnerAccount() {
        String publicRead = policy("Allow", "\"*\"", "s3:ListBucket", "arn:aws:s3:::b", null);
        AccessEvaluator.BucketState restricted =
                bucket(Acl.privateAcl(ALICE), publicRead, new BlockPublicAccess(false, false, false, true));
        AccessEvaluator.BucketState open = bucket(Acl.privateAcl(ALICE), publicRead, null);

        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "ListObjectsV2", null), open, null)
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(Requester.ANONYMOUS, "ListObjectsV2", null), restricted, null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(request(BOB_R, "ListObjectsV2", null), restricted, null)
                        .allowed())
                .isFalse();
        // A non-public policy naming another account is unaffected.
        AccessEvaluator.BucketState named = bucket(
                Acl.privateAcl(ALICE),
                policy("Allow", "{\"AWS\":\"bob-id\"}", "s3:ListBucket", "arn:aws:s3:::b", null),
                new BlockPublicAccess(false, false, false, true));
        assertThat(evaluator
                        .evaluate(request(BOB_R, "ListObjectsV2", null), named, null)
                        .allowed())
                .isTrue();
    }

    @Test
    void conditionContextComesFromTheRequest() {
        String p =
                "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::b\","
                        + "\"Condition\":{\"StringEquals\":{\"s3:prefix\":\"public/\",\"s3:signatureversion\":\"AWS4-HMAC-SHA256\"},"
                        + "\"IpAddress\":{\"aws:SourceIp\":\"192.0.2.0/24\"},\"Bool\":{\"aws:SecureTransport\":\"true\"},"
                        + "\"DateLessThan\":{\"aws:CurrentTime\":\"2031-01-01T00:00:00Z\"}}}]}";
        AccessEvaluator.BucketState b = bucket(Acl.privateAcl(ALICE), p, null);
        SignableRequest signedList =
                http("list-type=2&prefix=public%2F", "authorization", "AWS4-HMAC-SHA256 Credential=x");
        AccessEvaluator.Request ok = new AccessEvaluator.Request(
                BOB_R, "ListObjectsV2", "b", null, null, signedList, "192.0.2.99", true, false, null);

        assertThat(evaluator.evaluate(ok, b, null).allowed()).isTrue();
        assertThat(evaluator
                        .evaluate(
                                new AccessEvaluator.Request(
                                        BOB_R,
                                        "ListObjectsV2",
                                        "b",
                                        null,
                                        null,
                                        signedList,
                                        "198.51.100.1",
                                        true,
                                        false,
                                        null),
                                b,
                                null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(
                                new AccessEvaluator.Request(
                                        BOB_R,
                                        "ListObjectsV2",
                                        "b",
                                        null,
                                        null,
                                        signedList,
                                        "192.0.2.99",
                                        false,
                                        false,
                                        null),
                                b,
                                null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(
                                new AccessEvaluator.Request(
                                        BOB_R,
                                        "ListObjectsV2",
                                        "b",
                                        null,
                                        null,
                                        http("prefix=private%2F", "authorization", "AWS4-HMAC-SHA256 Credential=x"),
                                        "192.0.2.99",
                                        true,
                                        false,
                                        null),
                                b,
                                null)
                        .allowed())
                .isFalse();
        assertThat(evaluator
                        .evaluate(
                                new AccessEvaluator.Request(
                                        BOB_R,
                                        "ListObjectsV2",
                                        "b",
                                        null,
                                        null,
                                        http("prefix=public%2F", "authorization", "AWS AKID:sig"),
                                        "192.0.2.99",
                                        true,
                                        false,
                                        null),
                                b,
                                null)
                        .allowed())
                .isFalse();
    }

    @Test
    void contextCarriesPrincipalHeadersTagsAndExtras() {
        SignableRequest put = http(
                "versionId=v1",
                "x-amz-acl",
                "public-read",
                "x-amz-tagging",
                "team=a%20b&env=prod",
                "user-agent",
                "aws-cli",
                "referer",
                "https://example.com/");
        AccessEvaluator.Request r = new AccessEvaluator.Request(
                new Requester("bob-id", "dev", false),
                "PutObject",
                "b",
                "k",
                "v1",
                put,
                "2001:db8::1",
                false,
                false,
                Map.of("Custom:Key", List.of("v")));

        Map<String, List<String>> ctx =
                evaluator.context(r, new AccessEvaluator.ObjectState(Acl.privateAcl(BOB), Map.of("old", "1")));

        assertThat(ctx)
                .containsEntry("aws:username", List.of("dev"))
                .containsEntry("aws:principaltype", List.of("User"))
                .containsEntry("aws:sourceip", List.of("2001:db8::1"))
                .containsEntry("aws:securetransport", List.of("false"))
                .containsEntry("aws:useragent", List.of("aws-cli"))
                .containsEntry("aws:referer", List.of("https://example.com/"))
                .containsEntry("aws:epochtime", List.of(Long.toString(NOW.getEpochSecond())))
                .containsEntry("aws:currenttime", List.of("2030-06-01T12:00:00Z"))
                .containsEntry("s3:x-amz-acl", List.of("public-read"))
                .containsEntry("s3:requestobjecttag/team", List.of("a b"))
                .containsEntry("s3:requestobjecttagkeys", List.of("team", "env"))
                .containsEntry("s3:existingobjecttag/old", List.of("1"))
                .containsEntry("s3:versionid", List.of("v1"))
                .containsEntry("custom:key", List.of("v"))
                .doesNotContainKey("s3:prefix")
                .doesNotContainKey("s3:signatureversion");
    }

    @Test
    void versionIdSelectsTheVersionedAction() {
        AccessEvaluator.BucketState b = bucket(
                Acl.privateAcl(ALICE), policy("Allow", "\"*\"", "s3:GetObjectVersion", "arn:aws:s3:::b/*", null), null);
        AccessEvaluator.Request versioned = new AccessEvaluator.Request(
                CAROL_R, "GetObject", "b", "k", "3", http("versionId=3"), "192.0.2.1", true, false, null);

        assertThat(evaluator
                        .evaluate(versioned, b, object(Acl.privateAcl(ALICE)))
                        .action())
                .isEqualTo("s3:GetObjectVersion");
        assertThat(evaluator
                        .evaluate(versioned, b, object(Acl.privateAcl(ALICE)))
                        .allowed())
                .isTrue();
        assertThat(evaluator
                        .evaluate(request(CAROL_R, "GetObject", "k"), b, object(Acl.privateAcl(ALICE)))
                        .allowed())
                .isFalse();
    }

    @Test
    void theRequestsVersionIdNotItsQueryDecidesTheActionAndS3VersionId() {
        // A DeleteObjects entry or a copy source names a version its request line (POST /b?delete, PUT /b/k) does
        // not; and a check that names none is not about the version a query might carry.
        AccessEvaluator.BucketState b = bucket(
                Acl.privateAcl(ALICE),
                "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\"},"
                        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:DeleteObjectVersion\","
                        + "\"Resource\":\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":{\"s3:versionid\":\"v1\"}}}]}",
                null);
        AccessEvaluator.Request entryV1 = new AccessEvaluator.Request(
                CAROL_R, "DeleteObject", "b", "k", "v1", http("delete"), "192.0.2.1", true, false, null);
        AccessEvaluator.Request entryV2 = new AccessEvaluator.Request(
                CAROL_R, "DeleteObject", "b", "k", "v2", http("delete"), "192.0.2.1", true, false, null);
        AccessEvaluator.Request unversioned = new AccessEvaluator.Request(
                CAROL_R, "DeleteObject", "b", "k", null, http("versionId=v1"), "192.0.2.1", true, false, null);

        assertThat(evaluator.evaluate(entryV1, b, null))
                .isEqualTo(new AccessEvaluator.Decision(
                        false, AccessEvaluator.Reason.EXPLICIT_DENY, "s3:DeleteObjectVersion"));
        assertThat(evaluator.evaluate(entryV2, b, null))
                .isEqualTo(new AccessEvaluator.Decision(
                        true, AccessEvaluator.Reason.BUCKET_POLICY, "s3:DeleteObjectVersion"));
        assertThat(evaluator.evaluate(unversioned, b, null))
                .isEqualTo(new AccessEvaluator.Decision(true, AccessEvaluator.Reason.BUCKET_POLICY, "s3:DeleteObject"));
        assertThat(evaluator.context(entryV2, null)).containsEntry("s3:versionid", List.of("v2"));
        assertThat(evaluator.context(unversioned, null)).doesNotContainKey("s3:versionid");
    }

    @Test
    void operationTableMapsOperationsToActionsAndAclPermissions() {
        S3Operations.OperationAccess list =
                S3Operations.forOperation("ListObjectsV2").orElseThrow();
        assertThat(list.action()).isEqualTo("s3:ListBucket");
        assertThat(list.aclTarget()).isEqualTo(S3Operations.AclTarget.BUCKET);
        assertThat(list.aclPermission()).isEqualTo(Permission.READ);
        assertThat(S3Operations.forOperation("ListObjectVersions").orElseThrow().action())
                .isEqualTo("s3:ListBucketVersions");
        assertThat(S3Operations.forOperation("DeleteObjects").orElseThrow().action())
                .isEqualTo("s3:DeleteObject");
        for (String op :
                List.of("CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload", "CopyObject", "PostObject")) {
            S3Operations.OperationAccess a = S3Operations.forOperation(op).orElseThrow();
            assertThat(a.action()).as(op).isEqualTo("s3:PutObject");
            assertThat(a.aclPermission()).as(op).isEqualTo(Permission.WRITE);
        }
        assertThat(S3Operations.forOperation("AbortMultipartUpload")
                        .orElseThrow()
                        .action())
                .isEqualTo("s3:AbortMultipartUpload");
        assertThat(S3Operations.forOperation("ListParts").orElseThrow().action())
                .isEqualTo("s3:ListMultipartUploadParts");
        assertThat(S3Operations.forOperation("GetObjectTagging").orElseThrow().aclPermission())
                .isEqualTo(Permission.READ);
        assertThat(S3Operations.forOperation("GetBucketAcl").orElseThrow().aclPermission())
                .isEqualTo(Permission.READ_ACP);
        assertThat(S3Operations.forOperation("PutObjectAcl").orElseThrow().aclPermission())
                .isEqualTo(Permission.WRITE_ACP);
        assertThat(S3Operations.forOperation("PutBucketPolicy").orElseThrow().ownerAccountOnly())
                .isTrue();
        assertThat(S3Operations.forOperation("DeleteBucketTagging")
                        .orElseThrow()
                        .action())
                .isEqualTo("s3:PutBucketTagging");
        assertThat(S3Operations.forOperation("Health")).isEmpty();
    }

    @Test
    void everyTableActionIsAnActionPoliciesMayName() {
        for (String op : List.of(
                "ListBuckets",
                "CreateBucket",
                "HeadBucket",
                "DeleteBucket",
                "GetBucketLocation",
                "GetBucketVersioning",
                "GetBucketAcl",
                "PutBucketCors",
                "GetBucketCors",
                "DeleteBucketCors",
                "PutBucketTagging",
                "GetBucketTagging",
                "DeleteBucketTagging",
                "ListObjects",
                "ListObjectVersions",
                "ListMultipartUploads",
                "PutObject",
                "CopyObject",
                "GetObject",
                "HeadObject",
                "DeleteObject",
                "DeleteObjects",
                "GetObjectAcl",
                "GetObjectAttributes",
                "PutObjectTagging",
                "GetObjectTagging",
                "DeleteObjectTagging",
                "CreateMultipartUpload",
                "UploadPart",
                "UploadPartCopy",
                "CompleteMultipartUpload",
                "AbortMultipartUpload",
                "ListParts",
                "PostObject")) {
            S3Operations.OperationAccess a = S3Operations.forOperation(op).orElseThrow();
            assertThat(S3Actions.typeOf(a.action())).as(op).isNotNull();
            if (a.versionedAction() != null) {
                assertThat(S3Actions.typeOf(a.versionedAction())).as(op).isNotNull();
            }
        }
    }
}
