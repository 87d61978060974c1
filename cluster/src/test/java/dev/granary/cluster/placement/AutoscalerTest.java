package dev.granary.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.cluster.placement.Autoscaler.Action;
import dev.granary.cluster.placement.Autoscaler.Decision;
import dev.granary.cluster.placement.Autoscaler.NodeLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The autoscaler's policy with the time and the samples given by the test. */
class AutoscalerTest {
    private static final Instant START = Instant.parse("2026-12-07T00:00:00Z");
    private static final long GIB = 1L << 30;

    /** {@code count} nodes each at {@code cpu} and {@code requests} per second, with 10 GiB stored and 90 free. */
    private static List<NodeLoad> loads(int count, double cpu, double requests) {
        List<NodeLoad> loads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            loads.add(new NodeLoad("node-" + i, requests, cpu, 10 * GIB, 90 * GIB, 20));
        }
        return loads;
    }

    /** Asks every 10 s from {@code from} for {@code length} with the same samples; returns the non-hold decisions. */
    private static List<Decision> run(Autoscaler scaler, Instant from, Duration length, List<NodeLoad> loads) {
        List<Decision> taken = new ArrayList<>();
        for (Instant t = from; t.isBefore(from.plus(length)); t = t.plusSeconds(10)) {
            Decision decision = scaler.decide(t, loads, false);
            if (decision.action() != Action.HOLD) {
                taken.add(decision);
            }
        }
        return taken;
    }

    @Test
    void aSustainedHotLoadScalesOutOnceItHasLastedAndNotBefore() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        List<NodeLoad> hot = loads(3, 0.85, 900);
        assertThat(run(scaler, START, Duration.ofSeconds(110), hot)).isEmpty();
        assertThat(scaler.last().reason()).isEqualTo("CPU 85% over 70% for 100 s of 120 s");
        Decision out = scaler.decide(START.plusSeconds(120), hot, false);
        assertThat(out.action()).isEqualTo(Action.SCALE_OUT);
        assertThat(out.nodes()).isEqualTo(3);
        // Enough nodes for 85% CPU on three to be 80% of the 70% threshold: 3 * 0.85 / 0.56 = 4.6, so five.
        assertThat(out.targetNodes()).isEqualTo(5);
        assertThat(out.reason()).isEqualTo("CPU 85% over 70% for 120 s");
        assertThat(scaler.taken()).containsExactly(out);
    }

    @Test
    void aSaturatedClusterAtMostDoublesAndNeverPassesTheMaximum() {
        Autoscaler doubling = new Autoscaler(Autoscaler.Config.defaults(1, 100));
        assertThat(run(doubling, START, Duration.ofMinutes(3), loads(4, 1.0, 900)))
                .singleElement()
                .satisfies(d -> assertThat(d.targetNodes()).isEqualTo(8));
        Autoscaler capped = new Autoscaler(Autoscaler.Config.defaults(1, 6));
        assertThat(run(capped, START, Duration.ofMinutes(3), loads(4, 1.0, 900)))
                .singleElement()
                .satisfies(d -> assertThat(d.targetNodes()).isEqualTo(6));
    }

    @Test
    void loadDuringAChangeDoesNotCountTowardsTheNextStep() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        List<NodeLoad> hot = loads(4, 0.9, 900);
        // Ten minutes of moving replicas at 90% CPU, then the change ends: the window starts there.
        for (Instant t = START; t.isBefore(START.plus(Duration.ofMinutes(10))); t = t.plusSeconds(10)) {
            assertThat(scaler.decide(t, hot, true).action()).isEqualTo(Action.HOLD);
        }
        Decision after = scaler.decide(START.plus(Duration.ofMinutes(10)), hot, false);
        assertThat(after.action()).isEqualTo(Action.HOLD);
        assertThat(after.reason()).isEqualTo("CPU 90% over 70% for 0 s of 120 s");
    }

    @Test
    void aSpikeShorterThanTheWindowChangesNothing() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        assertThat(run(scaler, START, Duration.ofSeconds(90), loads(3, 0.95, 5_000)))
                .isEmpty();
        assertThat(run(scaler, START.plusSeconds(90), Duration.ofMinutes(30), loads(3, 0.5, 900)))
                .isEmpty();
    }

    @Test
    void afterAScaleOutItWaitsForTheCoolDownAndForTheChangeToFinish() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        List<NodeLoad> hot = loads(3, 0.9, 900);
        assertThat(run(scaler, START, Duration.ofMinutes(3), hot)).hasSize(1);
        // The new node joins and replicas move for a minute: holds whatever the load.
        Instant moving = START.plus(Duration.ofMinutes(3));
        Decision meanwhile = scaler.decide(moving, loads(4, 0.9, 900), true);
        assertThat(meanwhile.action()).isEqualTo(Action.HOLD);
        assertThat(meanwhile.reason()).isEqualTo("a change is in progress");
        // Still hot on four nodes: the next step comes 5 minutes after the first, not sooner.
        List<Decision> next = run(scaler, moving.plusSeconds(60), Duration.ofMinutes(10), loads(4, 0.9, 900));
        assertThat(next).isNotEmpty();
        assertThat(Duration.between(START.plusSeconds(120), next.get(0).at()))
                .isGreaterThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(next.get(0).targetNodes()).isEqualTo(7); // 4 * 0.9 / 0.56 = 6.4
    }

    @Test
    void aLongColdSpellScalesInDrainingTheNodeWithTheFewestBytesDownToTheMinimumOnly() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(2, 10));
        List<NodeLoad> cold = new ArrayList<>(loads(3, 0.05, 50));
        cold.set(1, new NodeLoad("node-1", 50, 0.05, 2 * GIB, 98 * GIB, 20));
        List<Decision> taken = run(scaler, START, Duration.ofMinutes(11), cold);
        assertThat(taken).hasSize(1);
        Decision in = taken.get(0);
        assertThat(in.action()).isEqualTo(Action.SCALE_IN);
        assertThat(in.drain()).isEqualTo("node-1");
        assertThat(in.targetNodes()).isEqualTo(2);
        assertThat(Duration.between(START, in.at())).isEqualTo(Duration.ofMinutes(10));
        // At the minimum, it stays there however cold.
        assertThat(run(scaler, START.plus(Duration.ofMinutes(11)), Duration.ofHours(2), loads(2, 0.01, 1)))
                .isEmpty();
        assertThat(scaler.last().reason()).endsWith("at the minimum of 2 nodes");
    }

    @Test
    void itDoesNotScaleInWhenTheLoadOfOneNodeFewerWouldBeNearTheScaleOutThreshold() {
        // Cold (under 25% CPU) on two nodes, but one node would carry 48%: over 80% of a 55% scale-out threshold.
        Autoscaler scaler = new Autoscaler(new Autoscaler.Config(
                1,
                10,
                0.55,
                0.25,
                2_000,
                500,
                250,
                0.8,
                Duration.ofMinutes(2),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                Duration.ofMinutes(10)));
        assertThat(run(scaler, START, Duration.ofHours(1), loads(2, 0.24, 100))).isEmpty();
        assertThat(scaler.last().reason()).isEqualTo("load within bounds");
    }

    @Test
    void anOscillatingLoadNeverMakesItFlap() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        List<Decision> taken = new ArrayList<>();
        Instant t = START;
        // Hot for 90 s, cold for 90 s, for six hours: neither window is ever sustained.
        for (int cycle = 0; cycle < 120; cycle++) {
            taken.addAll(run(scaler, t, Duration.ofSeconds(90), loads(3, 0.9, 3_000)));
            taken.addAll(run(scaler, t.plusSeconds(90), Duration.ofSeconds(90), loads(3, 0.05, 10)));
            t = t.plusSeconds(180);
        }
        assertThat(taken).isEmpty();
    }

    @Test
    void outsideItsBoundsItStepsBackAtOnce() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(3, 5));
        Decision up = scaler.decide(START, loads(2, 0.5, 100), false);
        assertThat(up.action()).isEqualTo(Action.SCALE_OUT);
        assertThat(up.reason()).isEqualTo("below the minimum of 3 nodes");
        Decision down = scaler.decide(START.plusSeconds(10), loads(6, 0.5, 100), false);
        assertThat(down.action()).isEqualTo(Action.SCALE_IN);
        assertThat(down.drain()).isEqualTo("node-5");
    }

    @Test
    void aFullDiskIsHotEvenWhenTheCpuIsIdle() {
        Autoscaler scaler = new Autoscaler(Autoscaler.Config.defaults(1, 10));
        List<NodeLoad> loads = new ArrayList<>(loads(3, 0.05, 10));
        loads.set(2, new NodeLoad("node-2", 10, 0.05, 85 * GIB, 15 * GIB, 20));
        List<Decision> taken = run(scaler, START, Duration.ofMinutes(3), loads);
        assertThat(taken).hasSize(1);
        assertThat(taken.get(0).reason()).startsWith("disk of node-2 85% full, over 80%");
    }

    @Test
    void aPolicyIsTheDefaultsWithTheOverridesNamed() {
        Autoscaler.Config config =
                Autoscaler.Config.parse(2, 6, "requestsHigh=50, requestsLow=5,sustainHot=5s,afterScaleIn=500ms,");
        assertThat(config.minNodes()).isEqualTo(2);
        assertThat(config.maxNodes()).isEqualTo(6);
        assertThat(config.requestsHigh()).isEqualTo(50);
        assertThat(config.requestsLow()).isEqualTo(5);
        assertThat(config.sustainHot()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.afterScaleIn()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.cpuHigh()).isEqualTo(Autoscaler.Config.defaults(2, 6).cpuHigh());
        assertThat(Autoscaler.Config.parse(1, 1, "")).isEqualTo(Autoscaler.Config.defaults(1, 1));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Autoscaler.Config.parse(1, 3, "cpuHot=0.5"))
                .hasMessageContaining("cpuHot=0.5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Autoscaler.Config.parse(1, 3, "sustainHot=5y"))
                .hasMessageContaining("sustainHot=5y");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Autoscaler.Config.parse(1, 3, "cpuLow=0.9"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
