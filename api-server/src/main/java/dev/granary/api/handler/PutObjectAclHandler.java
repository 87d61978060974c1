package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.access.AccessEvaluator.BucketState;
import dev.granary.auth.access.Acl;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * PutObjectAcl: replaces the ACL of the object's current version (or of {@code versionId}) in place: the version
 * keeps its id, bytes and Last-Modified. The owner stays the uploader.
 */
record PutObjectAclHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String versionId = Limits.versionId(request);
        ObjectMeta meta = store.headObject(request.objectKey(), versionId);
        BucketState bucket = access.bucket(request.bucket());
        Acl acl = Acls.fromRequest(request, access, access.objectOwner(meta, bucket), bucket.owner(), false);
        bucket.publicAccessBlock().checkNewAcl(acl);
        SortedMap<String, String> system = new TreeMap<>(meta.attributes().system());
        system.put(AccessControl.SYSTEM_OWNER, acl.owner().id());
        if (acl.equals(Acl.privateAcl(acl.owner()))) {
            system.remove(AccessControl.SYSTEM_ACL);
        } else {
            system.put(AccessControl.SYSTEM_ACL, acl.toJson());
        }
        ObjectAttributes attributes = meta.attributes().withSystem(system);
        ObjectMeta updated = store.replaceAttributes(request.objectKey(), versionId, meta.etag(), attributes);
        ObjectHeaders.writeVersion(response, updated);
        response.empty(200);
    }
}
