package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.access.AccessEvaluator.BucketState;
import dev.granary.auth.access.Acl;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * PutBucketAcl: replaces the bucket's ACL with a canned {@code x-amz-acl}, {@code x-amz-grant-*} headers or an
 * AccessControlPolicy body. Block Public Access BlockPublicAcls refuses a public one.
 */
record PutBucketAclHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        BucketState bucket = access.bucket(request.bucket());
        Acl acl = Acls.fromRequest(request, access, bucket.owner(), bucket.owner(), true);
        bucket.publicAccessBlock().checkNewAcl(acl);
        store.putBucketConfig(
                request.bucket(), AccessControl.ACL_DOCUMENT, acl.toJson().getBytes(StandardCharsets.UTF_8));
        access.invalidate(request.bucket());
        response.empty(200);
    }
}
