package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteBucket: 204 for an empty bucket, BucketNotEmpty otherwise. */
record DeleteBucketHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucket(request.bucket());
        access.invalidate(request.bucket());
        response.empty(204);
    }
}
