package dev.granary.storage;

/** A bucket's versioning state, as S3 has it: a bucket that was never versioned can be so again only by Enabled. */
public enum Versioning {
    /** Never enabled: one version per key, shown with version id {@code null}, overwrites replace it. */
    UNVERSIONED,
    /** Every write makes a new version; a delete without a version id adds a delete marker. */
    ENABLED,
    /** Writes replace the key's {@code null} version; the versions made while enabled stay. */
    SUSPENDED
}
