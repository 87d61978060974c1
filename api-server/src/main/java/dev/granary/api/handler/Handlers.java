package dev.granary.api.handler;

import dev.granary.api.cors.Cors;
import dev.granary.api.error.S3Error;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.api.route.S3Operation;
import dev.granary.api.sse.SseKeys;
import dev.granary.auth.PostPolicyVerifier;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.ObjectStore;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/** The operation table: one handler per {@link S3Operation}, unsupported ones on purpose. */
public final class Handlers {
    private Handlers() {}

    /**
     * The table over {@code store}; {@code disk} is the store's disk as the health checks report it (null for none).
     */
    public static Map<S3Operation, OperationHandler> create(
            ObjectStore store,
            String region,
            PostPolicyVerifier postPolicies,
            Owners owners,
            SseKeys sseKeys,
            AccessControl access,
            Supplier<DiskStatus> disk) {
        Map<S3Operation, OperationHandler> h = new EnumMap<>(S3Operation.class);
        Encryption encryption = new Encryption(sseKeys, store);
        h.put(S3Operation.LIST_BUCKETS, new ListBucketsHandler(store, owners));
        h.put(S3Operation.CREATE_BUCKET, new CreateBucketHandler(store, region, access));
        h.put(S3Operation.HEAD_BUCKET, new HeadBucketHandler(store));
        h.put(S3Operation.DELETE_BUCKET, new DeleteBucketHandler(store, access));
        h.put(S3Operation.GET_BUCKET_LOCATION, new GetBucketLocationHandler(store));
        h.put(S3Operation.GET_BUCKET_VERSIONING, new GetBucketVersioningHandler(store));
        h.put(S3Operation.PUT_BUCKET_VERSIONING, new PutBucketVersioningHandler(store));
        LifecycleConfigs lifecycle = new LifecycleConfigs(store);
        h.put(S3Operation.GET_BUCKET_LIFECYCLE, new GetBucketLifecycleHandler(lifecycle));
        h.put(S3Operation.PUT_BUCKET_LIFECYCLE, new PutBucketLifecycleHandler(lifecycle));
        h.put(S3Operation.DELETE_BUCKET_LIFECYCLE, new DeleteBucketLifecycleHandler(lifecycle));
        h.put(S3Operation.GET_BUCKET_ACL, new GetBucketAclHandler(access));
        h.put(S3Operation.PUT_BUCKET_ACL, new PutBucketAclHandler(store, access));
        h.put(S3Operation.GET_BUCKET_POLICY, new GetBucketPolicyHandler(store));
        h.put(S3Operation.PUT_BUCKET_POLICY, new PutBucketPolicyHandler(store, access));
        h.put(S3Operation.DELETE_BUCKET_POLICY, new DeleteBucketPolicyHandler(store, access));
        h.put(S3Operation.GET_BUCKET_POLICY_STATUS, new GetBucketPolicyStatusHandler(access));
        h.put(S3Operation.GET_PUBLIC_ACCESS_BLOCK, new GetPublicAccessBlockHandler(access));
        h.put(S3Operation.PUT_PUBLIC_ACCESS_BLOCK, new PutPublicAccessBlockHandler(store, access));
        h.put(S3Operation.DELETE_PUBLIC_ACCESS_BLOCK, new DeletePublicAccessBlockHandler(store, access));
        Cors cors = new Cors(store);
        h.put(S3Operation.PUT_BUCKET_CORS, new PutBucketCorsHandler(store));
        h.put(S3Operation.GET_BUCKET_CORS, new GetBucketCorsHandler(cors));
        h.put(S3Operation.DELETE_BUCKET_CORS, new DeleteBucketCorsHandler(store));
        h.put(S3Operation.CORS_PREFLIGHT, new CorsPreflightHandler(cors));
        h.put(S3Operation.PUT_BUCKET_TAGGING, new PutBucketTaggingHandler(store));
        h.put(S3Operation.GET_BUCKET_TAGGING, new GetBucketTaggingHandler(store));
        h.put(S3Operation.DELETE_BUCKET_TAGGING, new DeleteBucketTaggingHandler(store));
        h.put(S3Operation.PUT_BUCKET_ENCRYPTION, new PutBucketEncryptionHandler(store));
        h.put(S3Operation.GET_BUCKET_ENCRYPTION, new GetBucketEncryptionHandler(store));
        h.put(S3Operation.DELETE_BUCKET_ENCRYPTION, new DeleteBucketEncryptionHandler(store));
        h.put(S3Operation.LIST_OBJECTS, new ListObjectsHandler(store, owners, false));
        h.put(S3Operation.LIST_OBJECTS_V2, new ListObjectsHandler(store, owners, true));
        h.put(S3Operation.LIST_OBJECT_VERSIONS, new ListObjectVersionsHandler(store, owners));
        h.put(S3Operation.LIST_MULTIPART_UPLOADS, new ListMultipartUploadsHandler(store, owners));
        h.put(S3Operation.PUT_OBJECT, new PutObjectHandler(store, encryption, lifecycle, access));
        h.put(S3Operation.COPY_OBJECT, new CopyObjectHandler(store, encryption, lifecycle, access));
        h.put(S3Operation.APPEND_OBJECT, new AppendObjectHandler(store, encryption, access));
        h.put(S3Operation.PUT_SYMLINK, new Symlinks.Put(store, access));
        h.put(S3Operation.GET_SYMLINK, new Symlinks.Get(store));
        h.put(S3Operation.GET_OBJECT, new GetObjectHandler(store, false, encryption, lifecycle));
        h.put(S3Operation.HEAD_OBJECT, new GetObjectHandler(store, true, encryption, lifecycle));
        h.put(S3Operation.DELETE_OBJECT, new DeleteObjectHandler(store));
        h.put(S3Operation.DELETE_OBJECTS, new DeleteObjectsHandler(store, access));
        h.put(S3Operation.GET_OBJECT_ACL, new GetObjectAclHandler(store, access));
        h.put(S3Operation.PUT_OBJECT_ACL, new PutObjectAclHandler(store, access));
        h.put(S3Operation.GET_OBJECT_ATTRIBUTES, new GetObjectAttributesHandler(store, encryption));
        h.put(S3Operation.PUT_OBJECT_TAGGING, new PutObjectTaggingHandler(store));
        h.put(S3Operation.GET_OBJECT_TAGGING, new GetObjectTaggingHandler(store));
        h.put(S3Operation.DELETE_OBJECT_TAGGING, new DeleteObjectTaggingHandler(store));
        h.put(S3Operation.CREATE_MULTIPART_UPLOAD, new CreateMultipartUploadHandler(store, encryption, access));
        h.put(S3Operation.UPLOAD_PART, new UploadPartHandler(store, encryption));
        h.put(S3Operation.UPLOAD_PART_COPY, new UploadPartCopyHandler(store, encryption, access));
        h.put(S3Operation.COMPLETE_MULTIPART_UPLOAD, new CompleteMultipartUploadHandler(store, lifecycle));
        h.put(S3Operation.ABORT_MULTIPART_UPLOAD, new AbortMultipartUploadHandler(store));
        h.put(S3Operation.LIST_PARTS, new ListPartsHandler(store, owners));
        h.put(S3Operation.HEALTH, new HealthHandler(disk == null ? () -> null : disk));
        h.put(S3Operation.UNSUPPORTED_BUCKET_SUBRESOURCE, new NotImplementedHandler(S3Error.NOT_IMPLEMENTED));
        h.put(S3Operation.UNSUPPORTED_OBJECT_SUBRESOURCE, new NotImplementedHandler(S3Error.NOT_IMPLEMENTED));
        h.put(S3Operation.POST_OBJECT, new PostObjectHandler(store, postPolicies, encryption, access));
        h.put(S3Operation.METHOD_NOT_ALLOWED, new NotImplementedHandler(S3Error.METHOD_NOT_ALLOWED));
        return h;
    }
}
