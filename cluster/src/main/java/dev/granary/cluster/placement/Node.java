package dev.granary.cluster.placement;

import java.util.Objects;

/**
 * A node as placement sees it: its id, its zone label ({@code ""} when it has none) and whether it may hold
 * replicas.
 */
public record Node(String id, String zone, State state) {
    /** What placement may do with a node. */
    public enum State {
        /** Holds replicas and takes new ones. */
        UP,
        /** Gives its replicas and leaderships away, takes none; {@code drained} once it holds nothing. */
        DRAINING,
        /** Unreachable past the dead-node timeout: its replicas are re-created elsewhere. */
        DEAD
    }

    public Node {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(state, "state");
    }

    /** An up node without a zone label. */
    public static Node up(String id) {
        return new Node(id, "", State.UP);
    }

    /** This node in {@code state}. */
    public Node in(State state) {
        return new Node(id, zone, state);
    }
}
