package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;

/** DeleteBucketPolicy: removes the policy; 204 whether there was one or not, as AWS answers. */
record DeleteBucketPolicyHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        store.deleteBucketConfig(request.bucket(), AccessControl.POLICY_DOCUMENT);
        access.invalidate(request.bucket());
        response.empty(204);
    }
}
