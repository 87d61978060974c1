package dev.granary.api.handler;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import java.io.IOException;

/** UploadPart: streams one part (up to 5 GiB) into the upload, verified like a PutObject body. */
record UploadPartHandler(ObjectStore store, Encryption encryption) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        int partNumber = Limits.partNumber(request.query("partNumber"));
        String uploadId = request.query("uploadId");
        long length = Limits.uploadLength(request.contentLength(), Limits.MAX_PUT_SIZE);
        // The body stream verifies checksums as it ends, the store Content-MD5; both before the part is committed.
        MultipartUpload upload = store.getUpload(request.objectKey(), uploadId);
        Encryption.Params sse = encryption.forPart(request, upload.attributes().system());
        Encryption.StoredBody body = sse.prepare(request.body(), request.contentMd5(), partNumber);
        PartMeta part = store.uploadPart(
                request.objectKey(),
                uploadId,
                partNumber,
                body.body(),
                length,
                body.contentMd5(),
                request.checksums(),
                body.form(),
                sse.system());
        response.header(AmzHeaders.ETAG, part.quotedEtag());
        Encryption.writeHeaders(response, upload.attributes().system());
        ObjectHeaders.writeChecksums(response, part.checksums(), null);
        ObjectHeaders.writeOssCrc64(request, response, part.checksums());
        response.empty(200);
    }
}
