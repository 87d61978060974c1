package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/**
 * GetBucketEncryption: the default set by PutBucketEncryption, or ServerSideEncryptionConfigurationNotFoundError
 * (404) when there is none. (AWS has answered AES256 for every bucket since it encrypts all new objects; Granary
 * stores objects without a default unencrypted, so it answers as AWS did before, rather than claim otherwise.)
 */
record GetBucketEncryptionHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        if (store.getBucketConfig(request.bucket(), Encryption.CONFIG_NAME).isEmpty()) {
            throw new S3Exception(S3Error.SSE_CONFIGURATION_NOT_FOUND).with("BucketName", request.bucket());
        }
        response.xml(PutBucketEncryptionHandler.configuration());
    }
}
