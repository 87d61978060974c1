package dev.granary.storage.rocksdb;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * S3 listing semantics over a {@link MergedCursor}: keys under a prefix, rolled up into common prefixes at the
 * first delimiter after the prefix (any delimiter string), shared by ListObjects and ListMultipartUploads.
 * A common prefix is emitted once, only if it sorts after the marker, and then every partition's iterator
 * seeks past all keys that start with it: a prefix with a million keys under it costs one seek, not a scan.
 */
final class PrefixListing {

    /**
     * One listing entry: a record ({@code commonPrefix} null) or a common prefix ({@code rawKey} null).
     *
     * @param key the object key of a record
     * @param rawKey the record's RocksDB key
     * @param value the record's RocksDB value
     * @param commonPrefix the common prefix
     */
    @SuppressWarnings("ArrayRecordComponent") // RocksDB key and value as read, never compared or hashed
    record Entry(String key, byte[] rawKey, byte[] value, String commonPrefix) {
        boolean isPrefix() {
            return commonPrefix != null;
        }

        /** The key or common prefix: what a next page starts after. */
        String name() {
            return isPrefix() ? commonPrefix : key;
        }
    }

    /**
     * A page of entries.
     *
     * @param entries at most the requested number
     * @param truncated whether an entry follows the last one
     */
    record Page(List<Entry> entries, boolean truncated) {}

    private final MergedCursor cursor;
    private final byte[] bucketPrefix;
    private final String prefix;
    private final String delimiter;
    private final byte[] marker;
    private final Function<byte[], String> objectKeyOf;

    /**
     * @param cursor positioned at the first candidate
     * @param bucketPrefix {@code bucket 0x00}, the start of every raw key
     * @param prefix the listing prefix ("" for none)
     * @param delimiter the delimiter, or null/"" for none
     * @param marker UTF-8 of the key a common prefix must sort after to be emitted ("" for none)
     * @param objectKeyOf extracts the object key from a raw key
     */
    PrefixListing(
            MergedCursor cursor,
            byte[] bucketPrefix,
            String prefix,
            String delimiter,
            byte[] marker,
            Function<byte[], String> objectKeyOf) {
        this.cursor = cursor;
        this.bucketPrefix = bucketPrefix;
        this.prefix = prefix;
        this.delimiter = delimiter == null || delimiter.isEmpty() ? null : delimiter;
        this.marker = marker;
        this.objectKeyOf = objectKeyOf;
    }

    /** Up to {@code max} entries; reads one more to tell whether the listing is truncated. */
    Page page(int max) {
        List<Entry> entries = new ArrayList<>();
        if (max <= 0) {
            return new Page(entries, false);
        }
        Entry next;
        while ((next = next()) != null) {
            if (entries.size() == max) {
                return new Page(entries, true);
            }
            entries.add(next);
        }
        return new Page(entries, false);
    }

    private Entry next() {
        while (cursor.isValid()) {
            byte[] raw = cursor.key();
            String key = objectKeyOf.apply(raw);
            int at = delimiter == null ? -1 : key.indexOf(delimiter, prefix.length());
            if (at < 0) {
                Entry entry = new Entry(key, raw, cursor.value(), null);
                cursor.next();
                return entry;
            }
            String commonPrefix = key.substring(0, at + delimiter.length());
            byte[] past = Keys.prefixSuccessor(Keys.concat(bucketPrefix, Keys.encodeKey(commonPrefix)));
            if (past == null) {
                cursor.exhaust();
            } else {
                cursor.seekForward(past);
            }
            // A common prefix at or before the marker was on an earlier page (or contains the marker key):
            // its keys are skipped with it.
            if (Keys.compare(Keys.utf8(commonPrefix), marker) > 0) {
                return new Entry(null, null, null, commonPrefix);
            }
        }
        return null;
    }
}
