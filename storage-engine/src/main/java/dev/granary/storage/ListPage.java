package dev.granary.storage;

import java.util.List;

/**
 * One page of a listing, in UTF-8 binary order of keys and common prefixes merged.
 *
 * @param objects the objects of the page
 * @param commonPrefixes the common prefixes of the page (each ends with the delimiter)
 * @param truncated whether more entries follow
 * @param nextStartAfter when truncated, the last key or common prefix of this page: the {@code startAfter}
 *     of the next page; null otherwise
 */
public record ListPage(
        List<ObjectMeta> objects, List<String> commonPrefixes, boolean truncated, String nextStartAfter) {}
