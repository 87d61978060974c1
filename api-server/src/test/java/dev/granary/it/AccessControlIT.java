package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.Granary;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AccessControlPolicy;
import software.amazon.awssdk.services.s3.model.BucketCannedACL;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetBucketAclResponse;
import software.amazon.awssdk.services.s3.model.GetObjectAclResponse;
import software.amazon.awssdk.services.s3.model.Grant;
import software.amazon.awssdk.services.s3.model.Grantee;
import software.amazon.awssdk.services.s3.model.ObjectAttributes;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.Permission;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.s3.model.Type;

/**
 * Access control against a real server, with the AWS SDK as the client: the root account, a second account (a
 * user created through the admin API) and an anonymous client. Bucket policies, bucket and object ACLs, Block
 * Public Access, and how they combine (an explicit Deny wins; an object belongs to its uploader).
 */
class AccessControlIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static S3Client root;
    private static S3Client bob;
    private static S3Client anonymous;
    private static UsersIT.Created bobUser;

    @BeforeAll
    static void clients() throws Exception {
        root = server.client();
        bobUser = UsersIT.createUser(server.adminUri(), "bob");
        bob = UsersIT.client(server.uri(), bobUser.accessKey(), bobUser.secretKey());
        anonymous = S3Client.builder()
                .endpointOverride(server.uri())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    private static void assertS3Error(Runnable call, int status, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(code);
        });
    }

    private static void put(S3Client client, String bucket, String key, String body) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(body));
    }

    private static String get(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String();
    }

    private static void setPolicy(String bucket, String policy) {
        root.putBucketPolicy(b -> b.bucket(bucket).policy(policy));
    }

    private static String allowBob(String bucket, String action, String resource) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + bobUser.canonicalId() + "\"},\"Action\":\"" + action + "\",\"Resource\":\"arn:aws:s3:::"
                + bucket + resource + "\"}]}";
    }

    @Test
    void secondAccountIsDeniedAPrivateObjectUntilABucketPolicyGrantsIt() {
        root.createBucket(b -> b.bucket("ac-policy"));
        put(root, "ac-policy", "doc.txt", "secret");
        assertS3Error(() -> get(bob, "ac-policy", "doc.txt"), 403, "AccessDenied");
        assertS3Error(() -> bob.listObjectsV2(b -> b.bucket("ac-policy")), 403, "AccessDenied");

        setPolicy("ac-policy", allowBob("ac-policy", "s3:GetObject", "/*"));
        assertThat(get(bob, "ac-policy", "doc.txt")).isEqualTo("secret");
        // Without s3:ListBucket a missing key is AccessDenied, as in S3; with it, NoSuchKey.
        assertS3Error(() -> get(bob, "ac-policy", "missing.txt"), 403, "AccessDenied");
        root.putBucketAcl(b -> b.bucket("ac-policy")
                .grantRead("id=\"" + bobUser.canonicalId() + "\"")
                .grantFullControl("id=\"" + Granary.ROOT_ACCOUNT_ID + "\""));
        assertS3Error(() -> get(bob, "ac-policy", "missing.txt"), 404, "NoSuchKey");
        root.putBucketAcl(b -> b.bucket("ac-policy").acl(BucketCannedACL.PRIVATE));
        assertThat(root.getBucketPolicy(b -> b.bucket("ac-policy")).policy()).contains(bobUser.canonicalId());
        // The policy grants reads only.
        assertS3Error(() -> put(bob, "ac-policy", "bob.txt", "x"), 403, "AccessDenied");
        // Only the bucket owner manages the policy, whatever the policy says.
        assertS3Error(() -> bob.getBucketPolicy(b -> b.bucket("ac-policy")), 403, "AccessDenied");

        root.deleteBucketPolicy(b -> b.bucket("ac-policy"));
        assertS3Error(() -> get(bob, "ac-policy", "doc.txt"), 403, "AccessDenied");
        assertS3Error(() -> root.getBucketPolicy(b -> b.bucket("ac-policy")), 404, "NoSuchBucketPolicy");
        // Deleting a policy that is not there is no error, as in AWS.
        root.deleteBucketPolicy(b -> b.bucket("ac-policy"));
    }

    @Test
    void aclGrantByCanonicalIdLetsAnotherAccountReadAndUploadsBelongToTheirUploader() {
        root.createBucket(b -> b.bucket("ac-acl"));
        root.putObject(
                b -> b.bucket("ac-acl").key("shared.txt").grantRead("id=\"" + bobUser.canonicalId() + "\""),
                RequestBody.fromString("shared"));
        put(root, "ac-acl", "private.txt", "private");
        assertThat(get(bob, "ac-acl", "shared.txt")).isEqualTo("shared");
        assertS3Error(() -> get(bob, "ac-acl", "private.txt"), 403, "AccessDenied");
        // READ does not include READ_ACP.
        assertS3Error(() -> bob.getObjectAcl(b -> b.bucket("ac-acl").key("shared.txt")), 403, "AccessDenied");

        // A bucket WRITE grant lets bob upload; the object is his, and the bucket owner reads it only through its ACL.
        root.putBucketAcl(b -> b.bucket("ac-acl")
                .grantWrite("id=\"" + bobUser.canonicalId() + "\"")
                .grantFullControl("id=\"" + Granary.ROOT_ACCOUNT_ID + "\""));
        put(bob, "ac-acl", "from-bob.txt", "bob's");
        GetObjectAclResponse acl = bob.getObjectAcl(b -> b.bucket("ac-acl").key("from-bob.txt"));
        assertThat(acl.owner().id()).isEqualTo(bobUser.canonicalId());
        assertThat(acl.owner().displayName()).isEqualTo("bob");
        assertS3Error(() -> get(root, "ac-acl", "from-bob.txt"), 403, "AccessDenied");
        assertThat(root.listObjects(b -> b.bucket("ac-acl").prefix("from-bob")).contents())
                .singleElement()
                .satisfies(o -> assertThat(o.owner().id()).isEqualTo(bobUser.canonicalId()));
        bob.putObjectAcl(b -> b.bucket("ac-acl").key("from-bob.txt").acl(ObjectCannedACL.BUCKET_OWNER_READ));
        assertThat(get(root, "ac-acl", "from-bob.txt")).isEqualTo("bob's");

        // The same for an object too large to be kept in its record: its GET is authorized on the I/O thread and
        // finishes on a worker, where the object's own ACL is checked.
        String large = "bob's large object ".repeat(5000);
        put(bob, "ac-acl", "from-bob-large.txt", large);
        assertS3Error(() -> get(root, "ac-acl", "from-bob-large.txt"), 403, "AccessDenied");
        bob.putObjectAcl(b -> b.bucket("ac-acl").key("from-bob-large.txt").acl(ObjectCannedACL.BUCKET_OWNER_READ));
        assertThat(get(root, "ac-acl", "from-bob-large.txt")).isEqualTo(large);
    }

    @Test
    void aDenyOnAPrefixWinsOverOwnershipAndAcls() {
        root.createBucket(b -> b.bucket("ac-deny"));
        root.putObject(
                b -> b.bucket("ac-deny").key("locked/a.txt").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("a"));
        put(root, "ac-deny", "open/b.txt", "b");
        setPolicy(
                "ac-deny",
                "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                        + "\"Resource\":\"arn:aws:s3:::ac-deny/locked/*\"},"
                        + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + bobUser.canonicalId() + "\"},"
                        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::ac-deny/*\"}]}");
        assertS3Error(() -> get(root, "ac-deny", "locked/a.txt"), 403, "AccessDenied");
        assertS3Error(() -> get(anonymous, "ac-deny", "locked/a.txt"), 403, "AccessDenied");
        assertS3Error(() -> get(bob, "ac-deny", "locked/a.txt"), 403, "AccessDenied");
        assertThat(get(root, "ac-deny", "open/b.txt")).isEqualTo("b");
        assertThat(get(bob, "ac-deny", "open/b.txt")).isEqualTo("b");
        // The owner can still replace the policy that locks it out.
        root.deleteBucketPolicy(b -> b.bucket("ac-deny"));
        assertThat(get(root, "ac-deny", "locked/a.txt")).isEqualTo("a");
    }

    @Test
    void aDenyOnTheObjectsTagsAppliesToTheBucketOwnersReadsToo() {
        root.createBucket(b -> b.bucket("ac-deny-tag"));
        root.putObject(
                b -> b.bucket("ac-deny-tag").key("secret.txt").tagging("class=secret"), RequestBody.fromString("s"));
        put(root, "ac-deny-tag", "plain.txt", "p");
        setPolicy(
                "ac-deny-tag",
                "{\"Version\":\"2012-10-17\",\"Statement\":["
                        + "{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                        + "\"Resource\":\"arn:aws:s3:::ac-deny-tag/*\","
                        + "\"Condition\":{\"StringEquals\":{\"s3:ExistingObjectTag/class\":\"secret\"}}}]}");
        // Decided on the version read, tags included, for the owner as for everyone else.
        assertS3Error(() -> get(root, "ac-deny-tag", "secret.txt"), 403, "AccessDenied");
        assertStatus(() -> root.headObject(b -> b.bucket("ac-deny-tag").key("secret.txt")), 403);
        assertThat(get(root, "ac-deny-tag", "plain.txt")).isEqualTo("p");
    }

    @Test
    void anonymousReadsAPublicReadObjectButNotAPrivateOne() {
        root.createBucket(b -> b.bucket("ac-public"));
        root.putObject(
                b -> b.bucket("ac-public").key("pub.txt").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("public"));
        put(root, "ac-public", "priv.txt", "private");
        assertThat(get(anonymous, "ac-public", "pub.txt")).isEqualTo("public");
        assertThat(anonymous
                        .headObject(b -> b.bucket("ac-public").key("pub.txt"))
                        .contentLength())
                .isEqualTo(6);
        assertS3Error(() -> get(anonymous, "ac-public", "priv.txt"), 403, "AccessDenied");
        // A key that does not exist is no business of a stranger's either.
        assertS3Error(() -> get(anonymous, "ac-public", "missing.txt"), 403, "AccessDenied");
        assertS3Error(() -> put(anonymous, "ac-public", "anon.txt", "x"), 403, "AccessDenied");
        assertS3Error(() -> anonymous.listBuckets(), 403, "AccessDenied");
        assertS3Error(() -> get(anonymous, "ac-no-such-bucket", "k"), 404, "NoSuchBucket");

        GetObjectAclResponse acl = root.getObjectAcl(b -> b.bucket("ac-public").key("pub.txt"));
        assertThat(acl.grants())
                .extracting(g -> g.grantee().uri(), Grant::permission)
                .contains(org.assertj.core.groups.Tuple.tuple(
                        "http://acs.amazonaws.com/groups/global/AllUsers", Permission.READ));
    }

    @Test
    void aPublicReadWriteBucketTakesAnonymousUploadsAndListings() {
        root.createBucket(b -> b.bucket("ac-dropbox").acl(BucketCannedACL.PUBLIC_READ_WRITE));
        put(anonymous, "ac-dropbox", "anon.txt", "hello");
        assertThat(anonymous.listObjectsV2(b -> b.bucket("ac-dropbox")).contents())
                .extracting(o -> o.key())
                .containsExactly("anon.txt");
        assertThat(get(root, "ac-dropbox", "anon.txt")).isEqualTo("hello");
        GetBucketAclResponse acl = root.getBucketAcl(b -> b.bucket("ac-dropbox"));
        assertThat(acl.grants()).hasSize(3);
    }

    @Test
    void listBucketsShowsOnlyTheCallersBuckets() {
        root.createBucket(b -> b.bucket("ac-roots"));
        bob.createBucket(b -> b.bucket("ac-bobs"));
        assertThat(bob.listBuckets().buckets())
                .extracting(b -> b.name())
                .contains("ac-bobs")
                .doesNotContain("ac-roots");
        assertThat(root.listBuckets().buckets())
                .extracting(b -> b.name())
                .contains("ac-roots")
                .doesNotContain("ac-bobs");
    }

    @Test
    void hostilePolicyDocumentsAreMalformedPolicyWithAwsMessageAndChangeNothing() {
        root.createBucket(b -> b.bucket("ac-hostile"));
        String valid = allowBob("ac-hostile", "s3:GetObject", "/*");
        for (String hostile : List.of(
                "{\"Statement\":" + "[".repeat(9_000) + "]".repeat(9_000) + "}", // nested deep, under 20 KB
                "{\"Id\":" + "{\"a\":".repeat(3_000),
                valid + " trailing",
                valid + valid,
                valid.replace("}]}", "},]}"))) {
            assertThatThrownBy(() -> setPolicy("ac-hostile", hostile)).isInstanceOfSatisfying(S3Exception.class, e -> {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicy");
                assertThat(e.awsErrorDetails().errorMessage())
                        .isEqualTo("Policies must be valid JSON and the first byte must be '{'");
            });
        }
        assertS3Error(() -> root.getBucketPolicy(b -> b.bucket("ac-hostile")), 404, "NoSuchBucketPolicy");
        setPolicy("ac-hostile", valid);
        assertThat(root.getBucketPolicy(b -> b.bucket("ac-hostile")).policy()).isEqualTo(valid);
    }

    @Test
    void malformedPoliciesAreRefused() {
        root.createBucket(b -> b.bucket("ac-malformed"));
        assertS3Error(() -> setPolicy("ac-malformed", "{not json"), 400, "MalformedPolicy");
        assertS3Error(
                () -> setPolicy("ac-malformed", allowBob("other-bucket", "s3:GetObject", "/*")),
                400,
                "MalformedPolicy");
        assertS3Error(
                () -> setPolicy(
                        "ac-malformed",
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Principal\":{\"AWS\":\"" + "9".repeat(64) + "\"},\"Action\":\"s3:GetObject\","
                                + "\"Resource\":\"arn:aws:s3:::ac-malformed/*\"}]}"),
                400,
                "MalformedPolicy");
        assertS3Error(() -> root.getBucketPolicy(b -> b.bucket("ac-malformed")), 404, "NoSuchBucketPolicy");
    }

    @Test
    void policyStatusSaysWhetherThePolicyOrTheAclIsPublic() {
        root.createBucket(b -> b.bucket("ac-status"));
        assertThat(root.getBucketPolicyStatus(b -> b.bucket("ac-status"))
                        .policyStatus()
                        .isPublic())
                .isFalse();
        root.putBucketAcl(b -> b.bucket("ac-status").acl(BucketCannedACL.PUBLIC_READ));
        assertThat(root.getBucketPolicyStatus(b -> b.bucket("ac-status"))
                        .policyStatus()
                        .isPublic())
                .isTrue();
        root.putBucketAcl(b -> b.bucket("ac-status").acl(BucketCannedACL.PRIVATE));
        setPolicy("ac-status", allowBob("ac-status", "s3:GetObject", "/*"));
        assertThat(root.getBucketPolicyStatus(b -> b.bucket("ac-status"))
                        .policyStatus()
                        .isPublic())
                .isFalse();
        setPolicy(
                "ac-status",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                        + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::ac-status/*\"}]}");
        assertThat(root.getBucketPolicyStatus(b -> b.bucket("ac-status"))
                        .policyStatus()
                        .isPublic())
                .isTrue();
        put(root, "ac-status", "k", "public by policy");
        assertThat(get(anonymous, "ac-status", "k")).isEqualTo("public by policy");
    }

    @Test
    void publicAccessBlockRefusesAndIgnoresPublicAclsAndPolicies() {
        root.createBucket(b -> b.bucket("ac-block"));
        assertS3Error(
                () -> root.getPublicAccessBlock(b -> b.bucket("ac-block")),
                404,
                "NoSuchPublicAccessBlockConfiguration");
        root.putObject(
                b -> b.bucket("ac-block").key("was-public.txt").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("p"));
        assertThat(get(anonymous, "ac-block", "was-public.txt")).isEqualTo("p");

        root.putPublicAccessBlock(b -> b.bucket("ac-block")
                .publicAccessBlockConfiguration(c -> c.blockPublicAcls(true)
                        .ignorePublicAcls(true)
                        .blockPublicPolicy(true)
                        .restrictPublicBuckets(false)));
        var config = root.getPublicAccessBlock(b -> b.bucket("ac-block")).publicAccessBlockConfiguration();
        assertThat(config.blockPublicAcls()).isTrue();
        assertThat(config.ignorePublicAcls()).isTrue();
        assertThat(config.blockPublicPolicy()).isTrue();
        assertThat(config.restrictPublicBuckets()).isFalse();

        assertS3Error(
                () -> root.putObject(
                        b -> b.bucket("ac-block").key("new.txt").acl(ObjectCannedACL.PUBLIC_READ),
                        RequestBody.fromString("n")),
                403,
                "AccessDenied");
        assertS3Error(() -> get(anonymous, "ac-block", "was-public.txt"), 403, "AccessDenied");
        assertS3Error(
                () -> setPolicy(
                        "ac-block",
                        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                + "\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::ac-block/*\"}]}"),
                403,
                "AccessDenied");
        // A policy naming one account is not public.
        setPolicy("ac-block", allowBob("ac-block", "s3:GetObject", "/*"));

        root.deletePublicAccessBlock(b -> b.bucket("ac-block"));
        assertThat(get(anonymous, "ac-block", "was-public.txt")).isEqualTo("p");
    }

    @Test
    void bucketAclRoundTripsWithXmlAndCannedHeaders() {
        root.createBucket(b -> b.bucket("ac-bucket-acl"));
        GetBucketAclResponse initial = root.getBucketAcl(b -> b.bucket("ac-bucket-acl"));
        assertThat(initial.owner().id()).isEqualTo(Granary.ROOT_ACCOUNT_ID);
        assertThat(initial.grants()).singleElement().satisfies(g -> {
            assertThat(g.grantee().id()).isEqualTo(Granary.ROOT_ACCOUNT_ID);
            assertThat(g.permission()).isEqualTo(Permission.FULL_CONTROL);
        });

        root.putBucketAcl(b -> b.bucket("ac-bucket-acl")
                .accessControlPolicy(AccessControlPolicy.builder()
                        .owner(initial.owner())
                        .grants(
                                Grant.builder()
                                        .grantee(Grantee.builder()
                                                .type(Type.CANONICAL_USER)
                                                .id(Granary.ROOT_ACCOUNT_ID)
                                                .build())
                                        .permission(Permission.FULL_CONTROL)
                                        .build(),
                                Grant.builder()
                                        .grantee(Grantee.builder()
                                                .type(Type.CANONICAL_USER)
                                                .id(bobUser.canonicalId())
                                                .build())
                                        .permission(Permission.READ)
                                        .build(),
                                Grant.builder()
                                        .grantee(Grantee.builder()
                                                .type(Type.GROUP)
                                                .uri("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
                                                .build())
                                        .permission(Permission.READ_ACP)
                                        .build())
                        .build()));
        GetBucketAclResponse after = root.getBucketAcl(b -> b.bucket("ac-bucket-acl"));
        assertThat(after.grants()).hasSize(3);
        // Group grants come first, then grants to users (the order S3-compatible servers and s3-tests expect).
        assertThat(after.grants().get(0).grantee().type()).isEqualTo(Type.GROUP);
        assertThat(after.grants().get(2).grantee().id()).isEqualTo(bobUser.canonicalId());
        assertThat(after.grants().get(2).grantee().displayName()).isEqualTo("bob");
        // READ on the bucket lets bob list; READ_ACP for every signed caller lets him read the ACL.
        put(root, "ac-bucket-acl", "k", "v");
        assertThat(bob.listObjectsV2(b -> b.bucket("ac-bucket-acl")).contents()).hasSize(1);
        assertThat(bob.getBucketAcl(b -> b.bucket("ac-bucket-acl")).grants()).hasSize(3);
        assertS3Error(
                () -> bob.putBucketAcl(b -> b.bucket("ac-bucket-acl").acl(BucketCannedACL.PUBLIC_READ)),
                403,
                "AccessDenied");

        assertS3Error(
                () -> root.putBucketAcl(b -> b.bucket("ac-bucket-acl").grantRead("id=\"" + "7".repeat(64) + "\"")),
                400,
                "InvalidArgument");
        root.putBucketAcl(b -> b.bucket("ac-bucket-acl").acl(BucketCannedACL.PRIVATE));
        assertThat(root.getBucketAcl(b -> b.bucket("ac-bucket-acl")).grants()).hasSize(1);
        assertS3Error(() -> bob.listObjectsV2(b -> b.bucket("ac-bucket-acl")), 403, "AccessDenied");
    }

    @Test
    void objectAclRoundTripsPerVersion() {
        root.createBucket(b -> b.bucket("ac-object-acl"));
        root.putBucketVersioning(
                b -> b.bucket("ac-object-acl").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        PutObjectResponse v1 = root.putObject(b -> b.bucket("ac-object-acl").key("k"), RequestBody.fromString("one"));
        PutObjectResponse v2 = root.putObject(b -> b.bucket("ac-object-acl").key("k"), RequestBody.fromString("two"));
        root.putObjectAcl(b ->
                b.bucket("ac-object-acl").key("k").versionId(v1.versionId()).acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(root.getObjectAcl(b -> b.bucket("ac-object-acl").key("k").versionId(v1.versionId()))
                        .grants())
                .hasSize(2);
        assertThat(root.getObjectAcl(b -> b.bucket("ac-object-acl").key("k").versionId(v2.versionId()))
                        .grants())
                .hasSize(1);
        assertThat(root.getObjectAcl(b -> b.bucket("ac-object-acl").key("k")).grants())
                .hasSize(1);
        assertThat(anonymous
                        .getObjectAsBytes(
                                b -> b.bucket("ac-object-acl").key("k").versionId(v1.versionId()))
                        .asUtf8String())
                .isEqualTo("one");
        assertS3Error(() -> get(anonymous, "ac-object-acl", "k"), 403, "AccessDenied");

        GetObjectAclResponse current =
                root.getObjectAcl(b -> b.bucket("ac-object-acl").key("k"));
        root.putObjectAcl(b -> b.bucket("ac-object-acl")
                .key("k")
                .accessControlPolicy(AccessControlPolicy.builder()
                        .owner(current.owner())
                        .grants(Grant.builder()
                                .grantee(Grantee.builder()
                                        .type(Type.CANONICAL_USER)
                                        .id(bobUser.canonicalId())
                                        .build())
                                .permission(Permission.READ)
                                .build())
                        .build()));
        assertThat(get(bob, "ac-object-acl", "k")).isEqualTo("two");
        assertThat(root.getObjectAcl(b -> b.bucket("ac-object-acl").key("k")).grants())
                .singleElement()
                .satisfies(g -> assertThat(g.grantee().id()).isEqualTo(bobUser.canonicalId()));
    }

    @Test
    void malformedAclXmlIsMalformedAclError() throws Exception {
        root.createBucket(b -> b.bucket("ac-bad-acl"));
        String bad = "<AccessControlPolicy><Owner><ID>" + Granary.ROOT_ACCOUNT_ID + "</ID></Owner>"
                + "<AccessControlList><Grant><Grantee><ID>x</ID></Grantee><Permission>READ</Permission></Grant>"
                + "</AccessControlList></AccessControlPolicy>";
        HttpResponse<String> r = signedPut("/ac-bad-acl?acl", bad);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>MalformedACLError</Code>");
        r = signedPut("/ac-bad-acl?acl", "<AccessControlPolicy><Owner>");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>MalformedACLError</Code>");
    }

    private static HttpResponse<String> signedPut(String pathAndQuery, String body) throws Exception {
        return new SignedHttp(server).send("PUT", pathAndQuery, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void copiesGetTheRequestsAclAndNeedReadAccessToTheSource() {
        root.createBucket(b -> b.bucket("ac-copy"));
        root.putObject(
                b -> b.bucket("ac-copy").key("public.txt").acl(ObjectCannedACL.PUBLIC_READ),
                RequestBody.fromString("p"));
        root.copyObject(b -> b.sourceBucket("ac-copy")
                .sourceKey("public.txt")
                .destinationBucket("ac-copy")
                .destinationKey("copy.txt"));
        assertThat(root.getObjectAcl(b -> b.bucket("ac-copy").key("copy.txt")).grants())
                .hasSize(1);
        assertS3Error(() -> get(anonymous, "ac-copy", "copy.txt"), 403, "AccessDenied");
        root.copyObject(b -> b.sourceBucket("ac-copy")
                .sourceKey("copy.txt")
                .destinationBucket("ac-copy")
                .destinationKey("copy2.txt")
                .acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(get(anonymous, "ac-copy", "copy2.txt")).isEqualTo("p");

        // bob may read the public source but not the private one, and writes only to his own bucket.
        bob.createBucket(b -> b.bucket("ac-copy-bob"));
        bob.copyObject(b -> b.sourceBucket("ac-copy")
                .sourceKey("public.txt")
                .destinationBucket("ac-copy-bob")
                .destinationKey("mine.txt"));
        assertThat(get(bob, "ac-copy-bob", "mine.txt")).isEqualTo("p");
        assertS3Error(
                () -> bob.copyObject(b -> b.sourceBucket("ac-copy")
                        .sourceKey("copy.txt")
                        .destinationBucket("ac-copy-bob")
                        .destinationKey("stolen.txt")),
                403,
                "AccessDenied");
        assertS3Error(
                () -> bob.copyObject(b -> b.sourceBucket("ac-copy")
                        .sourceKey("no-such-key")
                        .destinationBucket("ac-copy-bob")
                        .destinationKey("x")),
                403,
                "AccessDenied");
    }

    @Test
    void deleteObjectsDecidesEachKey() {
        root.createBucket(b -> b.bucket("ac-delete"));
        put(root, "ac-delete", "keep/a", "a");
        put(root, "ac-delete", "free/b", "b");
        setPolicy("ac-delete", allowBob("ac-delete", "s3:DeleteObject", "/free/*"));
        DeleteObjectsResponse r = bob.deleteObjects(b -> b.bucket("ac-delete")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("keep/a").build(),
                        ObjectIdentifier.builder().key("free/b").build())));
        assertThat(r.deleted()).extracting(d -> d.key()).containsExactly("free/b");
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("keep/a");
            assertThat(e.code()).isEqualTo("AccessDenied");
        });
        assertThat(root.listObjectsV2(b -> b.bucket("ac-delete")).contents())
                .extracting(o -> o.key())
                .containsExactly("keep/a");
    }

    @Test
    void multipartUploadsGetTheirAclAtComplete() {
        root.createBucket(b -> b.bucket("ac-multipart"));
        String uploadId = root.createMultipartUpload(
                        b -> b.bucket("ac-multipart").key("big").acl(ObjectCannedACL.PUBLIC_READ))
                .uploadId();
        String etag = root.uploadPart(
                        b -> b.bucket("ac-multipart")
                                .key("big")
                                .uploadId(uploadId)
                                .partNumber(1),
                        RequestBody.fromString("part one"))
                .eTag();
        assertS3Error(() -> get(anonymous, "ac-multipart", "big"), 403, "AccessDenied");
        root.completeMultipartUpload(b -> b.bucket("ac-multipart")
                .key("big")
                .uploadId(uploadId)
                .multipartUpload(m ->
                        m.parts(CompletedPart.builder().partNumber(1).eTag(etag).build())));
        assertThat(get(anonymous, "ac-multipart", "big")).isEqualTo("part one");
        assertThat(root.getObjectAcl(b -> b.bucket("ac-multipart").key("big")).grants())
                .hasSize(2);
    }

    // ---- version-level permissions: the ...Version action and s3:versionid follow the version each check is about

    /**
     * A policy that lets bob do anything in the bucket but {@code denied} on its objects (when {@code condition},
     * a policy Condition block, holds; always when it is null).
     */
    private static String allowBobAllBut(String bucket, String denied, String condition) {
        String bob = "{\"AWS\":\"" + bobUser.canonicalId() + "\"}";
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Principal\":" + bob + ",\"Action\":\"s3:*\",\"Resource\":["
                + "\"arn:aws:s3:::" + bucket + "\",\"arn:aws:s3:::" + bucket + "/*\"]},"
                + "{\"Effect\":\"Deny\",\"Principal\":" + bob + ",\"Action\":\"" + denied + "\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\""
                + (condition == null ? "" : ",\"Condition\":" + condition) + "}]}";
    }

    /** A versioned bucket of root's holding two versions of each key; the version ids, oldest first, per key. */
    private static List<List<String>> versionedBucket(String bucket, String... keys) {
        root.createBucket(b -> b.bucket(bucket));
        root.putBucketVersioning(
                b -> b.bucket(bucket).versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        return java.util.Arrays.stream(keys)
                .map(key -> List.of(
                        root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key + " one"))
                                .versionId(),
                        root.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString(key + " two"))
                                .versionId()))
                .toList();
    }

    private static void assertStatus(Runnable call, int status) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(status));
    }

    @Test
    void aDenyOfGetObjectVersionRefusesReadsOfANamedVersionOnly() {
        String v1 = versionedBucket("ac-ver-get", "k").get(0).get(0);
        setPolicy("ac-ver-get", allowBobAllBut("ac-ver-get", "s3:GetObjectVersion", null));
        assertS3Error(
                () -> bob.getObjectAsBytes(b -> b.bucket("ac-ver-get").key("k").versionId(v1)), 403, "AccessDenied");
        // HEAD answers without a body: the status is all there is.
        assertStatus(() -> bob.headObject(b -> b.bucket("ac-ver-get").key("k").versionId(v1)), 403);
        assertThat(get(bob, "ac-ver-get", "k")).isEqualTo("k two");
        assertThat(bob.headObject(b -> b.bucket("ac-ver-get").key("k")).contentLength())
                .isEqualTo(5);
    }

    @Test
    void aDenyOfObjectVersionAclActionsRefusesTheAclOfANamedVersionOnly() {
        String v1 = versionedBucket("ac-ver-acl", "k").get(0).get(0);
        setPolicy("ac-ver-acl", allowBobAllBut("ac-ver-acl", "s3:GetObjectVersionAcl", null));
        assertS3Error(
                () -> bob.getObjectAcl(b -> b.bucket("ac-ver-acl").key("k").versionId(v1)), 403, "AccessDenied");
        assertThat(bob.getObjectAcl(b -> b.bucket("ac-ver-acl").key("k"))
                        .owner()
                        .id())
                .isEqualTo(Granary.ROOT_ACCOUNT_ID);

        setPolicy("ac-ver-acl", allowBobAllBut("ac-ver-acl", "s3:PutObjectVersionAcl", null));
        assertS3Error(
                () -> bob.putObjectAcl(
                        b -> b.bucket("ac-ver-acl").key("k").versionId(v1).acl(ObjectCannedACL.PUBLIC_READ)),
                403,
                "AccessDenied");
        bob.putObjectAcl(b -> b.bucket("ac-ver-acl").key("k").acl(ObjectCannedACL.PUBLIC_READ));
        assertThat(root.getObjectAcl(b -> b.bucket("ac-ver-acl").key("k").versionId(v1))
                        .grants())
                .hasSize(1);
        assertThat(root.getObjectAcl(b -> b.bucket("ac-ver-acl").key("k")).grants())
                .hasSize(2);
    }

    @Test
    void aDenyOfObjectVersionTaggingActionsRefusesTheTagsOfANamedVersionOnly() {
        String v1 = versionedBucket("ac-ver-tags", "k").get(0).get(0);
        setPolicy("ac-ver-tags", allowBobAllBut("ac-ver-tags", "s3:PutObjectVersionTagging", null));
        assertS3Error(
                () -> bob.putObjectTagging(b -> b.bucket("ac-ver-tags")
                        .key("k")
                        .versionId(v1)
                        .tagging(t ->
                                t.tagSet(Tag.builder().key("team").value("bob").build()))),
                403,
                "AccessDenied");
        bob.putObjectTagging(b -> b.bucket("ac-ver-tags")
                .key("k")
                .tagging(t -> t.tagSet(Tag.builder().key("team").value("bob").build())));
        root.putObjectTagging(b -> b.bucket("ac-ver-tags")
                .key("k")
                .versionId(v1)
                .tagging(t -> t.tagSet(Tag.builder().key("team").value("root").build())));

        setPolicy("ac-ver-tags", allowBobAllBut("ac-ver-tags", "s3:GetObjectVersionTagging", null));
        assertS3Error(
                () -> bob.getObjectTagging(b -> b.bucket("ac-ver-tags").key("k").versionId(v1)), 403, "AccessDenied");
        assertThat(bob.getObjectTagging(b -> b.bucket("ac-ver-tags").key("k")).tagSet())
                .singleElement()
                .satisfies(t -> assertThat(t.value()).isEqualTo("bob"));

        setPolicy("ac-ver-tags", allowBobAllBut("ac-ver-tags", "s3:DeleteObjectVersionTagging", null));
        assertS3Error(
                () -> bob.deleteObjectTagging(
                        b -> b.bucket("ac-ver-tags").key("k").versionId(v1)),
                403,
                "AccessDenied");
        bob.deleteObjectTagging(b -> b.bucket("ac-ver-tags").key("k"));
        assertThat(root.getObjectTagging(b -> b.bucket("ac-ver-tags").key("k")).tagSet())
                .isEmpty();
        assertThat(root.getObjectTagging(b -> b.bucket("ac-ver-tags").key("k").versionId(v1))
                        .tagSet())
                .singleElement()
                .satisfies(t -> assertThat(t.value()).isEqualTo("root"));
    }

    @Test
    void aDenyOfGetObjectVersionAttributesRefusesTheAttributesOfANamedVersionOnly() {
        String v1 = versionedBucket("ac-ver-attrs", "k").get(0).get(0);
        setPolicy("ac-ver-attrs", allowBobAllBut("ac-ver-attrs", "s3:GetObjectVersionAttributes", null));
        assertS3Error(
                () -> bob.getObjectAttributes(b ->
                        b.bucket("ac-ver-attrs").key("k").versionId(v1).objectAttributes(ObjectAttributes.OBJECT_SIZE)),
                403,
                "AccessDenied");
        assertThat(bob.getObjectAttributes(
                                b -> b.bucket("ac-ver-attrs").key("k").objectAttributes(ObjectAttributes.OBJECT_SIZE))
                        .objectSize())
                .isEqualTo(5);
    }

    @Test
    void aDenyOfDeleteObjectVersionRefusesDeletesOfANamedVersionOnly() {
        String v1 = versionedBucket("ac-ver-delete", "k").get(0).get(0);
        setPolicy("ac-ver-delete", allowBobAllBut("ac-ver-delete", "s3:DeleteObjectVersion", null));
        assertS3Error(
                () -> bob.deleteObject(b -> b.bucket("ac-ver-delete").key("k").versionId(v1)), 403, "AccessDenied");
        assertThat(bob.deleteObject(b -> b.bucket("ac-ver-delete").key("k")).deleteMarker())
                .isTrue();
        assertThat(root.getObjectAsBytes(b -> b.bucket("ac-ver-delete").key("k").versionId(v1))
                        .asUtf8String())
                .isEqualTo("k one");
    }

    @Test
    void deleteObjectsDecidesEachEntryAsDeleteObjectVersionWhenItNamesAVersion() {
        List<List<String>> versions = versionedBucket("ac-ver-multi", "a", "b");
        String a1 = versions.get(0).get(0);
        String b1 = versions.get(1).get(0);
        setPolicy("ac-ver-multi", allowBobAllBut("ac-ver-multi", "s3:DeleteObjectVersion", null));
        DeleteObjectsResponse r = bob.deleteObjects(b -> b.bucket("ac-ver-multi")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("a").versionId(a1).build(),
                        ObjectIdentifier.builder().key("b").build())));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("a");
            assertThat(e.versionId()).isEqualTo(a1);
            assertThat(e.code()).isEqualTo("AccessDenied");
        });
        assertThat(r.deleted()).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("b");
            assertThat(d.deleteMarker()).isTrue();
        });
        assertThat(root.getObjectAsBytes(b -> b.bucket("ac-ver-multi").key("a").versionId(a1))
                        .asUtf8String())
                .isEqualTo("a one");

        // s3:versionid is the entry's version id: only the version the condition names is refused.
        setPolicy(
                "ac-ver-multi",
                allowBobAllBut(
                        "ac-ver-multi",
                        "s3:DeleteObjectVersion",
                        "{\"StringEquals\":{\"s3:versionid\":\"" + a1 + "\"}}"));
        r = bob.deleteObjects(b -> b.bucket("ac-ver-multi")
                .delete(d -> d.objects(
                        ObjectIdentifier.builder().key("a").versionId(a1).build(),
                        ObjectIdentifier.builder().key("b").versionId(b1).build())));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.key()).isEqualTo("a");
            assertThat(e.versionId()).isEqualTo(a1);
            assertThat(e.code()).isEqualTo("AccessDenied");
        });
        assertThat(r.deleted()).singleElement().satisfies(d -> {
            assertThat(d.key()).isEqualTo("b");
            assertThat(d.versionId()).isEqualTo(b1);
        });
        assertStatus(
                () -> root.headObject(b -> b.bucket("ac-ver-multi").key("b").versionId(b1)), 404);
    }

    @Test
    void copyObjectFromANamedSourceVersionNeedsGetObjectVersion() {
        List<String> versions = versionedBucket("ac-ver-copy", "k").get(0);
        String v1 = versions.get(0);
        String v2 = versions.get(1);
        setPolicy("ac-ver-copy", allowBobAllBut("ac-ver-copy", "s3:GetObjectVersion", null));
        assertS3Error(
                () -> bob.copyObject(b -> b.sourceBucket("ac-ver-copy")
                        .sourceKey("k")
                        .sourceVersionId(v1)
                        .destinationBucket("ac-ver-copy")
                        .destinationKey("copy")),
                403,
                "AccessDenied");
        bob.copyObject(b -> b.sourceBucket("ac-ver-copy")
                .sourceKey("k")
                .destinationBucket("ac-ver-copy")
                .destinationKey("copy"));
        assertThat(get(bob, "ac-ver-copy", "copy")).isEqualTo("k two");

        // s3:versionid is the source's version id: only the version the condition names is refused.
        setPolicy(
                "ac-ver-copy",
                allowBobAllBut(
                        "ac-ver-copy", "s3:GetObjectVersion", "{\"StringEquals\":{\"s3:versionid\":\"" + v1 + "\"}}"));
        assertS3Error(
                () -> bob.copyObject(b -> b.sourceBucket("ac-ver-copy")
                        .sourceKey("k")
                        .sourceVersionId(v1)
                        .destinationBucket("ac-ver-copy")
                        .destinationKey("copy")),
                403,
                "AccessDenied");
        bob.copyObject(b -> b.sourceBucket("ac-ver-copy")
                .sourceKey("k")
                .sourceVersionId(v2)
                .destinationBucket("ac-ver-copy")
                .destinationKey("copy"));
    }

    @Test
    void uploadPartCopyFromANamedSourceVersionNeedsGetObjectVersion() {
        List<String> versions = versionedBucket("ac-ver-part-copy", "k").get(0);
        String v1 = versions.get(0);
        String v2 = versions.get(1);
        setPolicy("ac-ver-part-copy", allowBobAllBut("ac-ver-part-copy", "s3:GetObjectVersion", null));
        String uploadId = bob.createMultipartUpload(
                        b -> b.bucket("ac-ver-part-copy").key("parts"))
                .uploadId();
        assertS3Error(
                () -> bob.uploadPartCopy(b -> b.sourceBucket("ac-ver-part-copy")
                        .sourceKey("k")
                        .sourceVersionId(v1)
                        .destinationBucket("ac-ver-part-copy")
                        .destinationKey("parts")
                        .uploadId(uploadId)
                        .partNumber(1)),
                403,
                "AccessDenied");
        bob.uploadPartCopy(b -> b.sourceBucket("ac-ver-part-copy")
                .sourceKey("k")
                .destinationBucket("ac-ver-part-copy")
                .destinationKey("parts")
                .uploadId(uploadId)
                .partNumber(1));

        setPolicy(
                "ac-ver-part-copy",
                allowBobAllBut(
                        "ac-ver-part-copy",
                        "s3:GetObjectVersion",
                        "{\"StringEquals\":{\"s3:versionid\":\"" + v1 + "\"}}"));
        assertS3Error(
                () -> bob.uploadPartCopy(b -> b.sourceBucket("ac-ver-part-copy")
                        .sourceKey("k")
                        .sourceVersionId(v1)
                        .destinationBucket("ac-ver-part-copy")
                        .destinationKey("parts")
                        .uploadId(uploadId)
                        .partNumber(2)),
                403,
                "AccessDenied");
        bob.uploadPartCopy(b -> b.sourceBucket("ac-ver-part-copy")
                .sourceKey("k")
                .sourceVersionId(v2)
                .destinationBucket("ac-ver-part-copy")
                .destinationKey("parts")
                .uploadId(uploadId)
                .partNumber(2));
        assertThat(bob.listParts(b -> b.bucket("ac-ver-part-copy").key("parts").uploadId(uploadId))
                        .parts())
                .extracting(p -> p.partNumber())
                .containsExactly(1, 2);
        bob.abortMultipartUpload(b -> b.bucket("ac-ver-part-copy").key("parts").uploadId(uploadId));
    }

    // ---- SSE-C: a caller who may not read an object learns nothing about how it is encrypted

    /** An SSE-C key as the SDK sends it: base64 of the key and base64 of its MD5. */
    private record CustomerKey(String key, String md5) {
        static CustomerKey of(byte fill) {
            byte[] k = new byte[32];
            java.util.Arrays.fill(k, fill);
            try {
                Base64.Encoder b64 = Base64.getEncoder();
                return new CustomerKey(
                        b64.encodeToString(k),
                        b64.encodeToString(MessageDigest.getInstance("MD5").digest(k)));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** GETs and HEADs an SSE-C object without its key, with a key whose MD5 is wrong and with another key. */
    private static void assertEveryReadIsAccessDenied(S3Client client, String bucket, String key, CustomerKey right) {
        CustomerKey other = CustomerKey.of((byte) 9);
        CustomerKey badMd5 = new CustomerKey(right.key(), other.md5());
        assertS3Error(() -> get(client, bucket, key), 403, "AccessDenied");
        assertStatus(() -> client.headObject(b -> b.bucket(bucket).key(key)), 403);
        for (CustomerKey ck : List.of(badMd5, other)) {
            assertS3Error(
                    () -> client.getObjectAsBytes(b -> b.bucket(bucket)
                            .key(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ck.key())
                            .sseCustomerKeyMD5(ck.md5())),
                    403,
                    "AccessDenied");
            assertStatus(
                    () -> client.headObject(b -> b.bucket(bucket)
                            .key(key)
                            .sseCustomerAlgorithm("AES256")
                            .sseCustomerKey(ck.key())
                            .sseCustomerKeyMD5(ck.md5())),
                    403);
        }
    }

    @Test
    void aDeniedReadOfAnSseCustomerObjectIsAccessDeniedWhateverKeyHeadersItSends() {
        root.createBucket(b -> b.bucket("ac-sse-c"));
        root.putBucketAcl(b -> b.bucket("ac-sse-c")
                .grantWrite("id=\"" + bobUser.canonicalId() + "\"")
                .grantFullControl("id=\"" + Granary.ROOT_ACCOUNT_ID + "\""));
        CustomerKey rootKey = CustomerKey.of((byte) 1);
        root.putObject(
                b -> b.bucket("ac-sse-c")
                        .key("roots")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(rootKey.key())
                        .sseCustomerKeyMD5(rootKey.md5()),
                RequestBody.fromString("root's secret"));
        CustomerKey bobKey = CustomerKey.of((byte) 2);
        bob.putObject(
                b -> b.bucket("ac-sse-c")
                        .key("bobs")
                        .sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(bobKey.key())
                        .sseCustomerKeyMD5(bobKey.md5()),
                RequestBody.fromString("bob's secret"));

        // A stranger to the object, and the bucket owner reading an object another account uploaded privately.
        assertEveryReadIsAccessDenied(bob, "ac-sse-c", "roots", rootKey);
        assertEveryReadIsAccessDenied(root, "ac-sse-c", "bobs", bobKey);
        // Allowed, the key is checked as before.
        assertS3Error(() -> get(bob, "ac-sse-c", "bobs"), 400, "InvalidRequest");
        assertThat(bob.getObjectAsBytes(b -> b.bucket("ac-sse-c")
                                .key("bobs")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(bobKey.key())
                                .sseCustomerKeyMD5(bobKey.md5()))
                        .asUtf8String())
                .isEqualTo("bob's secret");
    }
}
