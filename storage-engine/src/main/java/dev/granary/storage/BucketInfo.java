package dev.granary.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A bucket's record.
 *
 * @param name the bucket name
 * @param owner the canonical id of the account that created it
 * @param created when it was created
 * @param region the region given at creation (the location constraint), never null
 * @param versioning its versioning state
 */
public record BucketInfo(String name, String owner, Instant created, String region, Versioning versioning) {

    /** Checks that no component is null. */
    public BucketInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(versioning, "versioning");
    }

    /** A bucket that was never versioned. */
    public BucketInfo(String name, String owner, Instant created, String region) {
        this(name, owner, created, region, Versioning.UNVERSIONED);
    }

    /** This record with another versioning state. */
    public BucketInfo withVersioning(Versioning state) {
        return new BucketInfo(name, owner, created, region, state);
    }
}
