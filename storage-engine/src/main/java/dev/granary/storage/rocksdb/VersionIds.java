package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.security.SecureRandom;

/**
 * Version ids: 32 characters, the first 16 the lower-case hex of {@code Long.MAX_VALUE - t} for a microsecond
 * time stamp {@code t}, the last 16 random letters and digits. Byte order of ids is thus newest first, which is
 * the order S3 lists the versions of a key in, and a key's newest version is the first entry under its prefix.
 * Within a key, ids are made under the key's lock and always below (newer than) the newest one there is, so a
 * clock that steps back cannot reorder versions.
 */
final class VersionIds {
    static final int LENGTH = 32;
    private static final int TIME_LENGTH = 16;
    private static final char[] ALPHABET =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private VersionIds() {}

    /** A new id, newer than {@code newest} (the key's newest version id, or null). */
    static String next(String newest) {
        long micros = System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
        if (newest != null) {
            micros = Math.max(micros, time(newest) + 1);
        }
        return at(micros);
    }

    /** An id for the time {@code millis}: the id given to an object kept from before versioning was enabled. */
    static String forMillis(long millis) {
        return at(millis * 1000);
    }

    private static String at(long micros) {
        StringBuilder id = new StringBuilder(LENGTH);
        String hex = Long.toHexString(Long.MAX_VALUE - micros);
        id.append("0".repeat(TIME_LENGTH - hex.length())).append(hex);
        for (int i = 0; i < LENGTH - TIME_LENGTH; i++) {
            id.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return id.toString();
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
