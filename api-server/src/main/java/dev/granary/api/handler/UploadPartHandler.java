package dev.granary.api.handler;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.PartMeta;
import java.io.IOException;

/** UploadPart: streams one part (up to 5 GiB) into the upload, verified like a PutObject body. */
record UploadPartHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        int partNumber = Limits.partNumber(request.query("partNumber"));
        String uploadId = request.query("uploadId");
        long length = Limits.uploadLength(request.contentLength(), Limits.MAX_PUT_SIZE);
        // The body stream verifies checksums as it ends, the store Content-MD5; both before the part is committed.
        PartMeta part = store.uploadPart(
                request.objectKey(), uploadId, partNumber, request.body(), length, request.contentMd5(), request.checksums());
        response.header(AmzHeaders.ETAG, part.quotedEtag());
        ObjectHeaders.writeChecksums(response, part.checksums(), null);
        response.empty(200);
    }
}
