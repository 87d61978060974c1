package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.HttpDates;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * GetObjectAttributes: the attributes named in {@code x-amz-object-attributes} (ETag, Checksum, ObjectParts,
 * StorageClass, ObjectSize) without the object's bytes. As in S3 the ETag here carries no quotes, and
 * ObjectParts pages with {@code x-amz-max-parts} and {@code x-amz-part-number-marker}.
 */
record GetObjectAttributesHandler(ObjectStore store, Encryption encryption) implements OperationHandler {
    private static final Set<String> KNOWN = Set.of("etag", "checksum", "objectparts", "storageclass", "objectsize");

    @Override
    public void handle(S3Request request, S3Response response) {
        String versionId = Limits.versionId(request);
        String header = request.header("x-amz-object-attributes");
        Set<String> wanted = new TreeSet<>();
        if (header != null) {
            for (String name : header.split(",", -1)) {
                String n = name.trim().toLowerCase(Locale.ROOT);
                if (!n.isEmpty()) {
                    if (!KNOWN.contains(n)) {
                        throw invalid("Invalid attribute name specified.", header);
                    }
                    wanted.add(n);
                }
            }
        }
        if (wanted.isEmpty()) {
            throw invalid("Missing required header for this request: x-amz-object-attributes", header);
        }
        ObjectMeta meta = store.headObject(request.objectKey(), versionId);
        // AWS asks for an SSE-C object's key here too, as for HEAD.
        encryption.forRead(request, meta.attributes().system(), false);
        ObjectHeaders.writeVersion(response, meta);
        Conditions.of(request).checkRead(meta);
        response.header(AmzHeaders.LAST_MODIFIED, HttpDates.format(meta.lastModified()));
        XmlWriter xml = XmlWriter.document("GetObjectAttributesResponse");
        if (wanted.contains("etag")) {
            xml.element("ETag", meta.etag());
        }
        Map<String, String> checksums =
                ObjectHeaders.s3Checksums(meta.attributes().checksums());
        if (wanted.contains("checksum") && !checksums.isEmpty()) {
            xml.start("Checksum");
            CopyObjectHandler.writeChecksumElements(xml, checksums);
            String type = meta.attributes().checksumType();
            xml.element("ChecksumType", type == null ? "FULL_OBJECT" : type).end();
        }
        if (wanted.contains("objectparts") && meta.partCount() > 0) {
            writeParts(xml, meta.partSizes(), request);
        }
        if (wanted.contains("storageclass")) {
            xml.element("StorageClass", "STANDARD");
        }
        if (wanted.contains("objectsize")) {
            xml.element("ObjectSize", meta.size());
        }
        response.xml(xml);
    }

    private static void writeParts(XmlWriter xml, List<Long> sizes, S3Request request) {
        int maxParts = headerInt(request, "x-amz-max-parts", 1000);
        int marker = headerInt(request, "x-amz-part-number-marker", 0);
        int last = Math.min(sizes.size(), marker + maxParts);
        xml.start("ObjectParts")
                .element("PartsCount", sizes.size())
                .element("PartNumberMarker", marker)
                .element("NextPartNumberMarker", Math.max(marker, last))
                .element("MaxParts", maxParts)
                .element("IsTruncated", last < sizes.size());
        for (int n = marker + 1; n <= last; n++) {
            xml.start("Part")
                    .element("PartNumber", n)
                    .element("Size", sizes.get(n - 1))
                    .end();
        }
        xml.end();
    }

    private static int headerInt(S3Request request, String name, int dflt) {
        String v = request.header(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return Math.min(n, 1000);
            }
        } catch (NumberFormatException e) {
            // fall through to the S3 error
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid " + name + " value.")
                .with("ArgumentName", name)
                .with("ArgumentValue", v);
    }

    private static S3Exception invalid(String message, String value) {
        return new S3Exception(S3Error.INVALID_ARGUMENT, message)
                .with("ArgumentName", "x-amz-object-attributes")
                .with("ArgumentValue", value);
    }
}
