package dev.granary.auth.access;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The IAM actions of S3 that a bucket policy may name, each with the resource type it applies to, for validating
 * policies ("Policy has invalid action", "Action does not apply to any resource(s) in statement").
 */
final class S3Actions {

    /** What kind of resource an action acts on. */
    enum ResourceType {
        BUCKET,
        OBJECT,
        /** Account-level actions (ListAllMyBuckets): they apply to no resource of a bucket policy. */
        ACCOUNT
    }

    private static final Map<String, ResourceType> TYPES = new HashMap<>();

    static {
        for (String a : new String[] {
            "CreateBucket",
            "DeleteBucket",
            "ListBucket",
            "ListBucketVersions",
            "ListBucketMultipartUploads",
            "GetBucketLocation",
            "GetBucketVersioning",
            "PutBucketVersioning",
            "GetBucketAcl",
            "PutBucketAcl",
            "GetBucketCORS",
            "PutBucketCORS",
            "GetBucketPolicy",
            "PutBucketPolicy",
            "DeleteBucketPolicy",
            "GetBucketPolicyStatus",
            "GetBucketTagging",
            "PutBucketTagging",
            "GetBucketWebsite",
            "PutBucketWebsite",
            "DeleteBucketWebsite",
            "GetLifecycleConfiguration",
            "PutLifecycleConfiguration",
            "GetBucketLogging",
            "PutBucketLogging",
            "GetBucketNotification",
            "PutBucketNotification",
            "GetEncryptionConfiguration",
            "PutEncryptionConfiguration",
            "GetBucketPublicAccessBlock",
            "PutBucketPublicAccessBlock",
            "GetBucketOwnershipControls",
            "PutBucketOwnershipControls",
            "GetBucketObjectLockConfiguration",
            "PutBucketObjectLockConfiguration",
            "GetReplicationConfiguration",
            "PutReplicationConfiguration",
            "GetBucketRequestPayment",
            "PutBucketRequestPayment",
            "GetAccelerateConfiguration",
            "PutAccelerateConfiguration",
            "GetAnalyticsConfiguration",
            "PutAnalyticsConfiguration",
            "GetInventoryConfiguration",
            "PutInventoryConfiguration",
            "GetMetricsConfiguration",
            "PutMetricsConfiguration",
            "GetIntelligentTieringConfiguration",
            "PutIntelligentTieringConfiguration"
        }) {
            TYPES.put("s3:" + a.toLowerCase(Locale.ROOT), ResourceType.BUCKET);
        }
        for (String a : new String[] {
            "GetObject",
            "GetObjectVersion",
            "PutObject",
            "DeleteObject",
            "DeleteObjectVersion",
            "GetObjectAcl",
            "GetObjectVersionAcl",
            "PutObjectAcl",
            "PutObjectVersionAcl",
            "GetObjectTagging",
            "GetObjectVersionTagging",
            "PutObjectTagging",
            "PutObjectVersionTagging",
            "DeleteObjectTagging",
            "DeleteObjectVersionTagging",
            "AbortMultipartUpload",
            "ListMultipartUploadParts",
            "RestoreObject",
            "GetObjectAttributes",
            "GetObjectVersionAttributes",
            "GetObjectRetention",
            "PutObjectRetention",
            "GetObjectLegalHold",
            "PutObjectLegalHold",
            "BypassGovernanceRetention",
            "GetObjectTorrent",
            "GetObjectVersionTorrent",
            "ReplicateObject",
            "ReplicateDelete",
            "ReplicateTags",
            "ObjectOwnerOverrideToBucketOwner",
            "GetObjectVersionForReplication"
        }) {
            TYPES.put("s3:" + a.toLowerCase(Locale.ROOT), ResourceType.OBJECT);
        }
        for (String a : new String[] {
            "ListAllMyBuckets", "GetAccountPublicAccessBlock", "PutAccountPublicAccessBlock", "CreateJob"
        }) {
            TYPES.put("s3:" + a.toLowerCase(Locale.ROOT), ResourceType.ACCOUNT);
        }
    }

    private S3Actions() {}

    /** The resource type of a literal action (any case), or null when S3 has no such action. */
    static ResourceType typeOf(String action) {
        return TYPES.get(action.toLowerCase(Locale.ROOT));
    }

    /** Whether a wildcard action pattern matches at least one S3 action. */
    static boolean matchesAny(String pattern) {
        return TYPES.keySet().stream().anyMatch(a -> Glob.matches(pattern, a, true));
    }
}
