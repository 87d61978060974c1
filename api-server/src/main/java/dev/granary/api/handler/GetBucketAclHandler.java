package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.access.Acl;

/** GetBucketAcl: the bucket's ACL (the owner's FULL_CONTROL until one is set) as an AccessControlPolicy. */
record GetBucketAclHandler(AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        Acl acl = access.bucket(request.bucket()).acl();
        response.xml(request.oss() ? Acls.toOssXml(acl, acl.owner().id(), access) : Acls.toXml(acl, access));
    }
}
