package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteBucketTagging: removes the bucket's tag set; 204 whether or not it had one, as AWS answers. */
record DeleteBucketTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucketConfig(request.bucket(), Tagging.CONFIG_NAME);
        response.empty(204);
    }
}
