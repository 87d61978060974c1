package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import java.util.List;

/** ListParts: the upload's parts after {@code part-number-marker}, at most {@code max-parts} (1,000). */
record ListPartsHandler(ObjectStore store, Owners owners) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String uploadId = request.query("uploadId");
        int maxParts = request.queryInt("max-parts", 1000, 0, 1000);
        int marker = request.queryInt("part-number-marker", 0, 0, Limits.MAX_PART_NUMBER);
        MultipartUpload upload = store.getUpload(request.objectKey(), uploadId);
        List<PartMeta> parts = store.listParts(request.objectKey(), uploadId, marker, maxParts);
        boolean truncated = parts.size() > maxParts;
        List<PartMeta> page = truncated ? parts.subList(0, maxParts) : parts;
        XmlWriter xml = XmlWriter.document("ListPartsResult")
                .element("Bucket", request.bucket())
                .element("Key", request.key())
                .element("UploadId", uploadId);
        owners.write(xml, "Initiator", upload.owner());
        owners.write(xml, "Owner", upload.owner());
        xml.element("StorageClass", "STANDARD")
                .element("PartNumberMarker", marker)
                .element(
                        "NextPartNumberMarker",
                        page.isEmpty() ? 0 : page.get(page.size() - 1).partNumber())
                .element("MaxParts", maxParts)
                .element("IsTruncated", truncated);
        MultipartChecksum checksum =
                MultipartChecksum.decode(upload.attributes().checksumType());
        if (checksum != null) {
            xml.element("ChecksumAlgorithm", checksum.algorithm()).element("ChecksumType", checksum.type());
        }
        for (PartMeta p : page) {
            xml.start("Part")
                    .element("PartNumber", p.partNumber())
                    .element("LastModified", p.lastModified())
                    .element("ETag", p.quotedEtag())
                    .element("Size", p.size());
            CopyObjectHandler.writeChecksumElements(xml, p.checksums());
            xml.end();
        }
        response.xml(xml);
    }
}
