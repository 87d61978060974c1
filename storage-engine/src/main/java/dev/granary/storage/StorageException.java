package dev.granary.storage;

/** A failure of the store, with the reason the protocol layer translates into its own error. */
public final class StorageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. */
    public enum Reason {
        NO_SUCH_BUCKET,
        BUCKET_ALREADY_EXISTS,
        BUCKET_ALREADY_OWNED_BY_YOU,
        BUCKET_NOT_EMPTY,
        NO_SUCH_KEY,
        NO_SUCH_UPLOAD,
        INVALID_PART,
        INVALID_PART_ORDER,
        ENTITY_TOO_SMALL,
        INCOMPLETE_BODY,
        BAD_DIGEST,
        CORRUPT_DATA,
        IO
    }

    private final Reason reason;

    public StorageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public StorageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
