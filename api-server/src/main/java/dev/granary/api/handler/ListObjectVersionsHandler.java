package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.VersionPage;

/**
 * ListObjectVersions: versions and delete markers by key, newest first within a key, each marked whether it is
 * the latest. In a bucket never versioned every object is its key's only version, the {@code null} one. Markers
 * follow S3: after {@code key-marker} alone come the keys after it; with {@code version-id-marker} the versions
 * of that key older than the marker, then the keys after it.
 */
record ListObjectVersionsHandler(ObjectStore store, Owners owners) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String prefix = orEmpty(request.query("prefix"));
        String delimiter = request.query("delimiter");
        String keyMarker = orEmpty(request.query("key-marker"));
        String versionIdMarker = request.query("version-id-marker");
        if (versionIdMarker != null && !versionIdMarker.isEmpty() && keyMarker.isEmpty()) {
            throw new S3Exception(
                            S3Error.INVALID_ARGUMENT, "A version-id marker cannot be specified without a key marker.")
                    .with("ArgumentName", "version-id-marker")
                    .with("ArgumentValue", versionIdMarker);
        }
        int maxKeys = request.queryInt("max-keys", Limits.MAX_KEYS, 0, Limits.MAX_KEYS);
        ListingEncoding enc = ListingEncoding.of(request);
        VersionPage page;
        try {
            page = store.listVersions(
                    request.bucket(),
                    prefix,
                    delimiter == null || delimiter.isEmpty() ? null : delimiter,
                    keyMarker,
                    versionIdMarker,
                    maxKeys);
        } catch (dev.granary.storage.StorageException e) {
            if (e.reason() != dev.granary.storage.StorageException.Reason.INVALID_VERSION_ID) {
                throw e;
            }
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid version id specified")
                    .with("ArgumentName", "version-id-marker")
                    .with("ArgumentValue", versionIdMarker);
        }
        // A version's owner is its uploader (system property "owner"); versions from before it was recorded, and
        // delete markers, are the bucket owner's.
        String owner = store.getBucket(request.bucket()).owner();
        XmlWriter xml = XmlWriter.document("ListVersionsResult")
                .element("Name", request.bucket())
                .element("Prefix", enc.apply(prefix))
                .element("KeyMarker", enc.apply(keyMarker))
                .element("VersionIdMarker", orEmpty(versionIdMarker))
                .element("MaxKeys", maxKeys)
                .element("Delimiter", enc.apply(delimiter == null || delimiter.isEmpty() ? null : delimiter))
                .element("EncodingType", enc.type())
                .element("IsTruncated", page.truncated());
        if (page.truncated()) {
            xml.element("NextKeyMarker", enc.apply(page.nextKeyMarker()))
                    .element("NextVersionIdMarker", page.nextVersionIdMarker());
        }
        for (ObjectVersion v : page.versions()) {
            ObjectMeta o = v.meta();
            xml.start(o.deleteMarker() ? "DeleteMarker" : "Version")
                    .element("Key", enc.apply(o.key().key()))
                    .element("VersionId", o.versionId())
                    .element("IsLatest", v.latest())
                    .element("LastModified", o.lastModified());
            if (!o.deleteMarker()) {
                xml.element("ETag", o.quotedEtag()).element("Size", o.size());
            }
            owners.write(xml, "Owner", o.attributes().system().getOrDefault(AccessControl.SYSTEM_OWNER, owner));
            if (!o.deleteMarker()) {
                xml.element("StorageClass", "STANDARD");
            }
            xml.end();
        }
        for (String p : page.commonPrefixes()) {
            xml.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        }
        response.xml(xml);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
