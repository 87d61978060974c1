package dev.granary.storage.rocksdb;

import dev.granary.storage.DiskReserve;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps clients from filling the disk: a write is admitted only while the data folder's filesystem keeps the
 * reserve free after it, so that deletes (which write too) and RocksDB's flushes and compactions still find room
 * once clients have used the rest. A refused write fails with {@code INSUFFICIENT_STORAGE} before its body is read;
 * once deletes (or anything else) free space, writes are admitted again, with nothing to reset.
 *
 * <p>The free space is looked at ({@code statfs}) once a second by a background thread rather than per request:
 * the call is cheap, but a request then pays a volatile read and an atomic add instead of a system call (a 4 KiB PUT
 * is a few tens of microseconds of CPU). Between two looks the bytes admitted are deducted from the last figure, so
 * a burst of writes inside a second cannot run past the reserve on its own; what the estimate misses - other
 * processes, RocksDB's flushes and compactions, bodies admitted before a look but written after it - is about a
 * second's worth, which the reserve is there to absorb. A write the estimate would refuse looks again first: space
 * freed since the last look is seen at once. And close to the reserve every write looks: RocksDB takes space in
 * bursts of its own (a partition's memtable flush and the WAL it preallocates next, 34 MiB, with nothing admitted),
 * so within a reserve, or the bursts of every partition, of the reserve, a system call per write buys being right.
 *
 * <p>A reserve of 0 turns admission off: writes go on until the disk itself is full. A write that then runs out of
 * space (a data file, or RocksDB: see {@link SpaceRecovery}) fails with {@code INSUFFICIENT_STORAGE} too, nothing
 * stored.
 */
final class DiskGuard implements AutoCloseable {
    /** The message of a write that ran out of space on the disk itself (past the reserve, or with none). */
    static final String RAN_OUT = "The server's disk is full: the write ran out of space and nothing was stored."
            + " Writes resume by themselves once space is freed; reads still work.";

    private static final Logger LOG = LoggerFactory.getLogger(DiskGuard.class);
    private static final long LOOK_EVERY_MILLIS = 1_000;
    /** How often a partition still stopped by RocksDB with space to spare is reported. */
    private static final long STOPPED_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Where the free space comes from: the data folder's filesystem (or a test's figures). */
    interface Space {
        long free() throws IOException;

        long total() throws IOException;
    }

    /** One look at the filesystem: free space and size, and the reserve that makes on it. */
    private record Look(long free, long total, long reserve) {}

    private final Space space;
    private final DiskReserve reserve;
    /** No reserve: nothing is refused before the disk is full. */
    private final boolean off;
    /** What the database may take at once on its own, beyond the writes admitted. */
    private final long burst;

    private final IntSupplier stoppedPartitions;
    private final String where;
    private final ScheduledExecutorService looker;
    private volatile Look last;
    /** Bytes admitted since the last look, deducted from its free space. */
    private final AtomicLong admitted = new AtomicLong();

    private final LongAdder refused = new LongAdder();
    /** Whether the last look found the free space below the reserve (for logging the changes only). */
    private boolean full;
    /** Whether a write that ran out of space was reported since space was last seen free and no partition stopped. */
    private volatile boolean ranOutReported;

    private boolean lookFailed;
    private long stoppedReported;

    /**
     * @param burst what the database may take at once on its own, beyond the writes admitted
     * @param stoppedPartitions how many partitions RocksDB stopped for want of space
     * @param where the folder, for logs
     */
    DiskGuard(Space space, DiskReserve reserve, long burst, IntSupplier stoppedPartitions, String where) {
        this.space = space;
        this.reserve = reserve;
        this.off = reserve.bytes() == 0 && reserve.percent() == 0;
        this.burst = burst;
        this.stoppedPartitions = stoppedPartitions;
        this.where = where;
        this.last = new Look(Long.MAX_VALUE, Long.MAX_VALUE, 0);
        this.looker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "granary-disk");
            thread.setDaemon(true);
            return thread;
        });
        look();
    }

    /** The guard of the filesystem {@code dir} is on. */
    static DiskGuard forFolder(Path dir, DiskReserve reserve, long burst, IntSupplier stoppedPartitions) {
        FileStore store;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.IO, "cannot find the filesystem of " + dir, e);
        }
        Space space = new Space() {
            @Override
            public long free() throws IOException {
                return store.getUsableSpace();
            }

            @Override
            public long total() throws IOException {
                return store.getTotalSpace();
            }
        };
        return new DiskGuard(space, reserve, burst, stoppedPartitions, dir.toString());
    }

    /** Starts the looks once a second. */
    void start() {
        // tick() catches and logs its own failures, so the future has nothing to report.
        var unused =
                looker.scheduleWithFixedDelay(this::tick, LOOK_EVERY_MILLIS, LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Admits a write of {@code bytes} (0 for one that only changes records, -1 when unknown: counted as 0, the disk's
     * own limit then stops it), or refuses it.
     *
     * @throws StorageException {@code INSUFFICIENT_STORAGE} when it would leave less than the reserve free
     */
    void admit(long bytes) {
        if (off) {
            return;
        }
        long incoming = Math.max(0, bytes);
        Look seen = last;
        if (seen.free() - admitted.get() - incoming >= seen.reserve() + Math.max(seen.reserve(), burst)) {
            admitted.addAndGet(incoming);
            return;
        }
        Look now = look();
        if (now.free() - incoming >= now.reserve()) {
            admitted.addAndGet(incoming);
            return;
        }
        refused.increment();
        throw new StorageException(StorageException.Reason.INSUFFICIENT_STORAGE, refusal(now, incoming));
    }

    private static String refusal(Look look, long incoming) {
        String free = DiskReserve.describe(look.free());
        String kept = DiskReserve.describe(look.reserve());
        String what = incoming > 0 && look.free() >= look.reserve()
                ? free + " free, and this write of " + DiskReserve.describe(incoming)
                        + " would leave less than the reserve of " + kept
                : "free space " + free + " is below the reserve of " + kept;
        return "The server's disk is full: " + what + " kept for deletes and the database."
                + " Writes resume by themselves once space is freed; reads, listings and deletes still work.";
    }

    /**
     * Notes a write that failed for want of space after it was admitted (a data file or RocksDB ran out): counted
     * as refused, reported once until space is seen free again (with every partition taking writes), and the free
     * space looked at now.
     */
    void ranOut(StorageException failure) {
        refused.increment();
        Look now = look();
        if (!ranOutReported) {
            ranOutReported = true;
            LOG.warn(
                    "disk full: a write ran out of space on {} ({} free, reserve {}); writes fail until space is freed,"
                            + " reads go on: {}",
                    where,
                    DiskReserve.describe(now.free()),
                    DiskReserve.describe(now.reserve()),
                    failure.getCause() != null ? failure.getCause().toString() : failure.toString());
        }
    }

    /** The disk as of the last look. */
    DiskStatus status() {
        Look seen = last;
        return new DiskStatus(seen.free(), seen.total(), seen.reserve(), stoppedPartitions.getAsInt(), refused.sum());
    }

    /**
     * Looks at the filesystem now. Synchronized: each look forgets the admissions it has seen land, which two
     * looks at once would both deduct.
     */
    private synchronized Look look() {
        long before = admitted.get();
        try {
            long total = space.total();
            long free = space.free();
            Look now = new Look(free, total, reserve.of(total));
            admitted.addAndGet(-before);
            last = now;
            lookFailed = false;
            report(now);
            return now;
        } catch (IOException | RuntimeException e) {
            if (!lookFailed) {
                lookFailed = true;
                LOG.warn("cannot read the free space of {}, keeping the last figure: {}", where, e.toString());
            }
            return last;
        }
    }

    /** Logs the changes: below the reserve, above it again. */
    private void report(Look now) {
        boolean below = !off && now.free() < now.reserve();
        if (below != full) {
            full = below;
            if (below) {
                LOG.warn(
                        "disk full: {} free on {} (of {}), below the reserve of {} (--disk-reserve {}): refusing writes until"
                                + " space is freed; reads, listings and deletes go on",
                        DiskReserve.describe(now.free()),
                        where,
                        DiskReserve.describe(now.total()),
                        DiskReserve.describe(now.reserve()),
                        reserve);
            } else {
                LOG.info(
                        "disk space back: {} free on {}, above the reserve of {}: taking writes again",
                        DiskReserve.describe(now.free()),
                        where,
                        DiskReserve.describe(now.reserve()));
            }
        }
        // A partition RocksDB stopped fails every write until it resumes (reported once, by SpaceRecovery): those
        // failures are not news.
        if (now.free() > now.reserve() && stoppedPartitions.getAsInt() == 0) {
            ranOutReported = false;
        }
    }

    /** The periodic look, and a reminder while RocksDB keeps partitions stopped though space is back. */
    private void tick() {
        try {
            Look now = look();
            int stopped = stoppedPartitions.getAsInt();
            long time = System.nanoTime();
            if (stopped == 0 || now.free() <= now.reserve()) {
                stoppedReported = time;
            } else if (time - stoppedReported >= STOPPED_REPORT_NANOS) {
                stoppedReported = time;
                LOG.warn(
                        "{} partition(s) still refuse writes after running out of space, though {} is free on {};"
                                + " RocksDB resumes a partition once it has room to flush its memtables (looking every"
                                + " 5 s); a restart clears it too",
                        stopped,
                        DiskReserve.describe(now.free()),
                        where);
            }
        } catch (RuntimeException e) {
            LOG.warn("disk look failed: {}", e.toString());
        }
    }

    /**
     * Whether {@code e} (or a cause) is a filesystem's "no space left" (or "disk quota exceeded"). Java exposes no
     * errno: the JDK puts the C library's text for ENOSPC and EDQUOT in the exception (in the reason of a
     * {@link FileSystemException}).
     */
    static boolean isOutOfSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String text = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            if (text != null && (text.contains("No space left on device") || text.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The failure of a write that ran out of space; {@code cause} keeps the details for the log. */
    static StorageException ranOut(Throwable cause) {
        return new StorageException(StorageException.Reason.INSUFFICIENT_STORAGE, RAN_OUT, cause);
    }

    @Override
    public void close() {
        looker.shutdownNow();
    }
}
