package dev.granary.api.handler;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.DeleteResult;
import dev.granary.storage.ObjectStore;

/**
 * DeleteObject: 204 whether or not the key existed, as S3 answers. In a versioned bucket a delete without a
 * version id adds a delete marker; with one it removes that version for good. The headers say which.
 */
record DeleteObjectHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        DeleteResult result = store.deleteObject(request.objectKey(), Limits.versionId(request));
        if (result.versionId() != null) {
            response.header(AmzHeaders.X_AMZ_VERSION_ID, result.versionId());
        }
        if (result.deleteMarker()) {
            response.header(AmzHeaders.X_AMZ_DELETE_MARKER, "true");
        }
        response.empty(204);
    }
}
