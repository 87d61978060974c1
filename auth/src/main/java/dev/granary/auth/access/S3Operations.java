package dev.granary.auth.access;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What each S3 operation needs: the IAM action a bucket policy names it by, and the ACL permission that grants
 * it, as the S3 API reference lists them. The API server looks its route's operation up here once per request
 * (through {@link AccessEvaluator}).
 *
 * <p>Two operations need more than one check, as in S3: DeleteObjects is decided per key (each as
 * {@code s3:DeleteObject} on that key, {@code s3:DeleteObjectVersion} when the entry names a version), and
 * CopyObject and UploadPartCopy need, besides {@code s3:PutObject} on the destination, a GetObject decision on the
 * source bucket and key ({@code s3:GetObjectVersion} when the copy source names a version).
 */
public final class S3Operations {

    /** The resource an operation acts on. */
    public enum Scope {
        /** No bucket: ListBuckets, CreateBucket (the bucket does not exist yet). */
        SERVICE,
        /** The bucket itself: the resource is {@code arn:aws:s3:::bucket}. */
        BUCKET,
        /** An object: the resource is {@code arn:aws:s3:::bucket/key}. */
        OBJECT
    }

    /** Whose ACL can grant an operation. */
    public enum AclTarget {
        /** No ACL grants it: only the owner, or a bucket policy. */
        NONE,
        /** The bucket's ACL (listing; writing and deleting objects is WRITE on the bucket). */
        BUCKET,
        /** The object's ACL. */
        OBJECT
    }

    /**
     * The access an operation needs.
     *
     * @param operation the S3 operation name, e.g. "ListObjectsV2"
     * @param action the IAM action, e.g. "s3:ListBucket"
     * @param versionedAction the IAM action when the check is about a named version (s3:GetObjectVersion), or
     *     null when the operation has no such variant
     * @param scope the resource the action applies to
     * @param aclTarget whose ACL can grant it
     * @param aclPermission the ACL permission that grants it, or null when {@code aclTarget} is NONE
     * @param ownerAccountOnly whether only the bucket owner's account may ever call it, as for the bucket policy
     *     operations (a bucket policy cannot delegate them)
     */
    public record OperationAccess(
            String operation,
            String action,
            String versionedAction,
            Scope scope,
            AclTarget aclTarget,
            Permission aclPermission,
            boolean ownerAccountOnly) {

        /**
         * The IAM action for a request.
         *
         * @param versioned whether the check is about a named version (a versionId)
         * @return the action
         */
        public String action(boolean versioned) {
            return versioned && versionedAction != null ? versionedAction : action;
        }
    }

    private static final Map<String, OperationAccess> TABLE = new HashMap<>();
    private static final Set<String> UNCHECKED = Set.of("PreflightRequest", "Health");

