package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;

/** GetObjectTagging: the object's tag set, empty when it has none. */
record GetObjectTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        ObjectMeta meta = store.headObject(request.objectKey(), Limits.versionId(request));
        ObjectHeaders.writeVersion(response, meta);
        response.xml(Tagging.toXml(meta.attributes().tags()));
    }
}
