package dev.granary.storage.rocksdb;

import org.rocksdb.AbstractEventListener;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether RocksDB has stopped a partition's writes for want of space, until it resumes them by itself.
 *
 * <p>A write that runs out of space in RocksDB (the WAL, or a memtable flush into SST and blob files) leaves the
 * instance in a "background error": every write fails with that error, reads go on. RocksJava has no
 * {@code DB::Resume()}; RocksDB resumes by itself through the {@code SstFileManager} each instance gets by default,
 * which looks at the free space every 5 s and, once there is room for the largest memtable (16 MiB, the data column
 * family's), flushes the memtables into a fresh WAL and takes writes again. So the store needs no restart, and this
 * listener only follows the state for health checks and metrics: a write that fails with {@code NoSpace} marks the
 * partition stopped, RocksDB's end of recovery clears the mark.
 *
 * <p>Only the recovery-completed callback is enabled, on purpose. RocksJava 10.10 knows four of RocksDB's background
 * error reasons, so its bridges of {@code onBackgroundError} and {@code onErrorRecoveryBegin} throw for the others -
 * among them a flush without WAL (reason 5), which is what a full disk causes - and a failed
 * {@code onErrorRecoveryBegin} turns the automatic recovery off: on a full tmpfs the partition then stayed stopped
 * until a restart, with these callbacks on, and resumed 5 s after space was freed without them.
 */
final class SpaceRecovery extends AbstractEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(SpaceRecovery.class);

    private final int partition;
    private volatile boolean stopped;

    SpaceRecovery(int partition) {
        super(EnabledEventCallback.ON_ERROR_RECOVERY_COMPLETED);
        this.partition = partition;
    }

    /** Whether {@code e} is RocksDB running out of space. */
    static boolean isNoSpace(RocksDBException e) {
        Status status = e.getStatus();
        return (status != null && status.getSubCode() == Status.SubCode.NoSpace) || DiskGuard.isOutOfSpace(e);
    }

    /** Notes a write that failed for want of space: RocksDB now refuses the partition's writes until it recovers. */
    void stopped(RocksDBException e) {
        if (!stopped) {
            stopped = true;
            LOG.warn(
                    "partition {}: RocksDB ran out of space and refuses writes until there is room again (it looks"
                            + " every 5 s); reads go on: {}",
                    partition,
                    e.getMessage());
        }
    }

    /** Whether the partition's writes are stopped (as far as the writes that failed tell). */
    boolean isStopped() {
        return stopped;
    }

    /**
     * Notes a write that succeeded: RocksDB takes writes, whatever was noted before (a write that failed just before
     * recovery completed, say, would otherwise leave the mark until the next recovery, which may never come).
     */
    void tookWrite() {
        if (stopped) {
            stopped = false;
            LOG.info("partition {}: RocksDB takes writes again", partition);
        }
    }

    @Override
    public void onErrorRecoveryCompleted(Status oldBackgroundError) {
        if (stopped) {
            stopped = false;
            LOG.info(
                    "partition {}: RocksDB takes writes again (recovered from {})",
                    partition,
                    describe(oldBackgroundError));
        }
    }

    private static String describe(Status status) {
        return status == null
                ? "unknown"
                : status.getCodeString() + (status.getState() == null ? "" : " " + status.getState());
    }
}