    static {
        // Service level.
        service("ListBuckets", "s3:ListAllMyBuckets");
        service("CreateBucket", "s3:CreateBucket");
        // Bucket level, granted by the bucket ACL.
        bucket("HeadBucket", "s3:ListBucket", Permission.READ);
        bucket("ListObjects", "s3:ListBucket", Permission.READ);
        bucket("ListObjectsV2", "s3:ListBucket", Permission.READ);
        bucket("ListObjectVersions", "s3:ListBucketVersions", Permission.READ);
        bucket("ListMultipartUploads", "s3:ListBucketMultipartUploads", Permission.READ);
        bucket("GetBucketAcl", "s3:GetBucketAcl", Permission.READ_ACP);
        bucket("PutBucketAcl", "s3:PutBucketAcl", Permission.WRITE_ACP);
        // Bucket level, owner or bucket policy only.
        String[][] ownerOrPolicy = {
            {"DeleteBucket", "s3:DeleteBucket"},
            {"GetBucketLocation", "s3:GetBucketLocation"},
            {"GetBucketVersioning", "s3:GetBucketVersioning"},
            {"PutBucketVersioning", "s3:PutBucketVersioning"},
            {"GetBucketCors", "s3:GetBucketCORS"},
            {"PutBucketCors", "s3:PutBucketCORS"},
            {"DeleteBucketCors", "s3:PutBucketCORS"},
            {"GetBucketTagging", "s3:GetBucketTagging"},
            {"PutBucketTagging", "s3:PutBucketTagging"},
            {"DeleteBucketTagging", "s3:PutBucketTagging"},
            {"GetBucketPolicyStatus", "s3:GetBucketPolicyStatus"},
            {"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
            {"PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
            {"DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
            {"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls"},
            {"PutBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
            {"DeleteBucketOwnershipControls", "s3:PutBucketOwnershipControls"},
            {"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
            {"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
            {"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
            {"GetBucketEncryption", "s3:GetEncryptionConfiguration"},
            {"PutBucketEncryption", "s3:PutEncryptionConfiguration"},
            {"DeleteBucketEncryption", "s3:PutEncryptionConfiguration"},
            {"GetBucketWebsite", "s3:GetBucketWebsite"},
            {"PutBucketWebsite", "s3:PutBucketWebsite"},
            {"DeleteBucketWebsite", "s3:DeleteBucketWebsite"},
            {"GetBucketLogging", "s3:GetBucketLogging"},
            {"PutBucketLogging", "s3:PutBucketLogging"},
            {"GetBucketNotificationConfiguration", "s3:GetBucketNotification"},
            {"PutBucketNotificationConfiguration", "s3:PutBucketNotification"},
            {"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration"},
            {"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration"},
            {"GetBucketRequestPayment", "s3:GetBucketRequestPayment"},
            {"PutBucketRequestPayment", "s3:PutBucketRequestPayment"},
        };
        for (String[] e : ownerOrPolicy) {
            put(new OperationAccess(e[0], e[1], null, Scope.BUCKET, AclTarget.NONE, null, false));
        }
        for (String[] e : new String[][] {
            {"GetBucketPolicy", "s3:GetBucketPolicy"},
            {"PutBucketPolicy", "s3:PutBucketPolicy"},
            {"DeleteBucketPolicy", "s3:DeleteBucketPolicy"}
        }) {
            put(new OperationAccess(e[0], e[1], null, Scope.BUCKET, AclTarget.NONE, null, true));
        }
        // Object writes: WRITE on the bucket.
        for (String op : new String[] {
            "PutObject",
            "PostObject",
            "CopyObject",
            "CreateMultipartUpload",
            "UploadPart",
            "UploadPartCopy",
            "CompleteMultipartUpload",
            "AppendObject", // Alibaba Cloud OSS's, as PutSymlink
            "PutSymlink"
        }) {
            put(new OperationAccess(op, "s3:PutObject", null, Scope.OBJECT, AclTarget.BUCKET, Permission.WRITE, false));
        }
        put(new OperationAccess(
                "DeleteObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                Scope.OBJECT,
                AclTarget.BUCKET,
                Permission.WRITE,
                false));
        put(new OperationAccess(
                "DeleteObjects",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                Scope.OBJECT,
                AclTarget.BUCKET,
                Permission.WRITE,
                false));
        put(new OperationAccess(
                "AbortMultipartUpload",
                "s3:AbortMultipartUpload",
                null,
                Scope.OBJECT,
                AclTarget.BUCKET,
                Permission.WRITE,
                false));
        put(new OperationAccess(
                "ListParts",
                "s3:ListMultipartUploadParts",
                null,
                Scope.OBJECT,
                AclTarget.BUCKET,
                Permission.READ,
                false));
        // Object reads: the object's ACL.
        object("GetObject", "s3:GetObject", "s3:GetObjectVersion", Permission.READ);
        object("HeadObject", "s3:GetObject", "s3:GetObjectVersion", Permission.READ);
        object("GetSymlink", "s3:GetObject", "s3:GetObjectVersion", Permission.READ); // Alibaba Cloud OSS's
        object("GetObjectAttributes", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes", Permission.READ);
        object("GetObjectTagging", "s3:GetObjectTagging", "s3:GetObjectVersionTagging", Permission.READ);
        object("GetObjectAcl", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", Permission.READ_ACP);
        object("PutObjectAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl", Permission.WRITE_ACP);
        // Object level, owner or bucket policy only.
        for (String[] e : new String[][] {
            {"PutObjectTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging"},
            {"DeleteObjectTagging", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging"},
            {"RestoreObject", "s3:RestoreObject", null},
            {"GetObjectRetention", "s3:GetObjectRetention", null},
            {"PutObjectRetention", "s3:PutObjectRetention", null},
            {"GetObjectLegalHold", "s3:GetObjectLegalHold", null},
            {"PutObjectLegalHold", "s3:PutObjectLegalHold", null}
        }) {
            put(new OperationAccess(e[0], e[1], e[2], Scope.OBJECT, AclTarget.NONE, null, false));
        }
    }

    private S3Operations() {}

    private static void service(String op, String action) {
        put(new OperationAccess(op, action, null, Scope.SERVICE, AclTarget.NONE, null, false));
    }

    private static void bucket(String op, String action, Permission permission) {
        put(new OperationAccess(op, action, null, Scope.BUCKET, AclTarget.BUCKET, permission, false));
    }

    private static void object(String op, String action, String versioned, Permission permission) {
        put(new OperationAccess(op, action, versioned, Scope.OBJECT, AclTarget.OBJECT, permission, false));
    }

    private static void put(OperationAccess access) {
        TABLE.put(access.operation(), access);
    }

    /**
     * Looks an operation up.
     *
     * @param operation the S3 operation name as in the API reference ("GetObject", "ListObjectsV2")
     * @return what it needs, or empty for the operations no access check applies to (CORS preflight, health)
     * @throws IllegalArgumentException for an operation the table does not know: a new operation must be added
     *     here rather than slip through unchecked
     */
    public static Optional<OperationAccess> forOperation(String operation) {
        OperationAccess access = TABLE.get(operation);
        if (access != null) {
            return Optional.of(access);
        }
        if (UNCHECKED.contains(operation)) {
            return Optional.empty();
        }
        throw new IllegalArgumentException("no access rule for S3 operation " + operation);
    }
}
