package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/** GetBucketPolicy: the policy text as it was put (JSON), or NoSuchBucketPolicy. */
record GetBucketPolicyHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        byte[] policy = store.getBucketConfig(request.bucket(), AccessControl.POLICY_DOCUMENT)
                .orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_BUCKET_POLICY).with("BucketName", request.bucket()));
        response.status(200).header(AmzHeaders.CONTENT_TYPE, "application/json");
        response.stream(new ByteArrayInputStream(policy), policy.length, true);
    }
}
