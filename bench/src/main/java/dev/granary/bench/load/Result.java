package dev.granary.bench.load;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of one workload at one size against one target.
 *
 * @param label the target's name
 * @param client lean or sdk
 * @param workload the workload
 * @param size the object size in bytes
 * @param concurrency worker threads
 * @param objects objects pre-populated
 * @param total all operations of the measured window
 * @param byOp the same per operation (several only for the mixed workload)
 * @param serverCpuUsPerOp server CPU time per operation in microseconds, or null when no server PID was given
 * @param clientCpuUsPerOp this driver's CPU time per operation in microseconds
 * @param hostBusyPercent share of all the host's cores kept busy during the window
 * @param sampleErrors the first few error messages
 */
record Result(
        String label,
        String client,
        Workload workload,
        int size,
        int concurrency,
        int objects,
        Summary total,
        Map<Workload.Op, Summary> byOp,
        Double serverCpuUsPerOp,
        double clientCpuUsPerOp,
        double hostBusyPercent,
        List<String> sampleErrors) {

    /**
     * Counts and latencies of some operations over a window.
     *
     * @param ops successful operations
     * @param errors failed operations
     * @param bytes object bytes moved by the successful ones (PUT and GET bodies)
     * @param seconds the window's length
     * @param p50Ms median latency of successful operations
     * @param p99Ms 99th percentile latency
     * @param maxMs the slowest
     */
    record Summary(long ops, long errors, long bytes, double seconds, double p50Ms, double p99Ms, double maxMs) {
        static Summary of(Histogram latencyNanos, long errors, long bytes, double seconds) {
            long n = latencyNanos.getTotalCount();
            return new Summary(
                    n,
                    errors,
                    bytes,
                    seconds,
                    n == 0 ? 0 : latencyNanos.getValueAtPercentile(50) / 1e6,
                    n == 0 ? 0 : latencyNanos.getValueAtPercentile(99) / 1e6,
                    n == 0 ? 0 : latencyNanos.getMaxValue() / 1e6);
        }

        double opsPerSec() {
            return seconds <= 0 ? 0 : ops / seconds;
        }

        double mibPerSec() {
            return seconds <= 0 ? 0 : bytes / seconds / (1 << 20);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ops", ops);
            m.put("errors", errors);
            m.put("seconds", seconds);
            m.put("opsPerSec", opsPerSec());
            m.put("mibPerSec", mibPerSec());
            m.put("latencyP50Ms", p50Ms);
            m.put("latencyP99Ms", p99Ms);
            m.put("latencyMaxMs", maxMs);
            return m;
        }
    }

    /** Per-operation tallies of one worker, merged across workers at the end. */
    static final class Tally {
        final Histogram latencyNanos = new Histogram(3); // auto-resizing, 3 significant digits
        long errors;
        long bytes;

        void add(Tally other) {
            latencyNanos.add(other.latencyNanos);
            errors += other.errors;
            bytes += other.bytes;
        }

        static Map<Workload.Op, Tally> perOp() {
            Map<Workload.Op, Tally> m = new EnumMap<>(Workload.Op.class);
            for (Workload.Op op : Workload.Op.values()) {
                m.put(op, new Tally());
            }
            return m;
        }
    }

    /** The columns of {@link #toTsv}, for scripts that merge runs. */
    static final String TSV_COLUMNS = "label\tworkload\tsize\tops\topsPerSec\tmibPerSec\tp50Ms\tp99Ms\tmaxMs"
            + "\terrors\tserverCpuUsPerOp\tclientCpuUsPerOp\thostBusyPercent";

    /** One tab-separated line of the headline figures; absent server CPU is "-". */
    String toTsv() {
        return String.join(
                "\t",
                label,
                workload.label(),
                LoadOptions.formatSize(size),
                Long.toString(total.ops()),
                format(total.opsPerSec()),
                format(total.mibPerSec()),
                format(total.p50Ms()),
                format(total.p99Ms()),
                format(total.maxMs()),
                Long.toString(total.errors()),
                serverCpuUsPerOp == null ? "-" : format(serverCpuUsPerOp),
                format(clientCpuUsPerOp),
                format(hostBusyPercent));
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("client", client);
        m.put("workload", workload.label());
        m.put("size", LoadOptions.formatSize(size));
        m.put("sizeBytes", size);
        m.put("concurrency", concurrency);
        m.put("objects", objects);
        m.putAll(total.toJson());
        m.put("serverCpuUsPerOp", serverCpuUsPerOp);
        m.put("clientCpuUsPerOp", clientCpuUsPerOp);
        m.put("hostBusyPercent", hostBusyPercent);
        Map<String, Object> ops = new LinkedHashMap<>();
        byOp.forEach((op, s) -> ops.put(op.name(), s.toJson()));
        m.put("byOp", ops);
        m.put("sampleErrors", new ArrayList<>(sampleErrors));
        return m;
    }
}
