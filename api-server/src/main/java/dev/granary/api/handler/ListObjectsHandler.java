package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ListObjects (v1, {@code marker}) and ListObjectsV2 ({@code list-type=2}, continuation tokens). Both ask the
 * store for one page after a start key; they differ only in parameter and element names. The continuation
 * token is the page's last key or common prefix, base64url-encoded.
 */
record ListObjectsHandler(ObjectStore store, Owners owners, boolean v2) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String prefix = orEmpty(request.query("prefix"));
        String delimiter = request.query("delimiter");
        int maxKeys = request.queryInt("max-keys", Limits.MAX_KEYS, 0, Limits.MAX_KEYS);
        ListingEncoding enc = ListingEncoding.of(request);
        String encodingType = enc.type();
        String token = v2 ? request.query("continuation-token") : null;
        String startAfter = v2 ? request.query("start-after") : request.query("marker");
        String from = token != null ? decodeToken(token) : orEmpty(startAfter);
        boolean fetchOwner = !v2 || "true".equals(request.query("fetch-owner"));
        // An object's owner is its uploader (system property "owner"); objects from before it was recorded are
        // the bucket owner's.
        String owner = fetchOwner ? store.getBucket(request.bucket()).owner() : null;

        ListPage page =
                store.listObjects(request.bucket(), new ListQuery(prefix, emptyToNull(delimiter), from, maxKeys));

        XmlWriter xml = XmlWriter.document("ListBucketResult")
                .element("Name", request.bucket())
                .element("Prefix", enc.apply(prefix));
        if (v2) {
            xml.element("ContinuationToken", token).element("StartAfter", enc.apply(startAfter));
            xml.element(
                    "KeyCount", page.objects().size() + page.commonPrefixes().size());
        } else {
            xml.element("Marker", enc.apply(orEmpty(startAfter)));
        }
        // An empty delimiter is no delimiter, and is not echoed (clients read an empty element as one).
        xml.element("MaxKeys", maxKeys)
                .element("Delimiter", enc.apply(delimiter == null || delimiter.isEmpty() ? null : delimiter));
        xml.element("EncodingType", encodingType).element("IsTruncated", page.truncated());
        if (page.truncated()) {
            if (v2) {
                xml.element("NextContinuationToken", encodeToken(page.nextStartAfter()));
            } else if (delimiter != null) {
                // AWS sends NextMarker only with a delimiter; without one clients continue from the last key.
                xml.element("NextMarker", enc.apply(page.nextStartAfter()));
            }
        }
        for (ObjectMeta o : page.objects()) {
            xml.start("Contents")
                    .element("Key", enc.apply(o.key().key()))
                    .element("LastModified", o.lastModified())
                    .element("ETag", o.quotedEtag())
                    .element("Size", o.size());
            if (fetchOwner) {
                owners.write(xml, "Owner", o.attributes().system().getOrDefault(AccessControl.SYSTEM_OWNER, owner));
            }
            xml.element("StorageClass", "STANDARD").end();
        }
        for (String p : page.commonPrefixes()) {
            xml.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        }
        response.xml(xml);
    }

    static String encodeToken(String startAfter) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(startAfter.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "The continuation token provided is incorrect")
                    .with("ArgumentName", "continuation-token");
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
