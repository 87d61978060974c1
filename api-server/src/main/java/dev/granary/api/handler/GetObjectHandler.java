package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * GetObject and HeadObject: conditions, one byte range or one part ({@code partNumber}), object headers with
 * response-* overrides, then the bytes (GET only). A GET opens the object once and answers from that one
 * consistent read: metadata, conditions and range are all decided on the version whose bytes are sent.
 */
record GetObjectHandler(ObjectStore store, boolean headOnly, Encryption encryption, LifecycleConfigs lifecycle)
        implements OperationHandler {

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        String versionId = Limits.versionId(request);
        String partParam = request.query("partNumber");
        if (partParam != null && request.header(AmzHeaders.RANGE) != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter");
        }
        if (headOnly) {
            ObjectMeta meta = store.headObject(request.objectKey(), versionId);
            encryption.forRead(request, meta.attributes().system(), false);
            long length = answer(request, response, meta).length();
            expiration(response, meta, versionId);
            response.header(AmzHeaders.CONTENT_LENGTH, Long.toString(length)).empty(response.status());
            return;
        }
        // On an I/O thread only an object kept whole in its record is served (nothing there may block on disk).
        ObjectContent opened = response.onIoThread()
                ? store.getObjectIfInMemory(request.objectKey(), versionId).orElseThrow(response::moveToWorker)
                : store.getObject(request.objectKey(), versionId, 0, -1);
        try (ObjectContent content = opened) {
            Encryption.Params sse = encryption.forRead(request, content.meta().attributes().system(), false);
            ByteRange range = answer(request, response, content.meta());
            expiration(response, content.meta(), versionId);
            InputStream in = sse.decrypt(content.stream(), content.meta(), 0);
            in.skipNBytes(range.first());
            response.stream(in, range.length(), range.last() == content.meta().size() - 1);
        }
    }

    /** The lifecycle expiry of a current object (S3 shows none for a version asked for by id). */
    private void expiration(S3Response response, ObjectMeta meta, String versionId) {
        if (versionId == null) {
            lifecycle.writeExpiration(response, meta);
        }
    }

    /**
     * Checks the conditions, resolves the range and writes status and headers.
     *
     * @return the bytes to send (the whole object when no range applies)
     */
    private static ByteRange answer(S3Request request, S3Response response, ObjectMeta meta) {
        request.checkObjectAccess(meta);
        Conditions.of(request).checkRead(meta);
        String partParam = request.query("partNumber");
        ByteRange range = partParam != null
                ? partRange(meta, Limits.partNumber(partParam))
                : ByteRange.parse(request.header(AmzHeaders.RANGE), meta.size());
        ObjectHeaders.write(response, meta, request);
        Encryption.writeHeaders(response, meta.attributes().system());
        // partNumber=1 of an object stored by a single PUT is the whole object, answered like a plain GET.
        boolean partial = range != null && !(partParam != null && meta.partCount() == 0);
        if (!partial && "ENABLED".equalsIgnoreCase(request.header(AmzHeaders.X_AMZ_CHECKSUM_MODE))) {
            ObjectHeaders.writeChecksums(response, meta.attributes().checksums(), meta.attributes().checksumType());
        }
        if (partial) {
            response.status(206).header(AmzHeaders.CONTENT_RANGE, range.contentRange(meta.size()));
            return range;
        }
        response.status(200);
        return new ByteRange(0, meta.size() - 1);
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
