package dev.granary.bench.load;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The pre-populated objects, one slot each, with the generation of the body each last received so that a GET
 * knows exactly which bytes to expect. Workloads that change objects (mixed) lock a slot for the duration of an
 * operation, so no two operations race on one key and every expectation is exact; read-only workloads pick slots
 * without locking. Generations only grow, even across a delete, so an old body served again is caught. A slot
 * whose state is unknown after a failed write is retired rather than guessed at.
 */
final class ObjectPool {
    private static final byte ABSENT = 0;
    private static final byte PRESENT = 1;
    private static final byte RETIRED = 2;
    /** Random probes before giving up on finding a free slot in the wanted state. */
    private static final int PROBES = 64;

    private final byte[] states;
    private final int[] generations;
    private final AtomicIntegerArray locks;

    ObjectPool(int size) {
        this.states = new byte[size];
        this.generations = new int[size];
        this.locks = new AtomicIntegerArray(size);
    }

    int size() {
        return states.length;
    }

    /**
     * Locks a random slot that holds an object ({@code wantPresent} true) or none (false), or any usable one
     * (null).
     *
     * @return the slot, or -1 when {@link #PROBES} probes found none
     */
    int acquire(Boolean wantPresent, SplittableRandom random) {
        for (int i = 0; i < PROBES; i++) {
            int slot = random.nextInt(states.length);
            if (locks.compareAndSet(slot, 0, 1)) {
                byte state = states[slot]; // read after the CAS: sees the last holder's writes
                boolean usable = state != RETIRED && (wantPresent == null || wantPresent == (state == PRESENT));
                if (usable) {
                    return slot;
                }
                locks.set(slot, 0);
            }
        }
        return -1;
    }

    /** Releases a slot locked by {@link #acquire}, publishing its new state. */
    void release(int slot) {
        locks.set(slot, 0);
    }

    /** A random slot for read-only workloads, where every slot holds its first generation. */
    int pick(SplittableRandom random) {
        return random.nextInt(states.length);
    }

    /** The generation of the slot's current (or last) body. */
    int generation(int slot) {
        return generations[slot];
    }

    /** Records a successful PUT; the caller holds the slot's lock or is populating before workers start. */
    void stored(int slot, int generation) {
        states[slot] = PRESENT;
        generations[slot] = generation;
    }

    /** Records a successful DELETE; the generation stays, so the next PUT gets a new one. */
    void deleted(int slot) {
        states[slot] = ABSENT;
    }

    /** Marks a slot whose state a failed write left unknown, so it is never read or written again. */
    void retire(int slot) {
        states[slot] = RETIRED;
    }
}
