package dev.granary.cluster.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntToLongFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the placement policy promises: distinct nodes and zones, balance within one, minimal moves, stability. */
class PlacementPolicyTest {
    private static final IntToLongFunction EQUAL = PlacementPolicyTest::equalSizes;

    private static long equalSizes(int partition) {
        return 1_000;
    }

    private static List<Node> nodes(int count) {
        return IntStream.range(0, count).mapToObj(i -> Node.up("node-" + i)).toList();
    }

    private static List<String> ids(List<Node> nodes) {
        return nodes.stream().map(Node::id).toList();
    }

    private static int spread(Map<String, Integer> counts) {
        Collection<Integer> values = counts.values();
        return Collections.max(values) - Collections.min(values);
    }

    /** Checks every promise for the up nodes of {@code nodes} and returns the map. */
    private static PartitionMap checked(
            PlacementPolicy policy, PartitionMap map, List<Node> nodes, IntToLongFunction bytes) {
        List<String> up = nodes.stream()
                .filter(n -> n.state() == Node.State.UP)
                .map(Node::id)
                .toList();
        int r = Math.min(policy.replicas(), up.size());
        for (int p = 0; p < map.partitions(); p++) {
            assertThat(map.replicas(p)).as("partition %d", p).hasSize(r);
            assertThat(up).as("partition %d on up nodes", p).containsAll(map.replicas(p));
        }
        assertThat(spread(map.replicaCounts(up))).as("replicas per node").isLessThanOrEqualTo(1);
        assertThat(spread(map.leaderCounts(up))).as("leaders per node").isLessThanOrEqualTo(1);
        assertThat(policy.target(map, nodes, bytes))
                .as("the target of a target")
                .isSameAs(map);
        return map;
    }

    @Test
    void theInitialMapIsAlreadyItsOwnTarget() {
        for (int n : new int[] {1, 2, 3, 5, 8}) {
            List<Node> nodes = nodes(n);
            PartitionMap initial = PartitionMap.initial(ids(nodes), 16, 3);
            PlacementPolicy policy = new PlacementPolicy(3);
            assertThat(checked(policy, initial, nodes, EQUAL)).isSameAs(initial);
        }
    }

    @Test
    void aJoiningNodeReceivesJustWhatBalanceNeedsAndNothingElseMoves() {
        PlacementPolicy policy = new PlacementPolicy(3);
        List<Node> three = nodes(3);
        List<Node> five = nodes(5);
        PartitionMap before = PartitionMap.initial(ids(three), 32, 3);
        PartitionMap after = checked(policy, policy.target(before, nodes(4), EQUAL), nodes(4), EQUAL);
        assertThat(after.epoch()).isEqualTo(before.epoch() + 1);
        List<Move> moves = PlacementPolicy.moves(before, after, EQUAL);
        // 96 replicas on 4 nodes: node-3 takes 24, each one from a node that held 32, and nothing else moves.
        assertThat(moves).hasSize(24).allSatisfy(m -> {
            assertThat(m.to()).isEqualTo("node-3");
            assertThat(m.from()).isNotNull();
            assertThat(m.bytes()).isEqualTo(1_000);
        });
        PartitionMap later = checked(policy, policy.target(after, five, EQUAL), five, EQUAL);
        assertThat(PlacementPolicy.moves(after, later, EQUAL))
                .hasSize(96 / 5)
                .allSatisfy(m -> assertThat(m.to()).isEqualTo("node-4"));
    }

    @Test
    void aDeadNodesReplicasAreRecreatedOnceEachOnTheOthers() {
        PlacementPolicy policy = new PlacementPolicy(3);
        List<Node> four = nodes(4);
        PartitionMap before = PartitionMap.initial(ids(four), 24, 3);
        List<Node> oneDead = new ArrayList<>(four);
        oneDead.set(1, four.get(1).in(Node.State.DEAD));
        PartitionMap after = checked(policy, policy.target(before, oneDead, EQUAL), oneDead, EQUAL);
        List<Move> moves = PlacementPolicy.moves(before, after, EQUAL);
        long held = before.replicas().stream().filter(r -> r.contains("node-1")).count();
        assertThat(moves)
                .hasSize((int) held)
                .allSatisfy(m -> assertThat(m.from()).isEqualTo("node-1"));
        assertThat(after.holdsNothing("node-1")).isTrue();
    }

