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
        /** The version id is well formed but names no version of the key. */
        NO_SUCH_VERSION,
        /** The version id is not one this store could have made. */
        INVALID_VERSION_ID,
        /** A write's condition on the current version did not hold when it was about to commit. */
        PRECONDITION_FAILED,
        /** The version asked for, or the current version, is a delete marker: see {@link #deleteMarker()}. */
        DELETE_MARKER,
        NO_SUCH_UPLOAD,
        INVALID_PART,
        INVALID_PART_ORDER,
        ENTITY_TOO_SMALL,
        INCOMPLETE_BODY,
        BAD_DIGEST,
        CORRUPT_DATA,
        IO,
        /**
         * A cluster could not commit the write, or confirm what a read must see, in time: no leader of the partition
         * is reachable from this node (an election, or this node cut off from a majority). A write that fails so may
         * still take effect; nothing was lost or half-written.
         */
        UNAVAILABLE,
        /**
         * The disk is too full to take the write: its free space, less what the write brings, would fall below the
         * reserve, or the write ran out of space. Nothing was stored. Unlike the other reasons' messages, this one's
         * is worded for the client (free space, reserve, what still works) and names nothing internal.
         */
        INSUFFICIENT_STORAGE,
        /**
         * An append's position is not the appendable object's length (0 when there is no object), or the object
         * changed since the append read it: nothing was appended.
         */
        POSITION_NOT_EQUAL_TO_LENGTH,
        /** An append to an object that was not made by appends. */
        OBJECT_NOT_APPENDABLE
    }

    private final Reason reason;
    private final transient ObjectMeta deleteMarker;

    public StorageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
        this.deleteMarker = null;
    }

    /** A {@code DELETE_MARKER} failure: the version read is the given delete marker. */
    public StorageException(ObjectMeta deleteMarker, String message) {
        super(message);
        this.reason = Reason.DELETE_MARKER;
        this.deleteMarker = deleteMarker;
    }

    public StorageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.deleteMarker = null;
    }

    public Reason reason() {
        return reason;
    }

    /** The delete marker of a {@code DELETE_MARKER} failure, else null. */
    public ObjectMeta deleteMarker() {
        return deleteMarker;
    }

    /**
     * Waits for {@code future} and returns its value; its failure is thrown as it was raised when it is unchecked (a
     * StorageException among them), else as an {@code IO} failure.
     */
    public static <T> T join(java.util.concurrent.Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(Reason.IO, "interrupted while waiting", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw unwrap(e);
        }
    }

    /**
     * What a future failed with, as it was raised when it is unchecked (a StorageException among them), else as an
     * {@code IO} failure; the wrappers futures add ({@code ExecutionException}, {@code CompletionException}) removed.
     */
    public static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.ExecutionException
                        || cause instanceof java.util.concurrent.CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException unchecked) {
            return unchecked;
        }
        return new StorageException(Reason.IO, String.valueOf(cause), cause);
    }
}
