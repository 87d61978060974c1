package dev.granary.auth;

import java.util.Objects;

/** A request that failed authentication or header validation, carrying the S3 error to answer with. */
public class AuthException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final AuthError error;

    /**
     * Creates an exception with the error's default message.
     *
     * @param error the S3 error
     */
    public AuthException(AuthError error) {
        this(error, error.defaultMessage());
    }

    /**
     * Creates an exception with a specific message, which is sent to the client: never put secrets in it.
     *
     * @param error the S3 error
     * @param message the message for the error document
     */
    public AuthException(AuthError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The S3 error to answer with. */
    public AuthError error() {
        return error;
    }
}
