package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.access.Acl;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;

/**
 * GetObjectAcl: the ACL of the object's current version (or of {@code versionId}); its owner is the account that
 * uploaded it.
 */
record GetObjectAclHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        ObjectMeta meta = store.headObject(request.objectKey(), Limits.versionId(request));
        ObjectHeaders.writeVersion(response, meta);
        Acl acl = access.objectAcl(meta, access.bucket(request.bucket()));
        if (request.oss()) {
            // OSS's "default": the object has no ACL of its own (it was written without one).
            boolean own = meta.attributes().system().containsKey(AccessControl.SYSTEM_ACL);
            response.xml(Acls.toOssXml(own ? acl : null, acl.owner().id(), access));
            return;
        }
        response.xml(Acls.toXml(acl, access));
    }
}
