package dev.granary.api.handler;

import dev.granary.api.cors.Cors;
import dev.granary.api.cors.CorsConfiguration;
import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;

/** GetBucketCors: the bucket's rules, or NoSuchCORSConfiguration (404) when it has none. */
record GetBucketCorsHandler(Cors cors) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        CorsConfiguration configuration = cors.configuration(request.bucket())
                .orElseThrow(
                        () -> new S3Exception(S3Error.NO_SUCH_CORS_CONFIGURATION).with("BucketName", request.bucket()));
        response.xml(configuration.toXml());
    }
}
