package dev.granary.storage;

import java.util.List;

/**
 * One page of a bucket's versions, by key and, within a key, newest first.
 *
 * @param versions versions and delete markers
 * @param commonPrefixes the common prefixes rolled up by the delimiter
 * @param truncated whether more follow
 * @param nextKeyMarker the key marker of the next page when truncated, else null
 * @param nextVersionIdMarker the version id marker of the next page when truncated and the page ends with a
 *     version, else null
 */
public record VersionPage(
        List<ObjectVersion> versions,
        List<String> commonPrefixes,
        boolean truncated,
        String nextKeyMarker,
        String nextVersionIdMarker) {}
