package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.command.IdSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Version ids: 32 characters, the first 16 the lower-case hex of {@code Long.MAX_VALUE - t} for a microsecond
 * time stamp {@code t}, the last 16 letters and digits the proposer of the write chose at random
 * ({@link IdSource#versionSuffix}). Byte order of ids is thus newest first, which is the order S3 lists the versions
 * of a key in, and a key's newest version is the first entry under its prefix. Within a key, ids are always below
 * (newer than) the newest one there is, so a clock that steps back cannot reorder versions. Nothing here reads a
 * clock or a random generator: applying a write makes the same id on every replica.
 */
final class VersionIds {
    static final int LENGTH = 32;
    private static final int TIME_LENGTH = 16;

    private VersionIds() {}

    /**
     * A new id, newer than {@code newest} (the key's newest version id, or null): the proposed time, or one
     * microsecond after the newest id's when that is not older.
     */
    static String next(String newest, long proposedMicros, String suffix) {
        long micros = proposedMicros;
        if (newest != null) {
            micros = Math.max(micros, time(newest) + 1);
        }
        return at(micros, suffix);
    }

    /**
     * The id of an object kept from before versioning was enabled, as its key's null version: its modification
     * time, and a suffix derived from the key and that time, so that every reader and every replica that moves
     * it into CF {@code versions} gives it the same id (base62 of SHA-256 of {@code bucket 0x00 key millis}).
     */
    static String forLegacy(ObjectKey key, long lastModified) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        sha256.update(key.bucket().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(key.key().getBytes(StandardCharsets.UTF_8));
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(lastModified).array());
        byte[] digest = sha256.digest();
        StringBuilder suffix = new StringBuilder(IdSource.SUFFIX_LENGTH);
        for (int i = 0; i < IdSource.SUFFIX_LENGTH; i++) {
            suffix.append(IdSource.ALPHABET.charAt((digest[i] & 0xff) % IdSource.ALPHABET.length()));
        }
        return at(lastModified * 1000, suffix.toString());
    }

    private static String at(long micros, String suffix) {
        if (suffix.length() != LENGTH - TIME_LENGTH) {
            throw new IllegalArgumentException("a version suffix has " + (LENGTH - TIME_LENGTH) + " characters");
        }
        String hex = Long.toHexString(Long.MAX_VALUE - micros);
        return "0".repeat(TIME_LENGTH - hex.length()) + hex + suffix;
    }

    private static long time(String id) {
        return Long.MAX_VALUE - Long.parseUnsignedLong(id.substring(0, TIME_LENGTH), 16);
    }

    /** Whether {@code id} is an id this store makes. */
    static boolean isValid(String id) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = id.charAt(i);
            boolean ok = i < TIME_LENGTH
                    ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
                    : (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Fails with {@code INVALID_VERSION_ID} unless {@code id} is an id this store makes. */
    static void check(String id) {
        if (!isValid(id)) {
            throw new StorageException(StorageException.Reason.INVALID_VERSION_ID, "invalid version id " + id);
        }
    }
}
