package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.Versioning;

/** GetBucketVersioning: Enabled or Suspended; a bucket never versioned shows an empty configuration, as in AWS. */
record GetBucketVersioningHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        Versioning state = store.getBucket(request.bucket()).versioning();
        XmlWriter xml = XmlWriter.document("VersioningConfiguration");
        if (state != Versioning.UNVERSIONED) {
            xml.element("Status", state == Versioning.ENABLED ? "Enabled" : "Suspended");
        }
        response.xml(xml);
    }
}
