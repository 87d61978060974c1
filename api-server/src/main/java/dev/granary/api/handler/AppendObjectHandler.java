package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.Crc64;
import dev.granary.auth.PayloadDecoder;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import dev.granary.storage.StoredForm;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alibaba Cloud OSS's AppendObject, {@code POST /bucket/key?append&position=N}: the body goes at the end of an
 * Appendable object ({@code position} its length), or makes one ({@code position} 0, no object). The appended bytes
 * are stored once and become the object's next segment; the answer carries {@code x-oss-next-append-position} and
 * the whole object's CRC-64, combined from the object's and the appended bytes'. An append at another position is 409
 * PositionNotEqualToLength (with the right position in {@code x-oss-next-append-position}), one to an object not made
 * by appends 409 ObjectNotAppendable; both change nothing. Content headers and metadata are taken when the append makes
 * the object.
 */
record AppendObjectHandler(ObjectStore store, Encryption encryption, AccessControl access) implements OperationHandler {
    /** The header telling where the next append goes (x-oss-next-append-position in OSS's dialect). */
    static final String NEXT_POSITION = "x-amz-next-append-position";

    /**
     * The most appends one object takes (each is a segment its record lists, rewritten whole by the next append, and
     * read through in order): as many as a multipart upload's parts.
     */
    static final int MAX_APPENDS = Limits.MAX_PART_NUMBER;

    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        ObjectKey key = request.objectKey();
        Limits.checkKey(key.key());
        long position = position(request.query("position"));
        long length = Limits.uploadLength(request.contentLength(), Limits.MAX_PUT_SIZE);
        if (encryption.forWrite(request, key.bucket()).encrypted()) {
            throw new S3Exception(
                    S3Error.NOT_IMPLEMENTED,
                    "Appendable objects are stored unencrypted by this server: server-side encryption (asked for, or"
                            + " the bucket's default) cannot be applied to an append.");
        }
        // Refused before the body is read, when the object already says so; the store checks again at the commit.
        ObjectMeta current = current(key);
        if (current != null && !current.appendable()) {
            throw new S3Exception(S3Error.OBJECT_NOT_APPENDABLE);
        }
        long size = current == null ? 0 : current.size();
        if (position != size) {
            throw positionRefused(size);
        }
        if (size + length > Limits.MAX_PUT_SIZE) {
            throw new S3Exception(S3Error.ENTITY_TOO_LARGE, "An appendable object grows to 5 GiB at most.")
                    .with("ProposedSize", Long.toString(size + length))
                    .with("MaxSizeAllowed", Long.toString(Limits.MAX_PUT_SIZE));
        }
        if (current != null && length == 0) {
            // Nothing to append: the object as it is (no empty segment, no new ETag).
            request.body().transferTo(java.io.OutputStream.nullOutputStream());
            answer(request, response, current);
            return;
        }
        if (current != null && appends(current) >= MAX_APPENDS) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST,
                    "The object has taken " + MAX_APPENDS + " appends, the most one object takes; copy it to go on.");
        }
        ObjectAttributes attributes = ObjectHeaders.fromRequest(request, Map.of());
        attributes = attributes.withSystem(Acls.forNewObject(request, access, attributes.system()));
        Map<String, String> appended = request.checksums(); // filled as the body ends
        ObjectMeta meta;
        try {
            meta = store.appendObject(
                    key,
                    position,
                    attributes,
                    request.body(),
                    length,
                    request.contentMd5(),
                    StoredForm.IDENTITY,
                    (appendedTo, bytes) -> checksumsAfter(appendedTo, appended, bytes));
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.POSITION_NOT_EQUAL_TO_LENGTH) {
                ObjectMeta now = current(key); // another append came first
                throw positionRefused(now == null ? 0 : now.size());
            }
            throw e;
        }
        answer(request, response, meta);
    }

    private static void answer(S3Request request, S3Response response, ObjectMeta meta) {
        response.header(AmzHeaders.ETAG, meta.quotedEtag());
        response.header(NEXT_POSITION, Long.toString(meta.size()));
        ObjectHeaders.writeWrittenVersion(response, meta);
        ObjectHeaders.writeOssCrc64(request, response, meta.attributes().checksums());
        response.empty(200);
    }

    /** How many appends made the object: its ETag's "-N" (one for an object made by a single append). */
    private static int appends(ObjectMeta meta) {
        int dash = meta.etag().lastIndexOf('-');
        try {
            return dash < 0 ? 1 : Integer.parseInt(meta.etag().substring(dash + 1));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /**
     * The checksums of the object after the append: OSS's CRC-64 combined from the object's and the appended bytes'
     * (none when either lacks one); S3's checksums of the first append only describe the object while it is all.
     */
    private static Map<String, String> checksumsAfter(ObjectMeta appendedTo, Map<String, String> appended, long bytes) {
        if (appendedTo == null) {
            return appended;
        }
        Map<String, String> after = new TreeMap<>();
        String before = appendedTo.attributes().checksums().get(PayloadDecoder.CRC64ECMA);
        String added = appended.get(PayloadDecoder.CRC64ECMA);
        if (before != null && added != null) {
            long crc = Crc64.combine(
                    Crc64.Polynomial.ECMA, Long.parseUnsignedLong(before), Long.parseUnsignedLong(added), bytes);
            after.put(PayloadDecoder.CRC64ECMA, Long.toUnsignedString(crc));
        }
        return after;
    }

    private ObjectMeta current(ObjectKey key) {
        try {
            return store.headObject(key);
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.NO_SUCH_KEY
                    || e.reason() == StorageException.Reason.DELETE_MARKER) {
                return null;
            }
            throw e;
        }
    }

    private static S3Exception positionRefused(long length) {
        return new S3Exception(S3Error.POSITION_NOT_EQUAL_TO_LENGTH).header(NEXT_POSITION, Long.toString(length));
    }

    private static long position(String value) {
        if (value == null || value.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "AppendObject needs the position parameter.")
                    .with("ArgumentName", "position");
        }
        try {
            long position = Long.parseLong(value);
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "The position parameter must be a number of bytes, 0 or more.")
                .with("ArgumentName", "position")
                .with("ArgumentValue", value);
    }
}
