package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;

/** DeleteBucketLifecycle: 204, whether or not the bucket had a configuration. */
record DeleteBucketLifecycleHandler(LifecycleConfigs configs) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        configs.get(request.bucket()); // NoSuchBucket
        configs.delete(request.bucket());
        response.empty(204);
    }
}
