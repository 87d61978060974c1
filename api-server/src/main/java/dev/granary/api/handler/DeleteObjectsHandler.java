package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.error.StorageErrors;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.access.Requester;
import dev.granary.storage.DeleteResult;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.util.List;
import org.w3c.dom.Element;

/**
 * DeleteObjects: up to 1,000 keys in one request; each key succeeds or fails on its own, and quiet mode
 * reports only the failures.
 */
record DeleteObjectsHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        Element delete = XmlReader.parse(request.body());
        if (!"Delete".equals(XmlReader.localName(delete))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        boolean quiet = "true".equalsIgnoreCase(trimmed(XmlReader.childText(delete, "Quiet")));
        List<Element> objects = XmlReader.children(delete, "Object");
        if (objects.isEmpty() || objects.size() > Limits.MAX_DELETE_OBJECTS) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        XmlWriter xml = XmlWriter.document("DeleteResult");
        for (Element object : objects) {
            String key = XmlReader.childText(object, "Key");
            if (key == null) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            String versionId = XmlReader.childText(object, "VersionId");
            try {
                if (key.isEmpty()) {
                    throw new S3Exception(S3Error.INVALID_ARGUMENT, "Key must not be empty.");
                }
                // As in S3, each key is decided on its own: a denied key is an AccessDenied entry in the result.
                // An entry that names a version is s3:DeleteObjectVersion on it, as a DeleteObject with that
                // versionId would be: the request line names no version, the entry does.
                access.check(
                        request,
                        Requester.of(request.principal()),
                        "DeleteObject",
                        request.bucket(),
                        key,
                        versionId,
                        null);
                DeleteResult result = store.deleteObject(new ObjectKey(request.bucket(), key), versionId);
                if (!quiet) {
                    xml.start("Deleted").element("Key", key).element("VersionId", versionId);
                    if (result.deleteMarker()) {
                        // A marker made (no version id asked) or removed (its id asked): S3 names it both times.
                        xml.element("DeleteMarker", true).element("DeleteMarkerVersionId", result.versionId());
                    }
                    xml.end();
                }
            } catch (S3Exception e) {
                error(xml, key, versionId, e);
            } catch (StorageException e) {
                error(xml, key, versionId, StorageErrors.toS3(e, request.bucket(), key, versionId));
            }
        }
        response.xml(xml);
    }

    private static void error(XmlWriter xml, String key, String versionId, S3Exception e) {
        xml.start("Error")
                .element("Key", key)
                .element("VersionId", versionId)
                .element("Code", e.code())
                .element("Message", e.getMessage())
                .end();
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }
}
