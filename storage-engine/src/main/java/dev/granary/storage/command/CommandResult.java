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
 * @param leavesGarbage whether the command left data for the partition's reclaimer
 * @param record the stored record of the version the command wrote or acted on, as the partition keeps it (opaque
 *     here: the store decodes it), or null: what a proposer on a node without a replica of the partition builds its
 *     answer from
 */
@SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the record's bytes
public record CommandResult(
        Status status,
        StorageException.Reason reason,
        String message,
        String versionId,
        boolean deleteMarker,
        long lastModified,
        boolean leavesGarbage,
        byte[] record) {

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

    @Override
    public boolean equals(Object o) {
        return o instanceof CommandResult other
                && status == other.status
                && reason == other.reason
                && Objects.equals(message, other.message)
                && Objects.equals(versionId, other.versionId)
                && deleteMarker == other.deleteMarker
                && lastModified == other.lastModified
                && leavesGarbage == other.leavesGarbage
                && java.util.Arrays.equals(record, other.record);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, reason, message, versionId, deleteMarker, lastModified, leavesGarbage)
                + 31 * java.util.Arrays.hashCode(record);
    }

    @Override
    public String toString() {
        return "CommandResult[" + status + (reason == null ? "" : " " + reason) + (message == null ? "" : " " + message)
                + (versionId == null ? "" : " version " + versionId) + (deleteMarker ? " marker" : "")
                + (leavesGarbage ? " garbage" : "") + (record == null ? "" : " record " + record.length + " bytes")
                + "]";
    }

    /** A result without a record, leaving no garbage. */
    public CommandResult(
            Status status,
            StorageException.Reason reason,
            String message,
            String versionId,
            boolean deleteMarker,
            long lastModified) {
        this(status, reason, message, versionId, deleteMarker, lastModified, false, null);
    }

    /** This result carrying what the command did in full: whether it left garbage, and the record it acted on. */
    public CommandResult withOutcome(boolean garbage, byte[] stored) {
        return new CommandResult(status, reason, message, versionId, deleteMarker, lastModified, garbage, stored);
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
