package dev.granary.auth;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a {@link DecodedBody}'s stream when the body does not match what the client signed or declared
 * (payload hash, chunk signature, checksum, length, framing). It is an {@link IOException} so that it travels
 * through storage code that only knows streams; the API server finds it again with {@link #find(Throwable)}.
 */
public final class PayloadException extends IOException {

    private static final long serialVersionUID = 1L;

    private final AuthError error;

    /**
     * Creates an exception whose message is sent to the client.
     *
     * @param error the S3 error
     * @param message the message for the error document
     */
    public PayloadException(AuthError error, String message) {
        super(message);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** The S3 error to answer with. */
    public AuthError error() {
        return error;
    }

    /**
     * Finds a payload exception in a cause chain, for code that caught a wrapper (such as a storage exception
     * around the {@link IOException} the body stream threw).
     *
     * @param thrown what was caught
     * @return the payload exception, or empty when the failure was something else
     */
    public static Optional<PayloadException> find(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof PayloadException payload) {
                return Optional.of(payload);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
