package dev.granary.api.handler;

import dev.granary.api.cors.CorsConfiguration;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteBucketCors: removes the bucket's rules; 204 whether or not it had any, as AWS answers. */
record DeleteBucketCorsHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucketConfig(request.bucket(), CorsConfiguration.CONFIG_NAME);
        response.empty(204);
    }
}
