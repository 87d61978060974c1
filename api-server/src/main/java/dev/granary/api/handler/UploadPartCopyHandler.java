package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import java.io.IOException;
import java.io.InputStream;
import java.util.TreeMap;

/** UploadPartCopy: a part made of the source object's bytes, whole or a {@code x-amz-copy-source-range}. */
record UploadPartCopyHandler(ObjectStore store, Encryption encryption, AccessControl access)
        implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        int partNumber = Limits.partNumber(request.query("partNumber"));
        String uploadId = request.query("uploadId");
        MultipartUpload upload = store.getUpload(request.objectKey(), uploadId);
        ObjectMeta source = CopySource.resolve(request, store, access);
        Encryption.Params from = encryption.forRead(request, source.attributes().system(), true);
        Encryption.Params to = encryption.forPart(request, upload.attributes().system());
        String rangeHeader = request.header(AmzHeaders.X_AMZ_COPY_SOURCE_RANGE);
        ByteRange range = rangeHeader == null ? null : ByteRange.parseCopySourceRange(rangeHeader, source.size());
        long offset = range == null ? 0 : range.first();
        long length = range == null ? source.size() : range.length();
        Limits.uploadLength(length, Limits.MAX_PUT_SIZE);
        PartMeta part;
        try (ObjectContent content = store.getObject(source.key(), source.versionId(), offset, length)) {
            if (!content.meta().etag().equals(source.etag())) {
                throw new S3Exception(S3Error.PRECONDITION_FAILED, "The source object changed during the copy.");
            }
            // The source's plaintext from the range's first byte, encrypted again as this upload's part.
            InputStream plain = from.decrypt(content.stream(), content.meta(), offset);
            Encryption.StoredBody body = to.prepare(plain, null, partNumber);
            part = store.uploadPart(
                    request.objectKey(),
                    uploadId,
                    partNumber,
                    body.body(),
                    length,
                    null,
                    new TreeMap<>(),
                    body.form(),
                    to.system());
        }
        Encryption.writeHeaders(response, upload.attributes().system());
        XmlWriter xml = XmlWriter.document("CopyPartResult")
                .element("LastModified", part.lastModified())
                .element("ETag", part.quotedEtag());
        CopyObjectHandler.writeChecksumElements(xml, part.checksums());
        response.xml(xml);
    }
}
