package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
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
        response.xml(Acls.toXml(access.objectAcl(meta, access.bucket(request.bucket())), access));
    }
}
