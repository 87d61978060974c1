package dev.granary.storage;

import java.time.Instant;

/**
 * A bucket's record.
 *
 * @param name the bucket name
 * @param owner the canonical id of the account that created it
 * @param created when it was created
 * @param region the region given at creation (the location constraint), never null
 */
public record BucketInfo(String name, String owner, Instant created, String region) {}
