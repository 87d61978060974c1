package dev.granary.cluster.placement;

/**
 * One replica of a partition going from one node to another: {@code to} catches up from the partition's leader,
 * then {@code from} leaves the group. {@code from} is null for a replica added without one leaving (a group below its
 * replica count), {@code to} for one dropped without a replacement; {@code bytes} is what {@code to} must copy.
 */
public record Move(int partition, String from, String to, long bytes) {
    public Move {
        if (from == null && to == null) {
            throw new IllegalArgumentException("a move of partition " + partition + " needs a node");
        }
    }
}
