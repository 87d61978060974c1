package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.api.lifecycle.LifecycleConfiguration;
import dev.granary.api.xml.XmlReader;
import java.io.IOException;

/** PutBucketLifecycleConfiguration: checks every rule as S3 does and replaces the bucket's configuration. */
record PutBucketLifecycleHandler(LifecycleConfigs configs) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        configs.get(request.bucket()); // NoSuchBucket before a body is judged
        configs.put(request.bucket(), LifecycleConfiguration.parse(XmlReader.parse(request.body())));
        response.empty(200);
    }
}
