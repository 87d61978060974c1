package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;

/**
 * GetObject and HeadObject: conditions, one byte range or one part ({@code partNumber}), object headers with
 * response-* overrides, then the bytes (GET only). A GET opens the object once and answers from that one
 * consistent read: access, metadata, conditions and range are all decided on the version whose bytes are sent.
 */
record GetObjectHandler(ObjectStore store, boolean headOnly, Encryption encryption, LifecycleConfigs lifecycle)
        implements OperationHandler {

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        // The request's own shape, which says nothing about the object: checked before it is read.
        if (request.query("partNumber") != null && request.header(AmzHeaders.RANGE) != null) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "Cannot specify both Range header and partNumber query parameter");
        }
        if (headOnly) {
            ObjectMeta meta = read(request, () -> store.headObject(request.objectKey(), Limits.versionId(request)));
            request.checkObjectAccess(meta);
            ObjectKey target = Symlinks.followed(request, meta);
            if (target != null) {
                meta = Symlinks.checkTarget(Symlinks.readTarget(() -> store.headObject(target)));
            }
            encryption.forRead(request, meta.attributes().system(), false);
            long length = answer(request, response, meta).length();
            if (target != null) {
                response.header(Symlinks.OBJECT_TYPE, "Symlink");
            }
            expiration(response, meta, request.query("versionId"));
            response.header(AmzHeaders.CONTENT_LENGTH, Long.toString(length)).empty(response.status());
            return;
        }
        // On an I/O thread only an object kept whole in its record is served (nothing there may block on disk); a
        // larger one moves to a worker, which opens it again and decides on what it opened there.
        ObjectContent opened = read(
                request,
                () -> response.onIoThread()
                        ? store.getObjectIfInMemory(request.objectKey(), Limits.versionId(request))
                                .orElseThrow(response::moveToWorker)
                        : store.getObject(request.objectKey(), Limits.versionId(request), 0, -1));
        // Decided on the version opened, whose bytes are sent: an overwrite since cannot change either. First, so that
        // a caller who may not read the object does not learn that it needs an SSE-C key.
        ObjectKey target;
        try {
            request.checkObjectAccess(opened.meta());
            target = Symlinks.followed(request, opened.meta());
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        if (target != null) {
            // OSS's GetObject of a symlink serves its target (a link is empty, so its record was read whole).
            opened.close();
            opened = Symlinks.readTarget(() -> response.onIoThread()
                    ? store.getObjectIfInMemory(target, null).orElseThrow(response::moveToWorker)
                    : store.getObject(target, null, 0, -1));
            try {
                Symlinks.checkTarget(opened.meta());
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
        }
        try (ObjectContent content = opened) {
            Encryption.Params sse =
                    encryption.forRead(request, content.meta().attributes().system(), false);
            ByteRange range = answer(request, response, content.meta());
            if (target != null) {
                response.header(Symlinks.OBJECT_TYPE, "Symlink");
            }
            expiration(response, content.meta(), request.query("versionId"));
            InputStream in = sse.decrypt(content.stream(), content.meta(), 0);
            in.skipNBytes(range.first());
            response.stream(in, range.length(), range.last() == content.meta().size() - 1);
        }
    }

    /**
     * Runs the store's read of the version the request names. When it fails (no such key or version, a delete
     * marker, a malformed version id), a caller who may not read the object gets AccessDenied, not the reason.
     */
    private static <T> T read(S3Request request, Supplier<T> read) {
        try {
            return read.get();
        } catch (StorageException | S3Exception e) {
            request.checkObjectAccess(null);
            throw e;
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
        Conditions.of(request).checkRead(meta);
        String partParam = request.query("partNumber");
        ByteRange range =
                partParam != null ? partRange(meta, Limits.partNumber(partParam)) : range(request, meta.size());
        ObjectHeaders.write(response, meta, request);
        Encryption.writeHeaders(response, meta.attributes().system());
        // partNumber=1 of an object stored by a single PUT is the whole object, answered like a plain GET.
        boolean partial = range != null && !(partParam != null && meta.partCount() == 0);
        if (!partial && "ENABLED".equalsIgnoreCase(request.header(AmzHeaders.X_AMZ_CHECKSUM_MODE))) {
            ObjectHeaders.writeChecksums(
                    response, meta.attributes().checksums(), meta.attributes().checksumType());
        }
        if (partial) {
            response.status(206).header(AmzHeaders.CONTENT_RANGE, range.contentRange(meta.size()));
            return range;
        }
        response.status(200);
        return new ByteRange(0, meta.size() - 1);
    }

    /**
     * The Range header's bytes. OSS answers a range it cannot satisfy with the whole object (200) unless the client
     * sends {@code x-oss-range-behavior: standard}, as S3 always does (416 InvalidRange).
     */
    private static ByteRange range(S3Request request, long size) {
        try {
            return ByteRange.parse(request.header(AmzHeaders.RANGE), size);
        } catch (S3Exception e) {
            if (e.error() == S3Error.INVALID_RANGE
                    && request.oss()
                    && !"standard".equalsIgnoreCase(request.header("x-amz-range-behavior"))) {
                return null;
            }
            throw e;
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
