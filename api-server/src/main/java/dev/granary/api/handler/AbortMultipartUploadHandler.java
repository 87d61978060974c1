package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** AbortMultipartUpload: discards the upload and its parts; 204. */
record AbortMultipartUploadHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.abortUpload(request.objectKey(), request.query("uploadId"));
        response.empty(204);
    }
}
