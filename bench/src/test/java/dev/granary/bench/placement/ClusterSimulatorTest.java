package dev.granary.bench.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.bench.placement.ClusterSimulator.Death;
import dev.granary.bench.placement.ClusterSimulator.Machine;
import dev.granary.bench.placement.ClusterSimulator.Report;
import dev.granary.bench.placement.ClusterSimulator.Scenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator at a size a unit test affords (the report's sizes are in {@link SimulateCluster}), and the policy's
 * promises through it: balance within one after every change, bytes moved within 10% of the least each change
 * needed, dead nodes replaced, no flapping.
 */
class ClusterSimulatorTest {
    private static final long MIB = 1L << 20;
    private static final double NODE = 8_000;

    private static Report run(Scenario scenario) {
        return new ClusterSimulator(scenario, Machine.typical(), 7).run();
    }

    private static Scenario growth(int upTo) {
        return new Scenario(
                "grow", 256, 64 * MIB, 3, 1, Duration.ofDays(1), t -> 0, null, Duration.ofMinutes(5), upTo, List.of());
    }

    @Test
    void growingOneNodeAtATimeStaysBalancedAndMovesWithinTenPercentOfTheMinimum() {
        Report report = run(growth(16));
        assertThat(report.finalNodes()).isEqualTo(16);
        assertThat(report.changes()).isEqualTo(15);
        assertThat(report.worstReplicaSpread()).isLessThanOrEqualTo(1);
        assertThat(report.worstLeaderSpread()).isLessThanOrEqualTo(1);
        assertThat(report.worstMovedOverMinimum()).isBetween(1.0, 1.1);
        assertThat(report.decisions()).isEmpty();
    }

    @Test
    void theSameScenarioAndSeedGiveTheSameReport() {
        assertThat(run(growth(8))).isEqualTo(run(growth(8)));
    }

    @Test
    void deadNodesAreReplacedAndTheirPartitionsBackAtRWithinMinutes() {
        Report report = run(new Scenario(
                "deaths",
                256,
                64 * MIB,
                3,
                8,
                Duration.ofHours(4),
                t -> 8 * NODE * 0.4,
                SimulateCluster.byCpu(8, 12),
                null,
                0,
                List.of(new Death(Duration.ofHours(1), 3), new Death(Duration.ofHours(2), 5))));
        assertThat(report.finalNodes()).isEqualTo(8);
        assertThat(report.minNodes()).isEqualTo(7);
        assertThat(report.scaleOuts()).isEqualTo(2);
        assertThat(report.decisions()).allSatisfy(d -> assertThat(d).contains("below the minimum of 8 nodes"));
        // Found dead after a minute, then re-created at 200 MiB/s, two moves per node at a time.
        assertThat(report.longestBelowRSeconds()).isBetween(60L, 180L);
        assertThat(report.worstReplicaSpread()).isLessThanOrEqualTo(1);
    }

    @Test
    void aLoadThatFlipsFasterThanTheWindowsNeverScales() {
        Report report = run(new Scenario(
                "flipping",
                256,
                64 * MIB,
                3,
                10,
                Duration.ofHours(6),
                t -> ((long) t / 90) % 2 == 0 ? 13 * NODE * 0.7 : NODE,
                SimulateCluster.byCpu(3, 100),
                null,
                0,
                List.of()));
        assertThat(report.decisions()).isEmpty();
        assertThat(report.finalNodes()).isEqualTo(10);
    }

    @Test
    void aDailyCycleGrowsAndShrinksTheClusterWithoutFlapping() {
        Report report = run(new Scenario(
                "daily",
                256,
                64 * MIB,
                3,
                3,
                Duration.ofDays(2),
                t -> NODE * (0.5 + 19.5 * (1 - Math.cos(2 * Math.PI * t / 86_400)) / 2) * 0.55,
                SimulateCluster.byCpu(3, 50),
                null,
                0,
                List.of()));
        assertThat(report.maxNodes()).isGreaterThanOrEqualTo(15);
        assertThat(report.scaleIns()).isPositive();
        assertThat(report.flaps()).isZero();
        assertThat(report.worstReplicaSpread()).isLessThanOrEqualTo(1);
        assertThat(report.worstLeaderSpread()).isLessThanOrEqualTo(1);
    }
}
