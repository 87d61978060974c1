package dev.granary.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the server under test, of this driver and of the whole host, read at the edges of a measured
 * window. On a 2-core machine throughput alone says little (client and server compete for the cores), so the
 * driver reports CPU time per operation of each side; the server's comes from {@code /proc/PID/stat}, which
 * every process exposes without cooperation.
 */
final class CpuClock {
    /** Linux reports process and host times in USER_HZ ticks, which is 100 per second on every common build. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuClock() {}

    /** utime + stime of process {@code pid}, all its threads, in nanoseconds (10 ms resolution). */
    static long processCpuNanos(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may hold spaces and parentheses: count fields after its closing ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
        long utime = Long.parseLong(fields[11]); // field 14
        long stime = Long.parseLong(fields[12]); // field 15
        return (utime + stime) * NANOS_PER_TICK;
    }

    /** CPU time of this JVM (workers, GC and JIT included), in nanoseconds. */
    static long selfCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Host-wide CPU ticks summed over all cores.
     *
     * @param busy ticks not idle and not waiting for I/O
     * @param total all ticks
     */
    record HostTicks(long busy, long total) {
        /** Percentage of all cores kept busy between {@code earlier} and this sample. */
        double busyPercentSince(HostTicks earlier) {
            long dt = total - earlier.total;
            return dt <= 0 ? 0 : 100.0 * (busy - earlier.busy) / dt;
        }
    }

    /** The first line of {@code /proc/stat}: user nice system idle iowait irq softirq steal ... */
    static HostTicks host() {
        String line = read(Path.of("/proc/stat")).lines().findFirst().orElseThrow();
        String[] f = line.trim().split("\\s+", -1);
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // guest times are already counted in user
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        return new HostTicks(total - idle, total);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
