package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;

/** GetBucketVersioning: versioning has never been enabled, which AWS shows as an empty configuration. */
record GetBucketVersioningHandler() implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        response.xml(XmlWriter.document("VersioningConfiguration"));
    }
}