    @Test
    void aDrainingNodeEndsHoldingNothingAndLeadingNothing() {
        PlacementPolicy policy = new PlacementPolicy(2);
        List<Node> nodes = new ArrayList<>(nodes(4));
        PartitionMap before = PartitionMap.initial(ids(nodes), 16, 2);
        nodes.set(3, nodes.get(3).in(Node.State.DRAINING));
        PartitionMap after = checked(policy, policy.target(before, nodes, EQUAL), nodes, EQUAL);
        assertThat(after.holdsNothing("node-3")).isTrue();
        assertThat(PlacementPolicy.moves(before, after, EQUAL))
                .hasSize(8)
                .allSatisfy(m -> assertThat(m.from()).isEqualTo("node-3"));
    }

    @Test
    void fewerNodesThanReplicasHoldOneEachAndANewNodeAddsTheMissingOnes() {
        PlacementPolicy policy = new PlacementPolicy(3);
        PartitionMap two = checked(policy, PartitionMap.initial(ids(nodes(2)), 8, 3), nodes(2), EQUAL);
        assertThat(two.replicas(0)).hasSize(2);
        PartitionMap three = checked(policy, policy.target(two, nodes(3), EQUAL), nodes(3), EQUAL);
        assertThat(PlacementPolicy.moves(two, three, EQUAL)).hasSize(8).allSatisfy(m -> {
            assertThat(m.from()).isNull();
            assertThat(m.to()).isEqualTo("node-2");
        });
        // And back: a node gone, each partition keeps the two replicas it has on the others.
        List<Node> shrunk = List.of(Node.up("node-0"), Node.up("node-1"), new Node("node-2", "", Node.State.DEAD));
        PartitionMap back = checked(policy, policy.target(three, shrunk, EQUAL), shrunk, EQUAL);
        assertThat(PlacementPolicy.moves(three, back, EQUAL))
                .hasSize(8)
                .allSatisfy(m -> assertThat(m.to()).isNull());
    }

