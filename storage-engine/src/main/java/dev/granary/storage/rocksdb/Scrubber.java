package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every data file the local partitions still reference (current and older versions, parts of uploads in
 * progress), chunk by chunk, the way a GET reads them: under a snapshot, each chunk's CRC32C checked, a chunk missing
 * or damaged here read from another replica and written back ({@link Partition#repairChunk}). Damage nobody reads is
 * so found, and in a cluster mended while the other copies last. Paced to a byte rate, one pass at a time, on its
 * own thread when started.
 */
final class Scrubber implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Scrubber.class);
    private static final int BUFFER = 64 * 1024;

    /** The partitions this node holds now (a cluster node's change as replicas move). */
    private final java.util.function.Supplier<List<Partition>> partitions;

    private final Set<ChunkInputStream> openStreams;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held by the pass under way: one at a time, the background one or a caller's. */
    private final Object passing = new Object();

    private Thread thread;

    Scrubber(java.util.function.Supplier<List<Partition>> partitions, Set<ChunkInputStream> openStreams) {
        this.partitions = partitions;
        this.openStreams = openStreams;
    }

    /** Runs a pass every {@code every} (the first after one interval) at most {@code bytesPerSecond}. */
    synchronized void start(Duration every, long bytesPerSecond) {
        if (thread != null) {
            throw new IllegalStateException("already scrubbing");
        }
        thread = new Thread(
                () -> {
                    while (!closed.get()) {
                        try {
                            Thread.sleep(every.toMillis());
                            ScrubReport report = pass(bytesPerSecond);
                            LOG.info("scrub: {}", report);
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            LOG.warn("scrub pass failed; the next one starts in {}", every, e);
                        }
                    }
                },
                "granary-scrubber");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * One pass over every local partition at most {@code bytesPerSecond}.
     *
     * @throws InterruptedException when interrupted (the pass stops there)
     */
    ScrubReport pass(long bytesPerSecond) throws InterruptedException {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate " + bytesPerSecond);
        }
        synchronized (passing) {
            return passAlone(bytesPerSecond);
        }
    }

    private ScrubReport passAlone(long bytesPerSecond) throws InterruptedException {
        long began = System.nanoTime();
        long[] counts = new long[3]; // files, bytes, unrepaired
        long repairedBefore = repaired();
        for (Partition p : partitions.get()) {
            for (Cf cf : List.of(Cf.META, Cf.VERSIONS, Cf.PARTS)) {
                List<byte[]> keys = new ArrayList<>();
                try (ReadOptions options = new ReadOptions();
                        Partition.Cursor it = p.iterator(cf, options)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        if (closed.get()) {
                            throw new InterruptedException("the store closed");
                        }
                        try {
                            if (!fileSegments(cf, it.value(), "scrub").isEmpty()) {
                                keys.add(it.key());
                            }
                        } catch (StorageException e) { // a record that does not decode: logged, the pass goes on
                            counts[2]++;
                            LOG.error(
                                    "scrub: partition {}: an unreadable {} record: {}", p.index(), cf, e.getMessage());
                        }
                    }
                    it.check("scrub " + cf);
                }
                for (byte[] key : keys) {
                    if (closed.get()) {
                        throw new InterruptedException("the store closed");
                    }
                    scrubOne(p, cf, key, bytesPerSecond, began, counts);
                }
            }
        }
        return new ScrubReport(
                counts[0],
                counts[1],
                repaired() - repairedBefore,
                counts[2],
                Duration.ofNanos(System.nanoTime() - began));
    }

    private long repaired() {
        return partitions.get().stream().mapToLong(Partition::repairedChunks).sum();
    }

    /** Reads the data files of the record at {@code key}, read again under a snapshot of its own. */
    private void scrubOne(Partition p, Cf cf, byte[] key, long rate, long began, long[] counts)
            throws InterruptedException {
        String what = cf + " record " + Keys.string(key, 0, key.length).replace('\u0000', '/');
        Snapshot snapshot = p.snapshot();
        ReadOptions reads = new ReadOptions().setSnapshot(snapshot);
        boolean handedOver = false;
        try {
            byte[] value = p.get(cf, reads, key, what);
            List<Segment> segments = value == null ? List.of() : fileSegments(cf, value, what);
            if (segments.isEmpty()) {
                return; // replaced or deleted since it was listed
            }
            long length = segments.stream().mapToLong(Segment::length).sum();
            reads.setVerifyChecksums(false); // each chunk's CRC32C is checked instead, as on a GET
            ChunkInputStream stream = new ChunkInputStream(p, snapshot, reads, segments, 0, length, what, openStreams);
            handedOver = true;
            try (stream) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = stream.read(buffer, 0, buffer.length)) > 0) {
                    counts[1] += n;
                    pace(rate, began, counts[1]);
                }
                counts[0] += segments.size();
            } catch (IOException | StorageException e) {
                if (closed.get()) {
                    throw new InterruptedException("the store closed");
                }
                counts[2]++;
                LOG.error(
                        "scrub: partition {}: {} is damaged or unreadable here and no other replica had it whole: {}",
                        p.index(),
                        what,
                        e.getMessage());
            }
        } finally {
            if (!handedOver) {
                p.release(snapshot);
                reads.close();
            }
        }
    }

    /** Sleeps while {@code bytes} read since {@code began} run ahead of {@code rate} bytes a second. */
    private static void pace(long rate, long began, long bytes) throws InterruptedException {
        long due = began + (long) (bytes * 1e9 / rate);
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
            TimeUnit.NANOSECONDS.sleep(ahead);
        }
    }

    /** The segments of the record {@code value} in {@code cf} whose bytes are in data files. */
    private static List<Segment> fileSegments(Cf cf, byte[] value, String what) {
        List<Segment> segments;
        if (cf == Cf.PARTS) {
            Segment part = PartRecord.decode(value, what).segment();
            segments = part == null ? List.of() : List.of(part);
        } else {
            segments = ObjectRecord.decode(value, what).segments();
        }
        return segments.stream().filter(Segment::file).toList();
    }

    /** Stops a pass under way and waits for it, so that nothing reads the partitions once they close. */
    @Override
    public void close() {
        closed.set(true);
        Thread running;
        synchronized (this) {
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
