package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.api.lifecycle.LifecycleConfiguration;

/** GetBucketLifecycleConfiguration: the rules, or NoSuchLifecycleConfiguration. */
record GetBucketLifecycleHandler(LifecycleConfigs configs) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        LifecycleConfiguration config = configs.get(request.bucket())
                .orElseThrow(() ->
                        new S3Exception(S3Error.NO_SUCH_LIFECYCLE_CONFIGURATION).with("BucketName", request.bucket()));
        response.xml(config.toXml());
    }
}
