package dev.granary.storage;

import java.util.Objects;

/**
 * A condition on the version a write or delete acts on, checked under the key's lock right before the change
 * commits, so that no other write to the key can come between the check and the commit (S3's conditional writes,
 * If-Match and If-None-Match on PutObject; a lifecycle expiration that must remove only the version it judged).
 */
@FunctionalInterface
public interface WriteCondition {
    /** No condition. */
    WriteCondition NONE = current -> true;

    /**
     * Whether the write may replace (or the delete remove) {@code current}.
     *
     * @param current the version acted on, or null when there is none (see the method taking the condition)
     */
    boolean allows(ObjectMeta current);

    /**
     * Allows only the very version {@code seen}, read earlier: same version id (a never-versioned object's null
     * id and {@code "null"} alike, as S3 shows both), ETag, size, modification time, attributes and delete-marker
     * flag. A store gives each new version of a key a later modification time than the newest one before it
     * ({@link ObjectStore}), so no later write of the key passes for {@code seen}, not even a PUT of the same
     * bytes within the same millisecond, and neither does a change of its tags or metadata.
     */
    static WriteCondition sameVersion(ObjectMeta seen) {
        Objects.requireNonNull(seen, "seen");
        return current -> current != null
                && shownId(current).equals(shownId(seen))
                && current.deleteMarker() == seen.deleteMarker()
                && current.etag().equals(seen.etag())
                && current.size() == seen.size()
                && current.lastModified().equals(seen.lastModified())
                && current.attributes().equals(seen.attributes());
    }

    private static String shownId(ObjectMeta meta) {
        return meta.versionId() == null ? ObjectMeta.NULL_VERSION : meta.versionId();
    }
}
