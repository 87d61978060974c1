package dev.granary.bench.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** Prints results as a table, one row per workload and size, with a row per operation for the mixed workload. */
final class Report {
    private static final String FORMAT = "%-14s %-7s %5s %9s %10s %9s %9s %9s %9s %7s %10s %10s %6s%n";

    private Report() {}

    static void header(PrintStream out) {
        out.printf(
                Locale.ROOT,
                FORMAT,
                "workload",
                "size",
                "conc",
                "ops",
                "ops/s",
                "MiB/s",
                "p50 ms",
                "p99 ms",
                "max ms",
                "errors",
                "srv us/op",
                "cli us/op",
                "host%");
    }

    static void row(PrintStream out, Result r) {
        line(out, r.workload().label(), r, r.total(), r.serverCpuUsPerOp(), r.clientCpuUsPerOp(), r.hostBusyPercent());
        if (r.byOp().size() > 1) {
            for (Map.Entry<Workload.Op, Result.Summary> e : r.byOp().entrySet()) {
                line(out, "  " + e.getKey().name().toLowerCase(Locale.ROOT), r, e.getValue(), null, null, null);
            }
        }
        for (String error : r.sampleErrors()) {
            out.println("    error: " + error);
        }
    }

    private static void line(
            PrintStream out, String name, Result r, Result.Summary s, Double srv, Double cli, Double host) {
        out.printf(
                Locale.ROOT,
                FORMAT,
                name,
                LoadOptions.formatSize(r.size()),
                r.concurrency(),
                s.ops(),
                fixed(s.opsPerSec(), 1),
                fixed(s.mibPerSec(), 1),
                fixed(s.p50Ms(), 2),
                fixed(s.p99Ms(), 2),
                fixed(s.maxMs(), 1),
                s.errors(),
                srv == null ? "-" : fixed(srv, 0),
                cli == null ? "-" : fixed(cli, 0),
                host == null ? "-" : fixed(host, 0));
    }

    private static String fixed(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
