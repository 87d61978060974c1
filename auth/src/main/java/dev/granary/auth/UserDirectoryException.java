package dev.granary.auth;

import java.util.Objects;

/** A user directory operation that cannot be done, with the reason the admin API answers with. */
public final class UserDirectoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed; each reason names IAM's error code for it. */
    public enum Reason {
        /** No user of that name (IAM NoSuchEntity). */
        NO_SUCH_USER("NoSuchEntity"),
        /** The user has no such access key (IAM NoSuchEntity). */
        NO_SUCH_ACCESS_KEY("NoSuchEntity"),
        /** A user of that name exists already, names compared ignoring case (IAM EntityAlreadyExists). */
        USER_EXISTS("EntityAlreadyExists"),
        /** The name breaks IAM's user name rules (IAM ValidationError). */
        INVALID_NAME("ValidationError"),
        /** The user has as many access keys as allowed (IAM LimitExceeded). */
        TOO_MANY_KEYS("LimitExceeded");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** IAM's error code for the reason. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    /**
     * Creates an exception.
     *
     * @param reason why
     * @param message what for a person; no secrets
     */
    public UserDirectoryException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the operation failed. */
    public Reason reason() {
        return reason;
    }
}
