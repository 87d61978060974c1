package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.access.AccessEvaluator;

/**
 * GetBucketPolicyStatus: whether the bucket is public - its policy grants to everyone without a narrowing
 * condition, or its ACL grants to all users or to all authenticated users. A bucket without a policy answers
 * {@code IsPublic} false (as S3-compatible servers and ceph's s3-tests have it; AWS answers NoSuchBucketPolicy).
 */
record GetBucketPolicyStatusHandler(AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        AccessEvaluator.BucketState bucket = access.bucket(request.bucket());
        boolean isPublic = (bucket.policy() != null && bucket.policy().isPublic())
                || bucket.acl().isPublic();
        response.xml(XmlWriter.document("PolicyStatus").element("IsPublic", isPublic));
    }
}
