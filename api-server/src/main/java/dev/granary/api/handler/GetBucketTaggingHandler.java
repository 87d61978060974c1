package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;

/** GetBucketTagging: the bucket's tag set, or NoSuchTagSet (404) when it has none. */
record GetBucketTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        byte[] stored = store.getBucketConfig(request.bucket(), Tagging.CONFIG_NAME)
                .orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_TAG_SET).with("BucketName", request.bucket()));
        response.xml(Tagging.toXml(Tagging.parseXml(XmlReader.parse(stored), true)));
    }
}
