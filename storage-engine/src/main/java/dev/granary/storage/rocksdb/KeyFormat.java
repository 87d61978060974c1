package dev.granary.storage.rocksdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ReadOptions;

/**
 * The layout a partition's object keys are stored in, recorded in the partition's CF {@code system}, and the upgrade
 * to the current one. Layout 1 (no record) stored object keys as plain UTF-8, which let a key holding U+0000 run
 * into the fields after it; layout 2 stores them escaped ({@link Keys#encodeKey}). The two differ only for keys
 * holding U+0000 or U+0001, so the upgrade rewrites just the entries of those keys, in one batch with the new
 * record: a crash leaves a partition all in the old layout or all in the new, and the next open finishes the job.
 */
final class KeyFormat {
    /** The record's name in CF {@code system}; in every partition (partition 0's also holds the system records). */
    static final String RECORD = "engine/key-format";

    static final byte CURRENT = 2;
    /** The bytes after the key in a layout 1 version key: 0x00 and the version id. */
    private static final int VERSION_SUFFIX = 1 + VersionIds.LENGTH;
    /** The bytes after the upload id in a layout 1 part key: 0x00 and the part number. */
    private static final int PART_SUFFIX = 1 + 4;

    private KeyFormat() {}

    /** One stored entry to move to another key. */
    @SuppressWarnings("ArrayRecordComponent") // RocksDB keys and values in transit, never compared or hashed
    private record Move(Cf cf, byte[] from, byte[] to, byte[] value) {}

    /**
     * Brings the partition to the current layout, before it serves requests.
     *
     * @return how many entries were rewritten
     */
    static int upgrade(Partition p) {
        byte[] recorded = p.get(Cf.SYSTEM, Keys.utf8(RECORD), "read the key layout");
        if (recorded != null && recorded.length == 1 && recorded[0] == CURRENT) {
            return 0;
        }
        if (recorded != null) {
            throw new IllegalStateException("partition " + p.index() + " has key layout " + Arrays.toString(recorded)
                    + ", this version reads layouts up to " + CURRENT);
        }
        List<Move> moves = new ArrayList<>();
        for (Cf cf : List.of(Cf.META, Cf.VERSIONS, Cf.UPLOADS, Cf.PARTS)) {
            try (ReadOptions options = new ReadOptions();
                    Partition.Cursor it = p.iterator(cf, options)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] raw = it.key();
                    byte[] escaped = escapedForm(cf, raw);
                    if (escaped != null) {
                        moves.add(new Move(cf, raw, escaped, it.value()));
                    }
                }
                it.check("scan " + cf + " for keys to escape");
            }
        }
        p.commit("escape object keys", batch -> {
            // Deletes first: an escaped key may be the old stored form of another key moved here too (the escaped
            // "a" U+0000 is the plain "a" U+0001 U+0001), and the later write of a key in a batch wins.
            for (Move m : moves) {
                batch.delete(p.cf(m.cf()), m.from());
            }
            for (Move m : moves) {
                batch.put(p.cf(m.cf()), m.to(), m.value());
            }
            batch.put(p.cf(Cf.SYSTEM), Keys.utf8(RECORD), new byte[] {CURRENT});
        });
        return moves.size();
    }

    /**
     * The layout 2 form of a layout 1 key of {@code cf}, or null when it is the same (the object key holds neither
     * 0x00 nor 0x01). The object key starts after the bucket's 0x00 and ends where the fixed fields after it start,
     * found from the end of the key: a version id is 32 bytes, an upload id holds no 0x00, a part number is 4 bytes.
     */
    static byte[] escapedForm(Cf cf, byte[] raw) {
        int start = Keys.keyEnd(raw, 0) + 1;
        if (start > raw.length) {
            return null; // not an object's key: leave it alone
        }
        int end = switch (cf) {
            case META -> raw.length;
            case VERSIONS -> raw.length - VERSION_SUFFIX;
            case UPLOADS -> lastSeparator(raw, start, raw.length);
            case PARTS -> raw.length < start + PART_SUFFIX ? -1 : lastSeparator(raw, start, raw.length - PART_SUFFIX);
            default -> throw new IllegalArgumentException("no object keys in " + cf);
        };
        if (end < start) {
            return null;
        }
        byte[] key = Arrays.copyOfRange(raw, start, end);
        byte[] escaped = Keys.escape(key);
        if (escaped.length == key.length) {
            return null;
        }
        return Keys.concat(Arrays.copyOfRange(raw, 0, start), escaped, Arrays.copyOfRange(raw, end, raw.length));
    }

    /** The index of the last 0x00 in {@code raw[from, to)}, or -1. */
    private static int lastSeparator(byte[] raw, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (raw[i] == Keys.SEPARATOR) {
                return i;
            }
        }
        return -1;
    }
}
