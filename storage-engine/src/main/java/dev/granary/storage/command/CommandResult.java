package dev.granary.storage.command;

import dev.granary.storage.StorageException;
import java.util.Objects;

/**
 * What applying a {@link Command} to a partition did, in a form every replica computes alike and a proposer on
 * another node can read: applied (with the version it wrote or removed, if any), refused for a reason the store
 * reports to its caller, or skipped because the partition had applied that log entry before (a replay).
 *
 * @param status what happened
 * @param reason why it was refused ({@link Status#REFUSED}), else null
 * @param message the refusal's message, else null
 * @param versionId the version written or removed by an object command, else null
 * @param deleteMarker whether that version is a delete marker
 * @param lastModified its modification time in milliseconds, else 0
 */
public record CommandResult(
        Status status,
        StorageException.Reason reason,
        String message,
        String versionId,
        boolean deleteMarker,
        long lastModified) {

    /** The outcome of an apply. */
    public enum Status {
        /** The command's writes were committed (or it had nothing to write). */
        APPLIED,
        /** A condition of the command did not hold; nothing was written. */
        REFUSED,
        /**
         * A {@link Command.CompleteUpload} found a part uploaded again since its proposer read it; nothing was
         * written, and the proposer reads the parts again.
         */
        PARTS_CHANGED,
        /** The partition had applied this log entry already; nothing was done again. */
        SKIPPED
    }

    public CommandResult {
        Objects.requireNonNull(status, "status");
        if ((status == Status.REFUSED) != (reason != null)) {
            throw new IllegalArgumentException("a reason goes with REFUSED and only with it: " + status + " " + reason);
        }
    }

    /** Applied, touching no version (or not an object command). */
    public static final CommandResult APPLIED = new CommandResult(Status.APPLIED, null, null, null, false, 0);

    /** A replayed entry. */
    public static final CommandResult SKIPPED = new CommandResult(Status.SKIPPED, null, null, null, false, 0);

    /** Applied, writing or removing the given version. */
    public static CommandResult applied(String versionId, boolean deleteMarker, long lastModified) {
        return new CommandResult(Status.APPLIED, null, null, versionId, deleteMarker, lastModified);
    }

    /** Refused, as {@code e} says (its reason and message; apply refuses nothing with a delete marker's meta). */
    public static CommandResult refused(StorageException e) {
        return new CommandResult(Status.REFUSED, e.reason(), e.getMessage(), null, false, 0);
    }

    /** Refused because a part changed, with a message saying which. */
    public static CommandResult partsChanged(String message) {
        return new CommandResult(Status.PARTS_CHANGED, null, message, null, false, 0);
    }

    /** The exception a refusal stands for, to throw where the command was proposed; null if not refused. */
    public StorageException toException() {
        if (status != Status.REFUSED) {
            return null;
        }
        return new StorageException(reason, message);
    }
}
