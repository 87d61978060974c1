package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.util.List;

/**
 * GetObject and HeadObject: conditions, one byte range or one part ({@code partNumber}), object headers with
 * response-* overrides, then the bytes (GET only). The range is resolved against the metadata, then the read is
 * opened; if the object was replaced in between, the request starts over on the new version.
 */
record GetObjectHandler(ObjectStore store, boolean headOnly) implements OperationHandler {
    private static final int ATTEMPTS = 3;

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String partParam = request.query("partNumber");
        String rangeHeader = request.header(AmzHeaders.RANGE);
        if (partParam != null && rangeHeader != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter");
        }
        Conditions conditions = Conditions.of(request);
        for (int attempt = 1; ; attempt++) {
            ObjectMeta meta = store.headObject(request.objectKey());
            conditions.checkRead(meta);
            ByteRange range = partParam != null
                    ? partRange(meta, Limits.partNumber(partParam))
                    : ByteRange.parse(rangeHeader, meta.size());
            ObjectHeaders.write(response, meta, request);
            boolean wholeObject = range == null || (partParam != null && meta.partCount() == 0);
            if (wholeObject && "ENABLED".equalsIgnoreCase(request.header(AmzHeaders.X_AMZ_CHECKSUM_MODE))) {
                ObjectHeaders.writeChecksums(
                        response, meta.attributes().checksums(), meta.attributes().checksumType());
            }
            long offset = range == null ? 0 : range.first();
            long length = range == null ? meta.size() : range.length();
            if (range != null && !(partParam != null && meta.partCount() == 0)) {
                response.status(206).header(AmzHeaders.CONTENT_RANGE, range.contentRange(meta.size()));
            } else {
                response.status(200);
            }
            if (headOnly) {
                response.header(AmzHeaders.CONTENT_LENGTH, Long.toString(length)).empty(response.status());
                return;
            }
            try (ObjectContent content = store.getObject(request.objectKey(), offset, length)) {
                if (!content.meta().etag().equals(meta.etag()) && attempt < ATTEMPTS) {
                    continue; // overwritten between head and open: answer for the new version
                }
                response.stream(content.stream(), length);
                return;
            }
        }
    }

    /** The byte range of one part; an object stored by a single PUT is its own part 1. */
    private static ByteRange partRange(ObjectMeta meta, int partNumber) {
        List<Long> sizes = meta.partSizes();
        if (sizes.isEmpty()) {
            if (partNumber != 1) {
                throw new S3Exception(S3Error.INVALID_PART_NUMBER);
            }
            return meta.size() == 0 ? null : new ByteRange(0, meta.size() - 1);
        }
        if (partNumber > sizes.size()) {
            throw new S3Exception(S3Error.INVALID_PART_NUMBER);
        }
        long first = 0;
        for (int i = 0; i < partNumber - 1; i++) {
            first += sizes.get(i);
        }
        return new ByteRange(first, first + sizes.get(partNumber - 1) - 1);
    }
}
