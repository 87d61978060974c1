package dev.granary.storage;

/**
 * What a delete did.
 *
 * @param versionId the version id of the delete marker made or of the version removed, or null when the bucket
 *     was never versioned
 * @param deleteMarker whether a delete marker was made, or the version removed was one
 */
public record DeleteResult(String versionId, boolean deleteMarker) {

    /** A delete in a bucket that was never versioned. */
    public static final DeleteResult UNVERSIONED = new DeleteResult(null, false);
}
