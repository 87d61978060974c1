package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectStore;

/**
 * GetBucketAcl and GetObjectAcl: until ACLs arrive every bucket and object is private, which S3 shows as the
 * owner's FULL_CONTROL grant. An object's owner is its bucket's: objects do not record who wrote them, and only
 * the bucket owner may write to a bucket yet.
 */
record GetAclHandler(ObjectStore store, Owners owners, boolean object) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        if (object) {
            store.headObject(request.objectKey());
        }
        String owner = store.getBucket(request.bucket()).owner();
        XmlWriter xml = XmlWriter.document("AccessControlPolicy");
        owners.write(xml, "Owner", owner);
        xml.start("AccessControlList")
                .start("Grant")
                .start("Grantee", "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"")
                .element("ID", owner)
                .element("DisplayName", owners.displayName(owner))
                .end()
                .element("Permission", "FULL_CONTROL")
                .end()
                .end();
        response.xml(xml);
    }
}
