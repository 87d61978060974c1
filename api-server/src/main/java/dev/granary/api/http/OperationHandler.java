package dev.granary.api.http;

import java.io.IOException;

/** Serves one S3 operation. Handlers throw S3Exception or StorageException; they never render errors or meter. */
@FunctionalInterface
public interface OperationHandler {
    void handle(S3Request request, S3Response response) throws IOException;
}
