package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteBucketEncryption: removes the bucket's default; objects already written stay as they are. */
record DeleteBucketEncryptionHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucketConfig(request.bucket(), Encryption.CONFIG_NAME);
        response.empty(204);
    }
}
