package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;

/**
 * ListObjectVersions on a bucket that has never been versioned: every object has exactly one version, the
 * {@code null} version, which is the latest. Tools that empty a bucket version by version (boto3's
 * {@code object_versions}, mc, backup tools) list this way. Markers follow S3: after {@code key-marker} alone
 * come the keys after it; with {@code version-id-marker} the versions of that key after the marker (none here).
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
        String encodingType = enc.type();
        ListPage page = store.listObjects(
                request.bucket(),
                new ListQuery(prefix, delimiter == null || delimiter.isEmpty() ? null : delimiter, keyMarker, maxKeys));
        XmlWriter xml = XmlWriter.document("ListVersionsResult")
                .element("Name", request.bucket())
                .element("Prefix", enc.apply(prefix))
                .element("KeyMarker", enc.apply(keyMarker))
                .element("VersionIdMarker", orEmpty(versionIdMarker))
                .element("MaxKeys", maxKeys)
                .element("Delimiter", enc.apply(delimiter))
                .element("EncodingType", encodingType)
                .element("IsTruncated", page.truncated());
        if (page.truncated()) {
            xml.element("NextKeyMarker", enc.apply(page.nextStartAfter())).element("NextVersionIdMarker", "null");
        }
        // Objects do not record who wrote them; while only a bucket's owner may write to it, that is the owner.
        String owner = store.getBucket(request.bucket()).owner();
        for (ObjectMeta o : page.objects()) {
            xml.start("Version")
                    .element("Key", enc.apply(o.key().key()))
                    .element("VersionId", "null")
                    .element("IsLatest", true)
                    .element("LastModified", o.lastModified())
                    .element("ETag", o.quotedEtag())
                    .element("Size", o.size());
            owners.write(xml, "Owner", owner);
            xml.element("StorageClass", "STANDARD").end();
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
