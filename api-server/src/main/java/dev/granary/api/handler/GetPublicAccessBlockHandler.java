package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.access.BlockPublicAccess;

/** GetPublicAccessBlock: the bucket's PublicAccessBlockConfiguration, or NoSuchPublicAccessBlockConfiguration. */
record GetPublicAccessBlockHandler(AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        if (!access.hasPublicAccessBlock(request.bucket())) {
            throw new S3Exception(S3Error.NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION)
                    .with("BucketName", request.bucket());
        }
        BlockPublicAccess b = access.bucket(request.bucket()).publicAccessBlock();
        response.xml(XmlWriter.document("PublicAccessBlockConfiguration")
                .element("BlockPublicAcls", b.blockPublicAcls())
                .element("IgnorePublicAcls", b.ignorePublicAcls())
                .element("BlockPublicPolicy", b.blockPublicPolicy())
                .element("RestrictPublicBuckets", b.restrictPublicBuckets()));
    }
}
