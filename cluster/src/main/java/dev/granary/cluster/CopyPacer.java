package dev.granary.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Bounds the bandwidth a node spends making replicas (one bound for all its partitions), so that a replica moving to or
 * from it leaves bandwidth, disk and CPU to the requests the node serves meanwhile. A new replica gets its partition
 * one of two ways, and both are paced:
 *
 * <ul>
 *   <li>as a copy, when its leader's log was purged past what it has: Ratis sends it in chunks over the servers' own
 *       connections, a few in flight, with no bound of its own. A follower writing a chunk asks its state machine for
 *       its newest copy first ({@code SnapshotManager#appendSnapshot}); that call ({@link
 *       PartitionStateMachine#getLatestSnapshot}) is where the receiving node's pacer waits, once the bytes arrived so
 *       far are ahead of the bound. The leader's next chunks wait for the answer, so the sender slows down too;
 *   <li>from the log otherwise, the bodies' bytes read back from the data files by the leader ({@link
 *       PartitionStateMachine#read}): there the sending node's pacer waits, for entries already committed (a follower
 *       the commit does not wait for: never a write in progress).
 * </ul>
 *
 * <p>A wait is bounded ({@link #MAX_WAIT_MILLIS} for a chunk, within the 2.5 s Ratis gives one; less for the log's
 * sends), the debt carrying over to the next.
 */
final class CopyPacer {
    /** The longest single wait (a chunk is answered within 2.5 s or the transfer fails: RaftNode's settings). */
    static final long MAX_WAIT_MILLIS = 1_000;

    private volatile long bytesPerSecond;
    private final java.util.function.LongSupplier clock;
    private final Sleeper sleeper;
    /** When the bytes counted so far would have arrived at the bound: the pacer's clock (System.nanoTime). */
    private long due;
    /** When bytes were last counted. */
    private long last;

    /** How the pacer waits (a test's records the waits instead). */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** @param bytesPerSecond the bound, 0 for none */
    CopyPacer(long bytesPerSecond) {
        this(bytesPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    CopyPacer(long bytesPerSecond, java.util.function.LongSupplier clock, Sleeper sleeper) {
        bound(bytesPerSecond);
        this.clock = clock;
        this.sleeper = sleeper;
        this.last = clock.getAsLong();
        this.due = last;
    }

    /** Sets the bound: {@code bytesPerSecond}, 0 for none. */
    void bound(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
    }

    long bytesPerSecond() {
        return bytesPerSecond;
    }

    boolean bounded() {
        return bytesPerSecond > 0;
    }

    /**
     * Counts {@code bytes} more moved since the last call, then waits (at most {@code maxWaitMillis}) until they are
     * within the bound: the bytes' time at the bound starts when the previous ones were due, or at the last call if
     * that is later (they moved after it), so idle time is not saved up and time spent moving counts.
     */
    void arrived(long bytes, long maxWaitMillis) throws InterruptedException {
        long rate = bytesPerSecond;
        if (rate == 0 || bytes <= 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            due = Math.max(due, last) + TimeUnit.SECONDS.toNanos(1) * bytes / rate;
            last = now;
            wait = Math.min(due - now, TimeUnit.MILLISECONDS.toNanos(maxWaitMillis));
        }
        if (wait > 0) {
            sleeper.sleep(wait);
        }
    }

    /** The bytes of the regular files under {@code dir} (0 when it is absent): what a transfer has written so far. */
    static long bytesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(CopyPacer::sizeOf).sum();
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return 0; // a transfer finishing (its folder renamed) while it was walked
            }
            throw e;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0; // renamed or deleted since listed
        }
    }
}
