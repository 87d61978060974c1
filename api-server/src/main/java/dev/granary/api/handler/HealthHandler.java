package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;

/** Health checks ({@code /health}, {@code /minio/health/live|ready}): 200 while the server accepts requests. */
record HealthHandler() implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        response.xml(XmlWriter.textDocument("Health", "OK"));
    }
}
