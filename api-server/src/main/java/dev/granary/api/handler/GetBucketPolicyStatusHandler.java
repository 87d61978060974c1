package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.access.BucketPolicy;

/**
 * GetBucketPolicyStatus: whether the bucket policy is public in AWS's sense (it grants to everyone without a
 * narrowing condition); NoSuchBucketPolicy without a policy.
 */
record GetBucketPolicyStatusHandler(AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        BucketPolicy policy = access.bucket(request.bucket()).policy();
        if (policy == null) {
            throw new S3Exception(S3Error.NO_SUCH_BUCKET_POLICY).with("BucketName", request.bucket());
        }
        response.xml(XmlWriter.document("PolicyStatus").element("IsPublic", policy.isPublic()));
    }
}
