package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectStore;

/** GetBucketLocation: the region as the element's text, empty for us-east-1 as AWS answers. */
record GetBucketLocationHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String region = store.getBucket(request.bucket()).region();
        response.xml(
                region.equals("us-east-1")
                        ? XmlWriter.document("LocationConstraint")
                        : XmlWriter.textDocument("LocationConstraint", region));
    }
}
