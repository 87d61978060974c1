package dev.granary.api.route;

import dev.granary.metering.RequestClass;

/**
 * Every S3 operation Granary recognises, named as in the AWS S3 API reference. The vocabulary of logs,
 * metrics, metering and (later) policy. Operations recognised but not implemented map to NotImplemented.
 */
public enum S3Operation {
    LIST_BUCKETS("ListBuckets", RequestClass.WRITE),
    CREATE_BUCKET("CreateBucket", RequestClass.WRITE),
    HEAD_BUCKET("HeadBucket", RequestClass.READ),
    DELETE_BUCKET("DeleteBucket", RequestClass.FREE),
    GET_BUCKET_LOCATION("GetBucketLocation", RequestClass.READ),
    GET_BUCKET_VERSIONING("GetBucketVersioning", RequestClass.READ),
    PUT_BUCKET_VERSIONING("PutBucketVersioning", RequestClass.WRITE),
    GET_BUCKET_LIFECYCLE("GetBucketLifecycleConfiguration", RequestClass.READ),
    PUT_BUCKET_LIFECYCLE("PutBucketLifecycleConfiguration", RequestClass.WRITE),
    DELETE_BUCKET_LIFECYCLE("DeleteBucketLifecycle", RequestClass.WRITE),
    GET_BUCKET_ACL("GetBucketAcl", RequestClass.READ),
    PUT_BUCKET_ACL("PutBucketAcl", RequestClass.WRITE),
    GET_BUCKET_POLICY("GetBucketPolicy", RequestClass.READ),
    PUT_BUCKET_POLICY("PutBucketPolicy", RequestClass.WRITE),
    DELETE_BUCKET_POLICY("DeleteBucketPolicy", RequestClass.FREE),
    GET_BUCKET_POLICY_STATUS("GetBucketPolicyStatus", RequestClass.READ),
    GET_PUBLIC_ACCESS_BLOCK("GetPublicAccessBlock", RequestClass.READ),
    PUT_PUBLIC_ACCESS_BLOCK("PutPublicAccessBlock", RequestClass.WRITE),
    DELETE_PUBLIC_ACCESS_BLOCK("DeletePublicAccessBlock", RequestClass.FREE),
    PUT_BUCKET_CORS("PutBucketCors", RequestClass.WRITE),
    GET_BUCKET_CORS("GetBucketCors", RequestClass.READ),
    DELETE_BUCKET_CORS("DeleteBucketCors", RequestClass.FREE),
    PUT_BUCKET_TAGGING("PutBucketTagging", RequestClass.WRITE),
    GET_BUCKET_TAGGING("GetBucketTagging", RequestClass.READ),
    DELETE_BUCKET_TAGGING("DeleteBucketTagging", RequestClass.FREE),
    PUT_BUCKET_ENCRYPTION("PutBucketEncryption", RequestClass.WRITE),
    GET_BUCKET_ENCRYPTION("GetBucketEncryption", RequestClass.READ),
    DELETE_BUCKET_ENCRYPTION("DeleteBucketEncryption", RequestClass.FREE),
    /** A CORS preflight ({@code OPTIONS}): answered from the bucket's rules without authentication. */
    CORS_PREFLIGHT("PreflightRequest", RequestClass.READ),
    LIST_OBJECTS("ListObjects", RequestClass.WRITE),
    LIST_OBJECTS_V2("ListObjectsV2", RequestClass.WRITE),
    LIST_OBJECT_VERSIONS("ListObjectVersions", RequestClass.WRITE),
    LIST_MULTIPART_UPLOADS("ListMultipartUploads", RequestClass.WRITE),
    PUT_OBJECT("PutObject", RequestClass.WRITE),
    COPY_OBJECT("CopyObject", RequestClass.WRITE),
    /** Alibaba Cloud OSS's AppendObject ({@code POST ?append&position=}). */
    APPEND_OBJECT("AppendObject", RequestClass.WRITE),
    /** Alibaba Cloud OSS's PutSymlink ({@code PUT ?symlink}). */
    PUT_SYMLINK("PutSymlink", RequestClass.WRITE),
    /** Alibaba Cloud OSS's GetSymlink ({@code GET ?symlink}). */
    GET_SYMLINK("GetSymlink", RequestClass.READ),
    GET_OBJECT("GetObject", RequestClass.READ),
    HEAD_OBJECT("HeadObject", RequestClass.READ),
    DELETE_OBJECT("DeleteObject", RequestClass.FREE),
    DELETE_OBJECTS("DeleteObjects", RequestClass.WRITE),
    GET_OBJECT_ACL("GetObjectAcl", RequestClass.READ),
    PUT_OBJECT_ACL("PutObjectAcl", RequestClass.WRITE),
    GET_OBJECT_ATTRIBUTES("GetObjectAttributes", RequestClass.READ),
    PUT_OBJECT_TAGGING("PutObjectTagging", RequestClass.WRITE),
    GET_OBJECT_TAGGING("GetObjectTagging", RequestClass.READ),
    DELETE_OBJECT_TAGGING("DeleteObjectTagging", RequestClass.FREE),
    CREATE_MULTIPART_UPLOAD("CreateMultipartUpload", RequestClass.WRITE),
    UPLOAD_PART("UploadPart", RequestClass.WRITE),
    UPLOAD_PART_COPY("UploadPartCopy", RequestClass.WRITE),
    COMPLETE_MULTIPART_UPLOAD("CompleteMultipartUpload", RequestClass.WRITE),
    ABORT_MULTIPART_UPLOAD("AbortMultipartUpload", RequestClass.FREE),
    LIST_PARTS("ListParts", RequestClass.WRITE),
    /** Health checks: answered without authentication, never billed. */
    HEALTH("Health", RequestClass.FREE),
    /** A bucket or object subresource (policy, lifecycle...) that is recognised but not implemented yet. */
    UNSUPPORTED_BUCKET_SUBRESOURCE("UnsupportedBucketSubresource", RequestClass.READ),
    UNSUPPORTED_OBJECT_SUBRESOURCE("UnsupportedObjectSubresource", RequestClass.READ),
    /** HTML form upload (POST object); comes with the browser issue. */
    POST_OBJECT("PostObject", RequestClass.WRITE),
    /** A method S3 does not define for the resource. */
    METHOD_NOT_ALLOWED("MethodNotAllowed", RequestClass.FREE);

    private final String awsName;
    private final RequestClass requestClass;

    S3Operation(String awsName, RequestClass requestClass) {
        this.awsName = awsName;
        this.requestClass = requestClass;
    }

    /** The operation's name in the AWS API reference, e.g. {@code PutObject}. */
    public String awsName() {
        return awsName;
    }

    public RequestClass requestClass() {
        return requestClass;
    }
}
