package dev.granary.bench.placement;

import dev.granary.bench.placement.ClusterSimulator.Death;
import dev.granary.bench.placement.ClusterSimulator.Machine;
import dev.granary.bench.placement.ClusterSimulator.Report;
import dev.granary.bench.placement.ClusterSimulator.Scenario;
import dev.granary.cluster.placement.Autoscaler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The placement and autoscaler simulations of issue 15, at 1 to 100 nodes and 4,096 partitions: prints one
 * Markdown row per scenario, then each scenario's decisions.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.granary.bench.placement.SimulateCluster [seed]</pre>
 */
public final class SimulateCluster {
    private SimulateCluster() {}

    private static final long MIB = 1L << 20;

    /**
     * The autoscaler as the simulated nodes are sized: CPU alone decides (a node's requests per second is its CPU
     * here), between {@code min} and {@code max} nodes, with the product's default windows and cool-downs.
     */
    static Autoscaler.Config byCpu(int min, int max) {
        Autoscaler.Config defaults = Autoscaler.Config.defaults(min, max);
        return new Autoscaler.Config(
                min,
                max,
                defaults.cpuHigh(),
                defaults.cpuLow(),
                Double.POSITIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                defaults.p99HighMillis(),
                defaults.diskHigh(),
                defaults.sustainHot(),
                defaults.sustainCold(),
                defaults.afterScaleOut(),
                defaults.afterScaleIn());
    }

    /** The scenarios the report runs. */
    static List<Scenario> scenarios() {
        double node = 8_000; // requests/s of one simulated node at full CPU
        List<Scenario> scenarios = new ArrayList<>();
        scenarios.add(new Scenario(
                "grow 1 -> 100 nodes, one join at a time",
                4096,
                256 * MIB,
                3,
                1,
                Duration.ofDays(6),
                t -> 0,
                null,
                Duration.ofMinutes(10),
                100,
                List.of()));
        scenarios.add(new Scenario(
                "idle 100 nodes, autoscaler shrinks to its minimum of 3",
                4096,
                256 * MIB,
                3,
                100,
                Duration.ofDays(3),
                t -> 0.02 * node,
                byCpu(3, 100),
                null,
                0,
                List.of()));
        scenarios.add(new Scenario(
                "two days of a daily cycle (0.5 to 40 nodes' worth of load), autoscaler 3-100",
                4096,
                256 * MIB,
                3,
                3,
                Duration.ofDays(2),
                t -> node * (0.5 + 39.5 * (1 - Math.cos(2 * Math.PI * t / 86_400)) / 2) * 0.55,
                byCpu(3, 100),
                null,
                0,
                List.of()));
        scenarios.add(new Scenario(
                "load flipping every 90 s between 130% and 10% of 10 nodes, 12 h",
                4096,
                256 * MIB,
                3,
                10,
                Duration.ofHours(12),
                t -> ((long) t / 90) % 2 == 0 ? 13 * node * 0.7 : node,
                byCpu(3, 100),
                null,
                0,
                List.of()));
        List<Death> deaths = new ArrayList<>();
        for (int h = 1; h <= 6; h++) {
            deaths.add(new Death(Duration.ofHours(2L * h), h * 7));
        }
        scenarios.add(new Scenario(
                "20 nodes, one killed every 2 h for 12 h, autoscaler 20-30 replaces them",
                4096,
                256 * MIB,
                3,
                20,
                Duration.ofHours(13),
                t -> 20 * node * 0.5,
                byCpu(20, 30),
                null,
                0,
                deaths));
        return scenarios;
    }

    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 15;
        Machine machine = Machine.typical();
        System.out.println("machine: " + machine + ", seed " + seed);
        System.out.println(Report.HEADER);
        List<Report> reports = new ArrayList<>();
        for (Scenario scenario : scenarios()) {
            long began = System.nanoTime();
            Report report = new ClusterSimulator(scenario, machine, seed).run();
            reports.add(report);
            System.out.println(report.row() + " <!-- " + (System.nanoTime() - began) / 1_000_000 + " ms -->");
        }
        for (Report report : reports) {
            System.out.println();
            System.out.println(report.scenario() + ": " + report.decisions().size() + " decisions");
            report.decisions().stream().limit(40).forEach(d -> System.out.println("  " + d));
        }
    }
}
