package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.util.SortedMap;

/** PutBucketTagging: validates the tag set and stores it, replacing the bucket's; an empty set removes it. */
record PutBucketTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        store.getBucket(request.bucket()); // NoSuchBucket before a body is judged
        SortedMap<String, String> tags = Tagging.parseXml(XmlReader.parse(request.body()), true);
        if (tags.isEmpty()) {
            store.deleteBucketConfig(request.bucket(), Tagging.CONFIG_NAME);
        } else {
            store.putBucketConfig(
                    request.bucket(), Tagging.CONFIG_NAME, Tagging.toXml(tags).toBytes());
        }
        response.empty(204);
    }
}
