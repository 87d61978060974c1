package dev.granary.bench.placement;

import dev.granary.cluster.placement.Autoscaler;
import dev.granary.cluster.placement.Move;
import dev.granary.cluster.placement.Node;
import dev.granary.cluster.placement.PartitionMap;
import dev.granary.cluster.placement.PlacementPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Runs the real {@link PlacementPolicy} and {@link Autoscaler} on a simulated cluster, in simulated time, at sizes
 * one machine cannot run: up to a hundred nodes and thousands of partitions. Nodes boot in a minute; a replica move
 * copies its partition's bytes at a bounded rate, a bounded number at a time per node; requests spread evenly over
 * the nodes that are up, each node's CPU and p99 latency following from its share. What it reports is what issue
 * 15 asks the policy to hold: replicas and preferred leaders per node after every change, bytes moved against the
 * least the change needed, time any partition spent below R replicas, and the decisions taken.
 *
 * <p>Deterministic: the same scenario and seed give the same report.
 */
public final class ClusterSimulator {
    /** What the simulated machines and network can do. */
    public record Machine(
            double requestsPerCore,
            int cores,
            long diskBytes,
            long moveBytesPerSecond,
            int movesPerNode,
            Duration boot,
            Duration deadAfter) {
        /** Nodes of 8 cores at 1,000 requests/s each, 4 TiB disks, 200 MiB/s per move, two moves per node. */
        public static Machine typical() {
            return new Machine(1_000, 8, 4L << 40, 200L << 20, 2, Duration.ofMinutes(1), Duration.ofMinutes(1));
        }
    }

    /** A scripted event: at {@code at} into the run, node {@code node} (by index among those up) dies. */
    public record Death(Duration at, int node) {}

    /**
     * A scenario: its name, partitions (each of about {@code partitionBytes}) and replicas, the nodes it starts
     * with, how long it runs, the cluster's request rate over time (seconds since the start to requests per second),
     * the autoscaler's policy (null: no autoscaler; nodes join every {@code joinsEvery} while no change is under way,
     * up to {@code joinUpTo}), and deaths.
     */
    public record Scenario(
            String name,
            int partitions,
            long partitionBytes,
            int replicas,
            int startNodes,
            Duration length,
            DoubleUnaryOperator requestRate,
            Autoscaler.Config autoscaler,
            Duration joinsEvery,
            int joinUpTo,
            List<Death> deaths) {}

