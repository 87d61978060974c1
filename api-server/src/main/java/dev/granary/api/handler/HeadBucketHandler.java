package dev.granary.api.handler;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** HeadBucket: 200 with the bucket's region (existence and access were checked by the pipeline). */
record HeadBucketHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        response.header(
                        AmzHeaders.X_AMZ_BUCKET_REGION,
                        store.getBucket(request.bucket()).region())
                .empty(200);
    }
}
