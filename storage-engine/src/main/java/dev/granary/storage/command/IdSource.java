package dev.granary.storage.command;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Where the proposer of a command takes times and fresh ids from: an injected clock and random generator, so that
 * nothing a partition applies reads either (a command must apply the same way on every replica and on replay), and
 * so that tests can fix both.
 */
public final class IdSource {
    /** Letters and digits of a version id's suffix. */
    public static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Characters of a version id's suffix. */
    public static final int SUFFIX_LENGTH = 16;
    /** Bytes of a data id. */
    public static final int DATA_ID_LENGTH = 16;

    private final Clock clock;
    private final RandomGenerator random;
    private final AtomicLong sequence = new AtomicLong();

    /**
     * @param clock the time of writes and the time part of ids
     * @param random the random part of ids; must be safe for concurrent use (as {@link SecureRandom} and
     *     {@link java.util.Random} are)
     */
    public IdSource(Clock clock, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The system clock (UTC) and a {@link SecureRandom}: what a server uses. */
    public static IdSource system() {
        return new IdSource(Clock.systemUTC(), new SecureRandom());
    }

    /** The clock's time in milliseconds: a write's proposed modification time. */
    public long millis() {
        return clock.millis();
    }

    /** The clock's time in microseconds: the time part of a new version id. */
    public long micros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    /** The random part of a new version id: {@value #SUFFIX_LENGTH} letters and digits. */
    public String versionSuffix() {
        // One draw for all sixteen letters: every PUT proposes a suffix (the partition alone knows whether the
        // bucket is versioned), and each call into a SecureRandom takes its lock; sixteen calls per PUT cost
        // measurable server CPU under concurrent uploads. The small modulo bias is irrelevant to uniqueness.
        byte[] bytes = new byte[SUFFIX_LENGTH];
        random.nextBytes(bytes);
        char[] suffix = new char[SUFFIX_LENGTH];
        for (int i = 0; i < SUFFIX_LENGTH; i++) {
            suffix[i] = ALPHABET.charAt((bytes[i] & 0xff) % ALPHABET.length());
        }
        return new String(suffix);
    }

    /**
     * A fresh data id: 6 bytes of the clock, so chunks written close in time sit close in the key space, and 10
     * random bytes, so ids never collide across processes or restarts.
     */
    public byte[] dataId() {
        byte[] id = new byte[DATA_ID_LENGTH];
        random.nextBytes(id);
        long millis = clock.millis();
        for (int i = 0; i < 6; i++) {
            id[i] = (byte) (millis >>> (8 * (5 - i)));
        }
        return id;
    }

    /**
     * A new upload id: 13 hex digits of epoch millis, then a sequence number and random bits, so the ids of one
     * key sort in creation order and never collide. Hex only: URL-safe and free of the 0x00 separator.
     */
    public String uploadId() {
        return String.format(
                "%013x%08x%016x", clock.millis(), sequence.incrementAndGet() & 0xFFFF_FFFFL, random.nextLong());
    }
}
