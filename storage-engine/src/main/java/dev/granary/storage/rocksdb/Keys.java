package dev.granary.storage.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The byte layout of every RocksDB key, in one place. Keys are compared by RocksDB's bytewise comparator, so
 * the order of object keys inside a bucket is the UTF-8 binary order S3 lists in:
 *
 * <pre>
 * meta     bucket 0x00 key                                  -> ObjectRecord (the current version)
 * versions bucket 0x00 key 0x00 versionId(32)               -> ObjectRecord (every version, newest first)
 * uploads  bucket 0x00 key 0x00 uploadId                    -> UploadRecord
 * parts    bucket 0x00 key 0x00 uploadId 0x00 partNumber(4) -> PartRecord
 * buckets  bucket                                           -> BucketRecord
 * bucket_config bucket 0x00 name                            -> configuration document (opaque bytes)
 * system   name                                             -> system record ({@link KeyFormat}'s in each partition)
 * data     dataId(16) chunkIndex(4)                         -> crc32c(4) bytes
 * pending  dataId(16)                                       -> (empty) data being written
 * gc       dataId(16)                                       -> (empty) data to delete
 * </pre>
 *
 * <p>An object key is written {@linkplain #encodeKey escaped}: S3 keys may hold U+0000, which as a plain byte
 * would make the key end early (the parts of key {@code a} and those of key {@code a 0x00 <uploadId>} shared a
 * prefix, and the versions of {@code a} sorted after those of {@code a 0x00 ...}). The escaped form never holds
 * 0x00, keeps UTF-8 binary order, and is the plain UTF-8 of every key without U+0000 and U+0001, so data written
 * before the escaping reads as it is except for such keys, which {@link KeyFormat} rewrites once. Bucket names
 * (S3's rules: lower-case letters, digits, dots, hyphens) and version and upload ids never hold 0x00 or 0x01.
 */
final class Keys {
    static final int DATA_ID_LENGTH = 16;
    static final byte SEPARATOR = 0;
    /** Starts the two-byte forms of 0x00 ({@code 0x01 0x01}) and 0x01 ({@code 0x01 0x02}) in an escaped key. */
    static final byte ESCAPE = 1;

    private Keys() {}

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.UTF_8);
    }

    /** {@code bucket 0x00}: the start of every meta, upload and part key of the bucket. */
    static byte[] bucketPrefix(String bucket) {
        return concat(utf8(bucket), new byte[] {SEPARATOR});
    }

    /** The bucket named by a key that starts with {@link #bucketPrefix} (the whole key if it has no separator). */
    static String bucketOf(byte[] key) {
        int end = 0;
        while (end < key.length && key[end] != SEPARATOR) {
            end++;
        }
        return string(key, 0, end);
    }

    /** {@code bucket 0x00 key}, the key escaped. */
    static byte[] objectKey(String bucket, String key) {
        return concat(bucketPrefix(bucket), encodeKey(key));
    }

    /** {@code bucket 0x00 prefix}, escaped: the start of the stored keys of every object key with that prefix. */
    static byte[] keyPrefix(String bucket, String prefix) {
        return objectKey(bucket, prefix);
    }

    /**
     * The stored form of an object key: its UTF-8 with 0x00 written as {@code 0x01 0x01} and 0x01 as
     * {@code 0x01 0x02}, so that 0x00 is free to end the key. Order is kept: a byte below another one stays below it
     * (0x00 and 0x01 become pairs starting below every other byte, ordered by their second byte), and a prefix of a
     * key stays a prefix, so the escaped keys sort in UTF-8 binary order and a key's entries (key 0x00 ...) come
     * right after the key and before every longer key. Keys without those two bytes stay as they are.
     */
    static byte[] encodeKey(String key) {
        return escape(utf8(key));
    }

    /** UTF-8 bytes escaped as {@link #encodeKey} does; {@code raw} itself when it holds neither 0x00 nor 0x01. */
    static byte[] escape(byte[] raw) {
        int extra = 0;
        for (byte b : raw) {
            if (b == SEPARATOR || b == ESCAPE) {
                extra++;
            }
        }
        if (extra == 0) {
            return raw;
        }
        byte[] escaped = new byte[raw.length + extra];
        int at = 0;
        for (byte b : raw) {
            if (b == SEPARATOR || b == ESCAPE) {
                escaped[at++] = ESCAPE;
                escaped[at++] = (byte) (b + 1);
            } else {
                escaped[at++] = b;
            }
        }
        return escaped;
    }

    /** The object key whose {@linkplain #encodeKey stored form} is {@code stored[from, to)}. */
    static String decodeKey(byte[] stored, int from, int to) {
        int escapes = 0;
        for (int i = from; i < to; i++) {
            if (stored[i] == ESCAPE) {
                escapes++;
                i++;
            }
        }
        if (escapes == 0) {
            return string(stored, from, to);
        }
        byte[] raw = new byte[to - from - escapes];
        int at = 0;
        for (int i = from; i < to; i++) {
            if (stored[i] == ESCAPE) {
                if (i + 1 >= to || (stored[i + 1] != 1 && stored[i + 1] != 2)) {
                    throw new IllegalArgumentException("malformed escaped key at byte " + (i - from));
                }
                raw[at++] = (byte) (stored[++i] - 1);
            } else {
                raw[at++] = stored[i];
            }
        }
        return new String(raw, StandardCharsets.UTF_8);
    }

    /** Where the stored object key that starts at {@code from} ends: the next 0x00, or the end of {@code raw}. */
    static int keyEnd(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == SEPARATOR) {
                return i;
            }
        }
        return raw.length;
    }

    /** {@code bucket 0x00 key 0x00}: the prefix of every version key of an object. */
    static byte[] versionPrefix(String bucket, String key) {
        return concat(objectKey(bucket, key), new byte[] {SEPARATOR});
    }

    /** {@code bucket 0x00 key 0x00 versionId}: version ids sort newest first (see {@link VersionIds}). */
    static byte[] versionKey(String bucket, String key, String versionId) {
        return concat(versionPrefix(bucket, key), utf8(versionId));
    }

    /** Whether {@code raw} is a version key of the object whose version prefix is {@code versionPrefix}. */
    static boolean isVersionOf(byte[] raw, byte[] versionPrefix) {
        return raw.length == versionPrefix.length + VersionIds.LENGTH && startsWith(raw, versionPrefix);
    }

    /** The object key of a version key. */
    static String keyOfVersion(byte[] raw, int bucketPrefixLength) {
        return decodeKey(raw, bucketPrefixLength, raw.length - VersionIds.LENGTH - 1);
    }

    /** {@code bucket 0x00 key 0x00 uploadId}. */
    static byte[] uploadKey(String bucket, String key, String uploadId) {
        return concat(objectKey(bucket, key), new byte[] {SEPARATOR}, utf8(uploadId));
    }

    /** {@code uploadKey 0x00}: the prefix of all part keys of an upload. */
    static byte[] partPrefix(byte[] uploadKey) {
        return concat(uploadKey, new byte[] {SEPARATOR});
    }

    /** {@code uploadKey 0x00 partNumber} with the part number big-endian, so parts sort by number. */
    static byte[] partKey(byte[] uploadKey, int partNumber) {
        return concat(
                partPrefix(uploadKey), ByteBuffer.allocate(4).putInt(partNumber).array());
    }

    static int partNumber(byte[] partKey) {
        return ByteBuffer.wrap(partKey, partKey.length - 4, 4).getInt();
    }

    /** {@code dataId chunkIndex} with the index big-endian, so an object's chunks are adjacent and in order. */
    static byte[] chunkKey(byte[] dataId, int chunkIndex) {
        return ByteBuffer.allocate(DATA_ID_LENGTH + 4)
                .put(dataId)
                .putInt(chunkIndex)
                .array();
    }

    /**
     * The exclusive end of a data id's chunk keys: {@code dataId 0xFFFFFFFF 0x00} is above every
     * {@code dataId index} and below every key of the next data id, with no carry to handle.
     */
    static byte[] chunkRangeEnd(byte[] dataId) {
        return ByteBuffer.allocate(DATA_ID_LENGTH + 5)
                .put(dataId)
                .putInt(-1)
                .put((byte) 0)
                .array();
    }

    /**
     * The smallest byte string greater than every string that starts with {@code prefix}: the prefix with its
     * last byte below 0xFF incremented and the 0xFF bytes after it dropped; null when there is none (all 0xFF).
     */
    static byte[] prefixSuccessor(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] next = Arrays.copyOf(prefix, i + 1);
                next[i]++;
                return next;
            }
        }
        return null;
    }

    /** The smallest byte string strictly greater than {@code key}: the key followed by 0x00. */
    static byte[] keySuccessor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Unsigned lexicographic order: RocksDB's bytewise comparator, and UTF-8 binary order of strings. */
    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    static byte[] max(byte[] a, byte[] b) {
        return compare(a, b) >= 0 ? a : b;
    }

    /**
     * A stable non-negative hash of {@code bucket 0x00 key}: decides the partition and the lock stripe. Of the key's
     * plain UTF-8, not its stored form: the partition of every object stored before keys were escaped stays its own.
     */
    static int objectHash(String bucket, String key) {
        return hash(concat(bucketPrefix(bucket), utf8(key)));
    }

    static int hash(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) (crc.getValue() & 0x7FFF_FFFF);
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        for (byte[] part : parts) {
            buffer.put(part);
        }
        return buffer.array();
    }
}
