package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteObject: 204 whether or not the key existed, as S3 answers. */
record DeleteObjectHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        Limits.checkVersionId(request);
        store.deleteObject(request.objectKey());
        response.empty(204);
    }
}
