package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.S3Request;
import java.nio.charset.StandardCharsets;

/** S3's explicit limits, checked before the store is called. */
final class Limits {
    static final int MAX_KEY_BYTES = 1024;
    static final long MAX_PUT_SIZE = 5L * 1024 * 1024 * 1024;
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** OSS's smallest part but the last: 100 KB (its SDKs' {@code uploadFile} sends 100 KiB parts by default). */
    static final long OSS_MIN_PART_SIZE = 100L * 1024;

    static final int MAX_PART_NUMBER = 10_000;
    static final int MAX_USER_METADATA_BYTES = 2 * 1024;
    static final int MAX_KEYS = 1000;
    static final int MAX_DELETE_OBJECTS = 1000;

    private Limits() {}

    static void checkKey(String key) {
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(S3Error.KEY_TOO_LONG)
                    .with("MaxSizeAllowed", Integer.toString(MAX_KEY_BYTES))
                    .with("Size", Integer.toString(key.getBytes(StandardCharsets.UTF_8).length));
        }
    }

    /** The body length of an upload: required, at most {@code max}. */
    static long uploadLength(long length, long max) {
        if (length < 0) {
            throw new S3Exception(S3Error.MISSING_CONTENT_LENGTH);
        }
        if (length > max) {
            throw new S3Exception(S3Error.ENTITY_TOO_LARGE)
                    .with("ProposedSize", Long.toString(length))
                    .with("MaxSizeAllowed", Long.toString(max));
        }
        return length;
    }

    /**
     * The request's {@code versionId} parameter, or null when absent; the store checks its form (a malformed id
     * is InvalidArgument, an unknown one NoSuchVersion).
     */
    static String versionId(S3Request request) {
        String versionId = request.query("versionId");
        if (versionId != null && versionId.isEmpty()) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Version id cannot be the empty string")
                    .with("ArgumentName", "versionId")
                    .with("ArgumentValue", "");
        }
        return versionId;
    }

    static int partNumber(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_PART_NUMBER) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the S3 error
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "Part number must be an integer between 1 and 10000, inclusive")
                .with("ArgumentName", "partNumber")
                .with("ArgumentValue", value);
    }
}
