package dev.granary.storage;

/**
 * One page of a listing request.
 *
 * @param prefix only keys starting with it ("" for all)
 * @param delimiter groups keys that contain it after the prefix into common prefixes; null or "" for none
 * @param startAfter only keys, and common prefixes, that sort strictly after it (UTF-8 binary order); ""
 *     for the start
 * @param maxKeys at most this many keys and common prefixes together (0 allowed)
 */
public record ListQuery(String prefix, String delimiter, String startAfter, int maxKeys) {}
