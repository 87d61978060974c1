package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.util.SortedMap;

/** PutObjectTagging: replaces the object's tag set; its data, metadata and Last-Modified stay. */
record PutObjectTaggingHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String versionId = Limits.versionId(request);
        ObjectMeta meta = store.headObject(request.objectKey(), versionId); // NoSuchKey before the body is judged
        SortedMap<String, String> tags = Tagging.parseXml(XmlReader.parse(request.body()), false);
        store.replaceAttributes(
                request.objectKey(), versionId, meta.etag(), meta.attributes().withTags(tags));
        ObjectHeaders.writeVersion(response, meta);
        response.empty(200);
    }
}
