package dev.granary.it;

import static dev.granary.it.Linearizability.Op.delete;
import static dev.granary.it.Linearizability.Op.get;
import static dev.granary.it.Linearizability.Op.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.Linearizability.Kind;
import dev.granary.it.Linearizability.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The checker that {@code LinearizabilityIT} trusts, tried on histories known to be linearizable and known not to be,
 * and on random histories made from a sequential execution (linearizable by construction) and from the same with one
 * read turned stale (not linearizable by construction).
 */
class LinearizabilityTest {
    private static final long INFINITY = Long.MAX_VALUE;

    @Test
    void sequentialReadsOfWhatWasWritten() {
        assertThat(Linearizability.linearizable(
                        List.of(get(null, 0, 1), put("a", 2, 3), get("a", 4, 5), delete(6, 7), get(null, 8, 9))))
                .isTrue();
    }

    @Test
    void concurrentWritesMayBeReadEitherWay() {
        // put a || put b, then both reads see b: a took effect first
        assertThat(Linearizability.linearizable(
                        List.of(put("a", 0, 10), put("b", 1, 9), get("b", 11, 12), get("b", 13, 14))))
                .isTrue();
        // a read overlapping a write sees the old value or the new one
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), put("b", 2, 10), get("a", 3, 4))))
                .isTrue();
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), put("b", 2, 10), get("b", 3, 4))))
                .isTrue();
    }

    @Test
    void aWriteOfUnknownOutcomeMayHappenLateOrNever() {
        assertThat(Linearizability.linearizable(List.of(put("a", 0, INFINITY), get(null, 1, 2), get("a", 3, 4))))
                .isTrue();
        assertThat(Linearizability.linearizable(List.of(put("a", 0, INFINITY), get(null, 1, 2), get(null, 3, 4))))
                .isTrue();
        // ... but not before it was called
        assertThat(Linearizability.linearizable(List.of(get("a", 0, 1), put("a", 2, INFINITY))))
                .isFalse();
    }

    @Test
    void aStaleReadAfterACompletedWriteIsNot() {
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), put("b", 2, 3), get("a", 4, 5))))
                .isFalse();
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), get(null, 2, 3))))
                .isFalse();
    }

    @Test
    void aReadOfAValueNeverWrittenIsNot() {
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), get("z", 2, 3))))
                .isFalse();
    }

    @Test
    void twoReadsThatSeeTwoWritesInOppositeOrdersAreNot() {
        // a || b, then one client reads b and, later, a: the writes' order cannot be both
        assertThat(Linearizability.linearizable(
                        List.of(put("a", 0, 10), put("b", 0, 10), get("b", 11, 12), get("a", 13, 14))))
                .isFalse();
        // and reads concurrent with the writes: first b, then a, then b again
        assertThat(Linearizability.linearizable(
                        List.of(put("a", 0, 100), put("b", 0, 100), get("b", 1, 2), get("a", 3, 4), get("b", 5, 6))))
                .isFalse();
    }

    @Test
    void aDeletedValueReadAfterTheDeleteIsNot() {
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), delete(2, 3), get("a", 4, 5))))
                .isFalse();
        assertThat(Linearizability.linearizable(List.of(put("a", 0, 1), delete(2, 10), get("a", 4, 5))))
                .isTrue();
    }

    @Test
    void violationsNamesTheKeysWithout() {
        Map<String, List<Op>> found = Linearizability.violations(Map.of(
                "good", List.of(put("a", 0, 1), get("a", 2, 3)), "bad", List.of(put("a", 0, 1), get(null, 2, 3))));
        assertThat(found).containsOnlyKeys("bad");
    }

    @Test
    void randomSequentialExecutionsPassAndOneStaleReadFails() {
        Random random = new Random(42);
        int checkedStale = 0;
        for (int round = 0; round < 300; round++) {
            List<Op> history = execution(random, 5 + random.nextInt(40));
            assertThat(Linearizability.linearizable(history))
                    .as("round %d: %s", round, history)
                    .isTrue();
            List<Op> stale = withStaleRead(history, random);
            if (stale != null) {
                checkedStale++;
                assertThat(Linearizability.linearizable(stale))
                        .as("round %d: %s", round, stale)
                        .isFalse();
            }
        }
        assertThat(checkedStale).isGreaterThan(100);
    }

    /**
     * A history of concurrent clients made from a sequential execution: each operation takes effect at a point in its
     * interval, in order of those points, and reads return what was there; some writes' outcomes are left unknown.
     */
    private static List<Op> execution(Random random, int count) {
        record Planned(Kind kind, long call, long point, long ret, boolean unknown) {}
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long call = random.nextInt(1000);
            long point = call + random.nextInt(50);
            long ret = point + random.nextInt(50);
            int dice = random.nextInt(10);
            Kind kind = dice < 4 ? Kind.PUT : dice < 5 ? Kind.DELETE : Kind.GET;
            planned.add(new Planned(kind, call, point, ret, kind != Kind.GET && random.nextInt(10) == 0));
        }
        planned.sort((a, b) -> Long.compare(a.point(), b.point()));
        List<Op> history = new ArrayList<>();
        String state = null;
        int written = 0;
        for (Planned p : planned) {
            switch (p.kind()) {
                case PUT -> {
                    state = "v" + written++;
                    history.add(put(state, p.call(), p.unknown() ? INFINITY : p.ret()));
                }
                case DELETE -> {
                    state = null;
                    history.add(delete(p.call(), p.unknown() ? INFINITY : p.ret()));
                }
                case GET -> history.add(get(state, p.call(), p.ret()));
            }
        }
        return history;
    }

    /**
     * The history with one read changed to a value that two writes, both completed in real-time order before the
     * read was called, had already replaced; null when there is no such read.
     */
    private static List<Op> withStaleRead(List<Op> history, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, random);
        for (int r : order) {
            Op read = history.get(r);
            if (read.kind() != Kind.GET) {
                continue;
            }
            for (Op old : history) {
                if (old.kind() != Kind.PUT
                        || old.ret() >= read.call()
                        || old.value().equals(read.value())) {
                    continue;
                }
                boolean replaced = history.stream()
                        .anyMatch(later ->
                                later.kind() != Kind.GET && later.call() > old.ret() && later.ret() < read.call());
                if (replaced) {
                    List<Op> stale = new ArrayList<>(history);
                    stale.set(r, get(old.value(), read.call(), read.ret()));
                    return stale;
                }
            }
        }
        return null;
    }
}
