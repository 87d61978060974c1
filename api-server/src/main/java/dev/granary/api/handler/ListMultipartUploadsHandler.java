package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.UploadListing;

/** ListMultipartUploads: uploads in progress by key then upload id, with prefix, delimiter and markers. */
record ListMultipartUploadsHandler(ObjectStore store, Owners owners) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String prefix = orEmpty(request.query("prefix"));
        String delimiter = request.query("delimiter");
        String keyMarker = orEmpty(request.query("key-marker"));
        String uploadIdMarker = keyMarker.isEmpty() ? null : emptyToNull(request.query("upload-id-marker"));
        int maxUploads = request.queryInt("max-uploads", 1000, 0, 1000);
        ListingEncoding enc = ListingEncoding.of(request);
        String encodingType = enc.type();
        UploadListing listing = store.listUploads(
                request.bucket(), prefix, emptyToNull(delimiter), keyMarker, uploadIdMarker, maxUploads);
        XmlWriter xml = XmlWriter.document("ListMultipartUploadsResult")
                .element("Bucket", request.bucket())
                .element("KeyMarker", enc.apply(keyMarker))
                .element("UploadIdMarker", orEmpty(uploadIdMarker))
                .element("NextKeyMarker", enc.apply(orEmpty(listing.nextKeyMarker())))
                .element("NextUploadIdMarker", orEmpty(listing.nextUploadIdMarker()))
                .element("Prefix", enc.apply(prefix))
                .element("Delimiter", enc.apply(delimiter == null || delimiter.isEmpty() ? null : delimiter))
                .element("MaxUploads", maxUploads)
                .element("EncodingType", encodingType)
                .element("IsTruncated", listing.truncated());
        for (MultipartUpload u : listing.uploads()) {
            xml.start("Upload").element("Key", enc.apply(u.key().key())).element("UploadId", u.uploadId());
            owners.write(xml, "Initiator", u.owner());
            owners.write(xml, "Owner", u.owner());
            xml.element("StorageClass", "STANDARD")
                    .element("Initiated", u.initiated())
                    .end();
        }
        for (String p : listing.commonPrefixes()) {
            xml.start("CommonPrefixes").element("Prefix", enc.apply(p)).end();
        }
        response.xml(xml);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
