package dev.granary.storage;

/**
 * A condition on an object's current version that a write must meet, checked under the key's lock right before
 * the write commits, so that no other write to the key can come between the check and the commit (S3's
 * conditional writes, If-Match and If-None-Match on PutObject).
 */
@FunctionalInterface
public interface WriteCondition {
    /** No condition. */
    WriteCondition NONE = current -> true;

    /**
     * Whether the write may replace {@code current}.
     *
     * @param current the current version, or null when the key has none (or a delete marker)
     */
    boolean allows(ObjectMeta current);
}