    @Test
    void replicasOfAPartitionGoToDistinctZonesWhereTheLabelsAllow() {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(new Node("node-" + i, "zone-" + (i / 2), Node.State.UP));
        }
        PlacementPolicy policy = new PlacementPolicy(3);
        // Consecutive nodes share a zone in the initial map: the policy moves one replica of each such partition.
        PartitionMap map =
                checked(policy, policy.target(PartitionMap.initial(ids(nodes), 30, 3), nodes, EQUAL), nodes, EQUAL);
        for (int p = 0; p < map.partitions(); p++) {
            Set<String> zones = new HashSet<>();
            map.replicas(p)
                    .forEach(id -> zones.add(
                            nodes.get(Integer.parseInt(id.substring(5))).zone()));
            assertThat(zones).as("zones of partition %d", p).hasSize(3);
        }
    }

    /**
     * The fullest node cannot give (every partition it holds has its other replica in the one zone the emptier nodes
     * are in): the next fullest gives instead, as far as the zones allow.
     */
    @Test
    void whenTheFullestNodeCannotGiveTheNextFullestDoes() {
        List<Node> nodes = List.of(
                new Node("e", "one", Node.State.UP),
                new Node("k", "one", Node.State.UP),
                new Node("z", "two", Node.State.UP));
        PartitionMap before = new PartitionMap(0, java.util.Collections.nCopies(4, List.of("z", "k")));
        PartitionMap after = new PlacementPolicy(2).target(before, nodes, EQUAL);
        // Each partition needs one replica in each zone, and z is zone "two" alone: it keeps all four; e and k share.
        assertThat(after.replicaCounts(List.of("e", "k", "z"))).isEqualTo(Map.of("e", 2, "k", 2, "z", 4));
        for (List<String> replicas : after.replicas()) {
            assertThat(replicas).contains("z").hasSize(2);
        }
        assertThat(spread(after.leaderCounts(List.of("e", "k", "z")))).isLessThanOrEqualTo(1);
    }

    @Test
    void fromOneToTwentyNodesAndBackEveryStepStaysBalancedAndMovesAtMostTenPercentAboveTheMinimum() {
        Random random = new Random(14);
        long[] sizes = new long[512];
        for (int p = 0; p < sizes.length; p++) {
            sizes[p] = 900_000_000L + random.nextInt(200_000_000);
        }
        IntToLongFunction bytes = p -> sizes[p];
        PlacementPolicy policy = new PlacementPolicy(3);
        PartitionMap map = PartitionMap.initial(List.of("node-0"), sizes.length, 3);
        for (int n = 2; n <= 20; n++) {
            List<Node> nodes = nodes(n);
            PartitionMap next = checked(policy, policy.target(map, nodes, bytes), nodes, bytes);
            long moved = PlacementPolicy.moves(map, next, bytes).stream()
                    .mapToLong(Move::bytes)
                    .sum();
            assertThat((double) moved)
                    .as("bytes moved growing to %d nodes", n)
                    .isLessThanOrEqualTo(1.1 * minimumToJoin(map, n, sizes));
            map = next;
        }
        for (int n = 19; n >= 1; n--) {
            List<Node> nodes = new ArrayList<>(nodes(n));
            nodes.add(new Node("node-" + n, "", Node.State.DRAINING));
            PartitionMap next = checked(policy, policy.target(map, nodes, bytes), nodes, bytes);
            long moved = PlacementPolicy.moves(map, next, bytes).stream()
                    .mapToLong(Move::bytes)
                    .sum();
            String leaving = "node-" + n;
            PartitionMap current = map;
            long minimum = n >= 3
                    ? IntStream.range(0, sizes.length)
                            .filter(p -> current.replicas(p).contains(leaving))
                            .mapToLong(p -> sizes[p])
                            .sum()
                    : 0; // below R nodes, a leaving node's replicas are dropped, not re-created
            assertThat(moved).as("bytes moved draining node-%d", n).isLessThanOrEqualTo((long) (1.1 * minimum));
            assertThat(next.holdsNothing(leaving)).isTrue();
            map = next;
        }
    }

    /**
     * A lower bound of the bytes a join to {@code nodes} nodes must copy: the replicas every partition gains (while
     * there are fewer nodes than R), or else the smallest partitions the new node must hold to be within one of the
     * others.
     */
    private static double minimumToJoin(PartitionMap map, int nodes, long[] sizes) {
        int before = map.replicas(0).size();
        int after = Math.min(3, nodes);
        if (after > before) {
            return (after - before) * java.util.Arrays.stream(sizes).sum();
        }
        int total = sizes.length * after;
        long[] sorted = sizes.clone();
        java.util.Arrays.sort(sorted);
        return java.util.Arrays.stream(sorted).limit(total / nodes).sum();
    }

    @Test
    void movesPairEachLeavingReplicaWithAnArrivingOne() {
        PartitionMap from = new PartitionMap(3, List.of(List.of("a", "b"), List.of("b", "c"), List.of("a")));
        PartitionMap to = new PartitionMap(4, List.of(List.of("b", "a"), List.of("d", "c"), List.of("a", "e")));
        assertThat(PlacementPolicy.moves(from, to, p -> 10L * (p + 1)))
                .containsExactly(new Move(1, "b", "d", 20), new Move(2, null, "e", 30));
    }

    @Test
    void withNoNodeUpTheMapStaysAsItIs() {
        PartitionMap map = PartitionMap.initial(List.of("node-0", "node-1"), 4, 2);
        PlacementPolicy policy = new PlacementPolicy(2);
        assertThat(policy.target(map, List.of(new Node("node-0", "", Node.State.DEAD)), EQUAL))
                .isSameAs(map);
    }
}
