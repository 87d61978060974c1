package dev.granary.it;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A linearizability checker for histories of one S3 key seen as a register (a value, or absent): Wing and Gong's
 * search for a linearization with Lowe's memoization of (operations linearized, state) pairs already explored, as
 * Porcupine and Knossos do it. Keys are independent objects, so a history of many keys is linearizable when each
 * key's is (P-compositionality), which keeps every search small.
 *
 * <p>An operation is a call and a return on one clock. A write whose outcome the client did not learn (a timeout, a
 * 5xx, a dropped connection) is given a return at infinity: it may take effect at any point after its call, or never.
 * A read that failed tells nothing and is left out of the history.
 */
final class Linearizability {
    private Linearizability() {}

    /** What an operation does. */
    enum Kind {
        PUT,
        DELETE,
        GET
    }

    /**
     * One operation on one key.
     *
     * @param kind what it does
     * @param value the value a PUT wrote, or the value a GET returned (null: the key was absent); null for DELETE
     * @param call when the client called (nanoseconds, one clock for all clients)
     * @param ret when it returned; {@link Long#MAX_VALUE} when a write's outcome is unknown
     */
    record Op(Kind kind, String value, long call, long ret) {
        Op {
            Objects.requireNonNull(kind, "kind");
            if (ret < call) {
                throw new IllegalArgumentException("returns before its call: " + call + " > " + ret);
            }
            if (kind == Kind.GET && ret == Long.MAX_VALUE) {
                throw new IllegalArgumentException("a read whose outcome is unknown tells nothing: leave it out");
            }
        }

        static Op put(String value, long call, long ret) {
            return new Op(Kind.PUT, Objects.requireNonNull(value), call, ret);
        }

        static Op delete(long call, long ret) {
            return new Op(Kind.DELETE, null, call, ret);
        }

        static Op get(String seen, long call, long ret) {
            return new Op(Kind.GET, seen, call, ret);
        }
    }

    /** The keys whose histories have no linearization, each with its history; empty when all are linearizable. */
    static Map<String, List<Op>> violations(Map<String, List<Op>> byKey) {
        Map<String, List<Op>> bad = new TreeMap<>();
        byKey.forEach((key, history) -> {
            if (!linearizable(history)) {
                bad.put(key, history);
            }
        });
        return bad;
    }

    /** Whether one key's history, starting from an absent key, has a linearization. */
    static boolean linearizable(List<Op> history) {
        int n = history.size();
        if (n == 0) {
            return true;
        }
        if (n > 100_000) {
            throw new IllegalArgumentException("history too long for the search: " + n);
        }
        // Events in time order; at equal times calls come first (the operations are then concurrent).
        List<Entry> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            Op op = history.get(i);
            Entry call = new Entry(i, op, true, op.call());
            Entry ret = new Entry(i, op, false, op.ret());
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        events.sort(Comparator.comparingLong((Entry e) -> e.time).thenComparing(e -> e.call ? 0 : 1));
        Entry head = new Entry(-1, null, false, Long.MIN_VALUE);
        Entry previous = head;
        for (Entry e : events) {
            previous.next = e;
            e.prev = previous;
            previous = e;
        }

        String state = null;
        BitSet linearized = new BitSet(n);
        Set<Explored> explored = new HashSet<>();
        Deque<Frame> stack = new ArrayDeque<>();
        Entry entry = head.next;
        while (head.next != null) {
            if (entry.call) {
                Step step = step(state, entry.op);
                if (step.allowed()) {
                    BitSet next = (BitSet) linearized.clone();
                    next.set(entry.id);
                    if (explored.add(new Explored(next, step.state()))) {
                        stack.push(new Frame(entry, state));
                        state = step.state();
                        linearized.set(entry.id);
                        lift(entry);
                        entry = head.next;
                        continue;
                    }
                }
                entry = entry.next;
            } else {
                // A return reached whose call is not linearized yet: undo the last choice and try the next one.
                if (stack.isEmpty()) {
                    return false;
                }
                Frame top = stack.pop();
                state = top.state();
                linearized.clear(top.entry().id);
                unlift(top.entry());
                entry = top.entry().next;
            }
        }
        return true;
    }

    /** The register's step: whether {@code op} can take effect in {@code state}, and the state after it. */
    private static Step step(String state, Op op) {
        return switch (op.kind()) {
            case PUT -> new Step(true, op.value());
            case DELETE -> new Step(true, null);
            case GET -> new Step(Objects.equals(state, op.value()), state);
        };
    }

    private record Step(boolean allowed, String state) {}

    private record Frame(Entry entry, String state) {}

    private record Explored(BitSet linearized, String state) {}

    /** A call or return event, in a doubly linked list that linearized operations are lifted out of. */
    private static final class Entry {
        final int id;
        final Op op;
        final boolean call;
        final long time;
        Entry match;
        Entry prev;
        Entry next;

        Entry(int id, Op op, boolean call, long time) {
            this.id = id;
            this.op = op;
            this.call = call;
            this.time = time;
        }
    }

    /** Removes a call and its return from the list (they keep their links, for {@link #unlift}). */
    private static void lift(Entry call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Entry ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    /** Puts a lifted call and its return back where they were. */
    private static void unlift(Entry call) {
        Entry ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }
}
