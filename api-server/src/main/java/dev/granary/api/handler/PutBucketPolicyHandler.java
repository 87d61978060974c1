package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.access.BucketPolicy;
import dev.granary.auth.access.MalformedPolicyException;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * PutBucketPolicy: validates the JSON policy as S3 does (MalformedPolicy with AWS's message: syntax, a resource
 * outside the bucket, an unknown principal...), refuses a public one under BlockPublicPolicy, and stores the text
 * as sent. 204, as AWS answers.
 */
record PutBucketPolicyHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        byte[] body = request.hasBody() ? request.body().readNBytes(BucketPolicy.MAX_SIZE + 1) : new byte[0];
        if (body.length > BucketPolicy.MAX_SIZE) {
            throw new MalformedPolicyException("Policies must not exceed " + BucketPolicy.MAX_SIZE + " bytes");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        BucketPolicy policy = BucketPolicy.parse(text, request.bucket(), access::accountExists);
        access.bucket(request.bucket()).publicAccessBlock().checkNewPolicy(policy);
        store.putBucketConfig(request.bucket(), AccessControl.POLICY_DOCUMENT, body);
        access.invalidate(request.bucket());
        response.empty(204);
    }
}
