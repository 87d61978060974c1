package dev.granary.storage;

/**
 * One entry of a version listing.
 *
 * @param meta the version or delete marker
 * @param latest whether it is the newest version of its key
 */
public record ObjectVersion(ObjectMeta meta, boolean latest) {}
