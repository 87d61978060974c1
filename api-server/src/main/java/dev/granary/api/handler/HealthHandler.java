package dev.granary.api.handler;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.DiskStatus;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Health checks ({@code /health}, {@code /minio/health/live|ready}): 200 while the server accepts requests, with the
 * free space of its disk and whether it takes writes ({@link HealthReport}).
 */
record HealthHandler(Supplier<DiskStatus> disk) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        byte[] body = HealthReport.json(disk.get()).getBytes(StandardCharsets.UTF_8);
        response.status(200).header(AmzHeaders.CONTENT_TYPE, "application/json");
        response.stream(new ByteArrayInputStream(body), body.length, true);
    }
}
