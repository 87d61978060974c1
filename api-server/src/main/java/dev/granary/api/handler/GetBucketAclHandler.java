package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;

/** GetBucketAcl: the bucket's ACL (the owner's FULL_CONTROL until one is set) as an AccessControlPolicy. */
record GetBucketAclHandler(AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        response.xml(Acls.toXml(access.bucket(request.bucket()).acl(), access));
    }
}