    /** The outcome of one run. */
    public record Report(
            String scenario,
            int minNodes,
            int maxNodes,
            int finalNodes,
            int changes,
            int worstReplicaSpread,
            int worstLeaderSpread,
            double worstMovedOverMinimum,
            long bytesMoved,
            long bytesMinimum,
            long partitionSecondsBelowR,
            long longestBelowRSeconds,
            int scaleOuts,
            int scaleIns,
            int flaps,
            double worstP99Millis,
            List<String> decisions) {
        /** One Markdown table row (see {@link #HEADER}). */
        public String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d-%d (end %d) | %d | %d / %d | %.3fx | %.1f / %.1f | %d / %d | %d / %d / %d | %.0f |",
                    scenario,
                    minNodes,
                    maxNodes,
                    finalNodes,
                    changes,
                    worstReplicaSpread,
                    worstLeaderSpread,
                    worstMovedOverMinimum,
                    bytesMoved / (double) (1L << 40),
                    bytesMinimum / (double) (1L << 40),
                    partitionSecondsBelowR,
                    longestBelowRSeconds,
                    scaleOuts,
                    scaleIns,
                    flaps,
                    worstP99Millis);
        }

        public static final String HEADER = "| scenario | nodes | changes | max-min replicas / leaders per node after"
                + " each change | worst bytes moved / minimum of a change | TiB moved / minimum | partition-s below R"
                + " / longest s | scale-outs / ins / flaps | worst p99 ms |\n|---|---|---:|---:|---:|---:|---:|---:|---:|";
    }

    private static final Duration TICK = Duration.ofSeconds(10);
    private static final Duration ASK_EVERY = Duration.ofSeconds(30);
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private final Scenario scenario;
    private final Machine machine;
    private final Random random;
    private final PlacementPolicy policy;
    private final Autoscaler autoscaler;

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, Instant> booting = new LinkedHashMap<>();
    private final Map<String, Instant> unreachableSince = new HashMap<>();
    private final long[] bytes;
    private PartitionMap map;
    /** The moves of the plan being carried out, and the bytes each has left to copy. */
    private final List<Move> pending = new ArrayList<>();

    private final Map<Move, Long> running = new LinkedHashMap<>();
    private PartitionMap planned;
    private long planMoved;
    private long planMinimum;
    private final long[] belowSince;
    private int nextNode;

    // What the report collects.
    private int minNodes = Integer.MAX_VALUE;
    private int maxNodes;
    private int changes;
    private int worstReplicaSpread;
    private int worstLeaderSpread;
    private double worstMovedOverMinimum;
    private long bytesMoved;
    private long bytesMinimum;
    private long partitionSecondsBelowR;
    private long longestBelowRSeconds;
    private double worstP99;
    private final List<Autoscaler.Decision> decisions = new ArrayList<>();

    public ClusterSimulator(Scenario scenario, Machine machine, long seed) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.machine = Objects.requireNonNull(machine, "machine");
        this.random = new Random(seed);
        this.policy = new PlacementPolicy(scenario.replicas());
        this.autoscaler = scenario.autoscaler() == null ? null : new Autoscaler(scenario.autoscaler());
        this.bytes = new long[scenario.partitions()];
        this.belowSince = new long[scenario.partitions()];
        java.util.Arrays.fill(belowSince, -1);
        for (int p = 0; p < bytes.length; p++) {
            // Within 10% of the mean either way, as hashed keys spread them.
            bytes[p] = (long) (scenario.partitionBytes() * (0.9 + 0.2 * random.nextDouble()));
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scenario.startNodes(); i++) {
            String id = newId();
            nodes.put(id, Node.up(id));
            ids.add(id);
        }
        this.map = PartitionMap.initial(ids, scenario.partitions(), scenario.replicas());
    }

    /** Runs the scenario to its end and reports. */
    public Report run() {
        List<Death> deaths = new ArrayList<>(scenario.deaths());
        long seconds = scenario.length().toSeconds();
        for (long t = 0; t <= seconds; t += TICK.toSeconds()) {
            Instant now = EPOCH.plusSeconds(t);
            for (Death death : List.copyOf(deaths)) {
                if (death.at().toSeconds() <= t) {
                    deaths.remove(death);
                    kill(now, death.node());
                }
            }
            if (scenario.joinsEvery() != null
                    && t > 0
                    && t % scenario.joinsEvery().toSeconds() == 0
                    && nodes.size() + booting.size() < scenario.joinUpTo()
                    && planned == null) {
                booting.put(newId(), now.plus(machine.boot()));
            }
            boot(now);
            declareDead(now);
            copy();
            plan();
            long upCount = countUp();
            minNodes = (int) Math.min(minNodes, upCount);
            maxNodes = (int) Math.max(maxNodes, upCount);
            List<Autoscaler.NodeLoad> loads = loads(scenario.requestRate().applyAsDouble((double) t));
            if (autoscaler != null && t % ASK_EVERY.toSeconds() == 0) {
                decide(now, loads);
            }
            countBelowR(t);
        }
        return report();
    }

    private String newId() {
        return "node-" + nextNode++;
    }

    private long countUp() {
        return nodes.values().stream().filter(n -> n.state() == Node.State.UP).count();
    }

    private void kill(Instant now, int index) {
        List<String> up = nodes.values().stream()
                .filter(n -> n.state() == Node.State.UP)
                .map(Node::id)
                .toList();
        if (up.isEmpty()) {
            return;
        }
        String victim = up.get(Math.floorMod(index, up.size()));
        unreachableSince.put(victim, now);
        // Moves to the dead node stop; moves from it go on (the data comes from the partition's leader).
        running.keySet().removeIf(m -> victim.equals(m.to()));
        abandonPlan();
    }

    private void boot(Instant now) {
        for (Map.Entry<String, Instant> entry : List.copyOf(booting.entrySet())) {
            if (!entry.getValue().isAfter(now)) {
                booting.remove(entry.getKey());
                nodes.put(entry.getKey(), Node.up(entry.getKey()));
            }
        }
    }

    /** Nodes unreachable past the timeout become dead: the plan is made again without them. */
    private void declareDead(Instant now) {
        for (Map.Entry<String, Instant> entry : List.copyOf(unreachableSince.entrySet())) {
            if (!now.isBefore(entry.getValue().plus(machine.deadAfter()))) {
                unreachableSince.remove(entry.getKey());
                nodes.computeIfPresent(entry.getKey(), (id, n) -> n.in(Node.State.DEAD));
                abandonPlan();
            }
        }
    }

    /**
     * Copies one tick's worth: each running move gets the tick's bytes; one that finishes early hands what is left of
     * its tick to the next pending move that fits, which may finish within the tick too.
     */
    private void copy() {
        long perTick = machine.moveBytesPerSecond() * TICK.toSeconds();
        Map<String, Integer> busy = new HashMap<>();
        running.keySet().forEach(m -> occupy(busy, m));
        java.util.ArrayDeque<Map.Entry<Move, Long>> slots = new java.util.ArrayDeque<>();
        running.keySet().forEach(m -> slots.add(Map.entry(m, perTick)));
        Move started;
        while ((started = startNext(busy)) != null) {
            slots.add(Map.entry(started, perTick));
        }
        while (!slots.isEmpty()) {
            Map.Entry<Move, Long> slot = slots.poll();
            Move move = slot.getKey();
            long left = running.get(move);
            if (left > slot.getValue()) {
                running.put(move, left - slot.getValue());
                continue;
            }
            running.remove(move);
            release(busy, move);
            finish(move);
            Move next = startNext(busy);
            if (next != null) {
                slots.add(Map.entry(next, slot.getValue() - left));
            }
        }
        if (planned != null && pending.isEmpty() && running.isEmpty()) {
            completePlan();
        }
    }

    /** Starts the first pending move whose nodes have a free slot (a drop finishes at once); null if none. */
    private Move startNext(Map<String, Integer> busy) {
        for (java.util.Iterator<Move> it = pending.iterator(); it.hasNext(); ) {
            Move move = it.next();
            if (!fits(busy, source(move)) || !fits(busy, move.to())) {
                continue;
            }
            it.remove();
            if (move.to() == null) {
                finish(move);
                continue;
            }
            running.put(move, Math.max(1, move.bytes()));
            occupy(busy, move);
            return move;
        }
        return null;
    }

    private void release(Map<String, Integer> busy, Move move) {
        for (String node : new String[] {source(move), move.to()}) {
            if (node != null) {
                busy.merge(node, -1, Integer::sum);
            }
        }
    }

    private boolean fits(Map<String, Integer> busy, String node) {
        return node == null || busy.getOrDefault(node, 0) < machine.movesPerNode();
    }

    /** The node a move copies from: the leaving replica while it is reachable, else the partition's leader. */
    private String source(Move move) {
        String from = move.from();
        Node node = from == null ? null : nodes.get(from);
        return node == null || node.state() == Node.State.DEAD || unreachableSince.containsKey(from) ? null : from;
    }

    private void occupy(Map<String, Integer> busy, Move move) {
        for (String node : new String[] {source(move), move.to()}) {
            if (node != null) {
                busy.merge(node, 1, Integer::sum);
            }
        }
    }

    /** A move done: the arriving replica joins the partition's list in the leaving one's place. */
    private void finish(Move move) {
        List<List<String>> replicas = new ArrayList<>(map.replicas());
        List<String> held = new ArrayList<>(replicas.get(move.partition()));
        int at = move.from() == null ? -1 : held.indexOf(move.from());
        if (move.to() != null && !held.contains(move.to())) {
            if (at >= 0) {
                held.set(at, move.to());
            } else {
                held.add(move.to());
            }
        } else if (at >= 0) {
            held.remove(at);
        }
        replicas.set(move.partition(), held);
        map = new PartitionMap(map.epoch(), replicas);
        bytesMoved += move.bytes();
        planMoved += move.bytes();
    }

    /** With no plan under way, asks the policy for the map to move towards and queues its moves. */
    private void plan() {
        if (planned != null || !running.isEmpty()) {
            return;
        }
        List<Node> known = List.copyOf(nodes.values());
        PartitionMap target = policy.target(map, known, p -> bytes[p]);
        if (target.equals(map)) {
            return;
        }
        planned = target;
        planMoved = 0;
        planMinimum = minimum(map, target, known);
        pending.addAll(PlacementPolicy.moves(map, target, p -> bytes[p]));
    }

    private void abandonPlan() {
        pending.clear();
        planned = null;
    }

    /** The plan carried out: the map takes the target's order (its preferred leaders); the change is measured. */
    private void completePlan() {
        map = new PartitionMap(planned.epoch(), planned.replicas());
        changes++;
        List<String> up = nodes.values().stream()
                .filter(n -> n.state() == Node.State.UP)
                .map(Node::id)
                .toList();
        worstReplicaSpread = Math.max(worstReplicaSpread, spread(map.replicaCounts(up)));
        worstLeaderSpread = Math.max(worstLeaderSpread, spread(map.leaderCounts(up)));
        if (planMinimum > 0) {
            worstMovedOverMinimum = Math.max(worstMovedOverMinimum, (double) planMoved / planMinimum);
        }
        bytesMinimum += planMinimum;
        planned = null;
        // Drained nodes leave the cluster.
        nodes.values().removeIf(n -> n.state() != Node.State.UP && map.holdsNothing(n.id()));
    }

    private static int spread(Map<String, Integer> counts) {
        return counts.isEmpty() ? 0 : Collections.max(counts.values()) - Collections.min(counts.values());
    }

    /**
     * The least a change from {@code from} must copy: every replica on a node leaving or dead must be made again
     * (while the partition keeps R), and a node that joined must receive its even share, of the smallest replicas.
     */
    private long minimum(PartitionMap from, PartitionMap to, List<Node> known) {
        List<String> up = known.stream()
                .filter(n -> n.state() == Node.State.UP)
                .map(Node::id)
                .toList();
        long forced = 0;
        for (int p = 0; p < from.partitions(); p++) {
            long kept = from.replicas(p).stream().filter(up::contains).count();
            forced += Math.max(0, to.replicas(p).size() - kept) * bytes[p];
        }
        long joining = 0;
        Map<String, Integer> counts = from.replicaCounts(up);
        int total = to.replicas().stream().mapToInt(List::size).sum();
        long[] sorted = bytes.clone();
        java.util.Arrays.sort(sorted);
        for (Map.Entry<String, Integer> entry : counts.entrySet()) {
            int share = total / up.size();
            if (entry.getValue() == 0) {
                long sum = 0;
                for (int i = 0; i < share; i++) {
                    sum += sorted[i];
                }
                joining += sum;
            }
        }
        return Math.max(forced, joining);
    }

    private List<Autoscaler.NodeLoad> loads(double rate) {
        List<Node> up = nodes.values().stream()
                .filter(n -> n.state() == Node.State.UP && !unreachableSince.containsKey(n.id()))
                .toList();
        List<Autoscaler.NodeLoad> loads = new ArrayList<>();
        if (up.isEmpty()) {
            return loads;
        }
        Map<String, Long> stored = new HashMap<>();
        for (int p = 0; p < map.partitions(); p++) {
            for (String id : map.replicas(p)) {
                stored.merge(id, bytes[p], Long::sum);
            }
        }
        double perNode = rate / up.size();
        double cpu = Math.min(1.0, perNode / (machine.requestsPerCore() * machine.cores()));
        double p99 = 20 / (1 - Math.min(cpu, 0.98));
        worstP99 = Math.max(worstP99, p99);
        for (Node node : up) {
            long held = stored.getOrDefault(node.id(), 0L);
            loads.add(new Autoscaler.NodeLoad(
                    node.id(), perNode, cpu, held, Math.max(0, machine.diskBytes() - held), p99));
        }
        return loads;
    }

    private void decide(Instant now, List<Autoscaler.NodeLoad> loads) {
        boolean changing = planned != null || !running.isEmpty() || !booting.isEmpty() || !unreachableSince.isEmpty();
        Autoscaler.Decision decision = autoscaler.decide(now, loads, changing);
        switch (decision.action()) {
            case SCALE_OUT -> {
                for (int i = decision.nodes(); i < decision.targetNodes(); i++) {
                    booting.put(newId(), now.plus(machine.boot()));
                }
            }
            case SCALE_IN -> {
                nodes.computeIfPresent(decision.drain(), (id, n) -> n.in(Node.State.DRAINING));
                abandonPlan();
            }
            case HOLD -> {
                return;
            }
        }
        decisions.add(decision);
    }

    /** Partitions with fewer replicas on reachable nodes than the cluster can hold, this tick. */
    private void countBelowR(long t) {
        long reachable = nodes.values().stream()
                .filter(n -> n.state() != Node.State.DEAD && !unreachableSince.containsKey(n.id()))
                .count();
        int r = (int) Math.min(scenario.replicas(), reachable);
        for (int p = 0; p < map.partitions(); p++) {
            long live = map.replicas(p).stream()
                    .filter(id -> {
                        Node node = nodes.get(id);
                        return node != null && node.state() != Node.State.DEAD && !unreachableSince.containsKey(id);
                    })
                    .count();
            if (live < r) {
                partitionSecondsBelowR += TICK.toSeconds();
                if (belowSince[p] < 0) {
                    belowSince[p] = t;
                }
                longestBelowRSeconds = Math.max(longestBelowRSeconds, t - belowSince[p] + TICK.toSeconds());
            } else {
                belowSince[p] = -1;
            }
        }
    }

    private Report report() {
        int outs = 0;
        int ins = 0;
        int flaps = 0;
        List<String> lines = new ArrayList<>();
        Autoscaler.Decision previous = null;
        for (Autoscaler.Decision d : decisions) {
            if (d.action() == Autoscaler.Action.SCALE_OUT) {
                outs++;
            } else {
                ins++;
            }
            // A flap: a step undone within half an hour.
            if (previous != null
                    && previous.action() != d.action()
                    && Duration.between(previous.at(), d.at()).compareTo(Duration.ofMinutes(30)) < 0) {
                flaps++;
            }
            previous = d;
            lines.add(String.format(
                    Locale.ROOT,
                    "%s %s %d -> %d%s: %s",
                    Duration.between(EPOCH, d.at()),
                    d.action(),
                    d.nodes(),
                    d.targetNodes(),
                    d.drain() == null ? "" : " (drain " + d.drain() + ")",
                    d.reason()));
        }
        return new Report(
                scenario.name(),
                minNodes,
                maxNodes,
                (int) countUp(),
                changes,
                worstReplicaSpread,
                worstLeaderSpread,
                worstMovedOverMinimum,
                bytesMoved,
                bytesMinimum,
                partitionSecondsBelowR,
                longestBelowRSeconds,
                outs,
                ins,
                flaps,
                worstP99,
                lines);
    }
}
