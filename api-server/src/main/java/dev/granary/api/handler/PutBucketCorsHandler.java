package dev.granary.api.handler;

import dev.granary.api.cors.CorsConfiguration;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import java.io.IOException;

/** PutBucketCors: validates the CORSConfiguration and stores it, replacing the bucket's rules. */
record PutBucketCorsHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        store.getBucket(request.bucket()); // NoSuchBucket before a body is judged
        CorsConfiguration configuration = CorsConfiguration.parse(XmlReader.parse(request.body()));
        // Stored in normalised form: what GetBucketCors answers and the pipeline parses again.
        store.putBucketConfig(
                request.bucket(),
                CorsConfiguration.CONFIG_NAME,
                configuration.toXml().toBytes());
        response.empty(200);
    }
}
