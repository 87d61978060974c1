package dev.granary.api.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An S3 error on its way to the client. Anything in the request path may throw it; only
 * {@link ErrorRenderer} writes it.
 */
public final class S3Exception extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final S3Error error;
    private final int status;
    private final String code;
    private final transient Map<String, String> extraElements = new LinkedHashMap<>();
    private final transient Map<String, String> headers = new LinkedHashMap<>();

    public S3Exception(S3Error error) {
        this(error, error.message(), null);
    }

    public S3Exception(S3Error error, String message) {
        this(error, message, null);
    }

    public S3Exception(S3Error error, String message, Throwable cause) {
        this(error, error.code(), error.status(), message, cause);
    }

    /** An error whose code and status come from elsewhere (the auth module), not from {@link S3Error}. */
    public S3Exception(S3Error error, String code, int status, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
        this.code = code;
        this.status = status;
    }

    /** An InternalError for an unexpected failure; the cause is logged, never sent. */
    public static S3Exception internal(Throwable cause) {
        return new S3Exception(S3Error.INTERNAL_ERROR, S3Error.INTERNAL_ERROR.message(), cause);
    }

    /** Adds an element to the XML error body after Message (AWS adds e.g. ArgumentName, Key, BucketName). */
    public S3Exception with(String element, String value) {
        if (value != null) {
            extraElements.put(element, value);
        }
        return this;
    }

    /** Adds a response header (e.g. Content-Range on a 416). */
    public S3Exception header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public S3Error error() {
        return error;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public Map<String, String> extraElements() {
        return extraElements;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
