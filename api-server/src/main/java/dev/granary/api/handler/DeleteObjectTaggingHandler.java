package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.util.TreeMap;

/** DeleteObjectTagging: removes the object's tags; 204 as AWS answers. */
record DeleteObjectTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String versionId = Limits.versionId(request);
        ObjectMeta meta = store.headObject(request.objectKey(), versionId);
        ObjectHeaders.writeVersion(response, meta);
        if (!meta.attributes().tags().isEmpty()) {
            store.replaceAttributes(
                    request.objectKey(),
                    versionId,
                    meta.etag(),
                    meta.attributes().withTags(new TreeMap<>()));
        }
        response.empty(204);
    }
}
