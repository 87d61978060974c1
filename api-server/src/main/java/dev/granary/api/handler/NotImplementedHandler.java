package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;

/** Operations Granary recognises but does not implement yet: NotImplemented (501), or MethodNotAllowed. */
record NotImplementedHandler(S3Error error) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        throw new S3Exception(error);
    }
}
