package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeletePublicAccessBlock: removes the bucket's Block Public Access settings; 204. */
record DeletePublicAccessBlockHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucketConfig(request.bucket(), AccessControl.PUBLIC_ACCESS_BLOCK_DOCUMENT);
        access.invalidate(request.bucket());
        response.empty(204);
    }
}
