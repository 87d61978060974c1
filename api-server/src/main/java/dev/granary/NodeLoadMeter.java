package dev.granary;

import dev.granary.cluster.placement.Autoscaler;
import dev.granary.metering.UsageRecord;
import dev.granary.metering.UsageSink;
import dev.granary.storage.DiskStatus;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a cluster node measures of its own load for the autoscaler: the S3 requests it answered per second and their
 * 99th percentile latency since the last reading, the process's CPU share of the machine, and its disk. Wraps the
 * server's usage sink (every answered request passes through it); a reading ({@link #read}) starts the next interval.
 */
final class NodeLoadMeter implements UsageSink {
    /** Latencies kept per interval for the percentile: a sample of the first this many. */
    private static final int SAMPLES = 8_192;

    private final String node;
    private final UsageSink next;
    private final Supplier<DiskStatus> disk;
    private final java.nio.file.Path dataDir;
    /** The data folder's size, measured at most once a minute (a walk of every file). */
    private long storedBytes = -1;

    private long storedAt;
    private final Object lock = new Object();
    private long[] durations = new long[SAMPLES];
    private int sampled;
    private long requests;
    private long since = System.nanoTime();

    NodeLoadMeter(String node, UsageSink next, Supplier<DiskStatus> disk, java.nio.file.Path dataDir) {
        this.node = Objects.requireNonNull(node, "node");
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.next = Objects.requireNonNull(next, "next");
        this.disk = Objects.requireNonNull(disk, "disk");
    }

    @Override
    public void record(UsageRecord usage) {
        synchronized (lock) {
            requests++;
            if (sampled < SAMPLES) {
                durations[sampled++] = usage.durationNanos();
            }
        }
        next.record(usage);
    }

    @Override
    public boolean wantsRequestDetails() {
        return next.wantsRequestDetails();
    }

    /** The load since the previous reading; starts the next interval. */
    Autoscaler.NodeLoad read() {
        long count;
        long[] taken;
        int n;
        long began;
        long now = System.nanoTime();
        synchronized (lock) {
            count = requests;
            taken = durations;
            n = sampled;
            began = since;
            durations = new long[SAMPLES];
            sampled = 0;
            requests = 0;
            since = now;
        }
        double seconds = Math.max(1e-3, (now - began) / 1e9);
        double p99 = 0;
        if (n > 0) {
            long[] sorted = Arrays.copyOf(taken, n);
            Arrays.sort(sorted);
            p99 = sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1e6;
        }
        DiskStatus status = disk.get();
        double cpu = 0;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            cpu = Math.max(0, os.getProcessCpuLoad());
        }
        return new Autoscaler.NodeLoad(node, count / seconds, cpu, stored(now), status.freeBytes(), p99);
    }

    /**
     * The bytes this node keeps in its data folder (its replicas, their data files and logs), not the file system's
     * used bytes: nodes sharing a disk (several on one machine) must not each count the others' data.
     */
    private long stored(long now) {
        if (storedBytes < 0 || now - storedAt > java.util.concurrent.TimeUnit.MINUTES.toNanos(1)) {
            long total = 0;
            try (java.util.stream.Stream<java.nio.file.Path> walk = java.nio.file.Files.walk(dataDir)) {
                for (java.nio.file.Path path : (Iterable<java.nio.file.Path>) walk::iterator) {
                    try {
                        java.nio.file.attribute.BasicFileAttributes attributes = java.nio.file.Files.readAttributes(
                                path, java.nio.file.attribute.BasicFileAttributes.class);
                        total += attributes.isRegularFile() ? attributes.size() : 0;
                    } catch (java.io.IOException | java.io.UncheckedIOException e) {
                        // a file deleted during the walk
                    }
                }
            } catch (java.io.IOException | java.io.UncheckedIOException e) {
                return Math.max(0, storedBytes);
            }
            storedBytes = total;
            storedAt = now;
        }
        return storedBytes;
    }

    @Override
    public void close() {
        next.close();
    }
}
