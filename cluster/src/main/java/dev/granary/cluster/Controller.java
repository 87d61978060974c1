package dev.granary.cluster;

import dev.granary.cluster.placement.Autoscaler;
import dev.granary.cluster.placement.Move;
import dev.granary.cluster.placement.Node;
import dev.granary.cluster.placement.PartitionMap;
import dev.granary.cluster.placement.PlacementPolicy;
import dev.granary.cluster.placement.Provisioner;
import dev.granary.storage.StorageException;
import dev.granary.storage.rocksdb.ReplicaPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.server.RaftConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out the cluster's membership, in rounds, on the node that leads partition 0 (the catalog, where the registry
 * and the partition map are): every member gets a replica of the catalog, then the object partitions' replicas move
 * towards {@link PlacementPolicy#target}, one Raft membership change per partition at a time, a few partitions at once
 * ({@link #CHANGES_AT_ONCE}, each on a thread of its own, so that a long copy does not hold the rounds).
 *
 * <p>A move of partition p from node A to node B is two changes, each committed before the map records it: B is added
 * (its server first hosts the group with no configuration, as Ratis's own tools do, so that it waits for the leader
 * instead of campaigning; the leader stages it until it caught up, from the log or from a copy of the partition), then
 * A is asked to serve the partition through the group ({@link Query#RELEASE}) and removed. A removed replica's group is
 * deleted from its node a few seconds later, once every node has read the new map. Each step is idempotent (Ratis
 * answers a configuration it already has with success), so a controller that dies midway is followed by one that reads
 * the map and goes on; the map may lag a committed change by one step, which the next step's configuration corrects.
 */
final class Controller {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    /** How long a removed replica's group stays on its node: every node reads the new map meanwhile. */
    static final long REMOVE_GROUP_AFTER_MILLIS = 3_000;

    private final RaftNode node;
    private final PlacementPolicy policy;

    Controller(RaftNode node, PlacementPolicy policy) {
        this.node = node;
        this.policy = policy;
        this.movers = java.util.concurrent.Executors.newFixedThreadPool(CHANGES_AT_ONCE, runnable -> {
            Thread thread = new Thread(runnable, "granary-moves-" + node.self().id());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * One round: nothing unless this node leads the catalog; else at most one change of the catalog's members, or
     * changes of object partitions started (and those that ended recorded in the map).
     */
    void round() throws IOException {
        boolean leading = node.leads(0);
        harvest(leading);
        if (!leading) {
            return;
        }
        ReplicaPartition catalog = node.localReplica(0);
        if (catalog == null) {
            return;
        }
        // The map first: a node that joins reaches the partitions it holds no replica of through it.
        byte[] stored = Membership.storedMap(catalog);
        PartitionMap map = Membership.map(stored);
        if (map == null) {
            node.submit(0, Membership.replaceMap(null, node.foundingMap()));
            LOG.info("partition map recorded: {}", node.foundingMap());
            return;
        }
        Map<String, Membership.Registered> registered = Membership.registered(catalog);
        List<RaftNode.Member> members = node.members();
        RaftConfiguration catalogConf = node.configuration(0);
        if (!catalogConf.getPreviousPeers().isEmpty()) {
            return; // a change of the catalog's members is under way
        }
        // The catalog's voters are a few (three; five from five nodes up); every other member follows it as a
        // listener: each node has the catalog's replica to read, and joins and deaths change the majority only among
        // the voters.
        Set<String> voters = ids(catalogConf.getCurrentPeers());
        Set<String> listeners = ids(catalogConf.getCurrentPeers(RaftPeerRole.LISTENER));
        Set<String> inCatalog = new TreeSet<>(voters);
        inCatalog.addAll(listeners);
        // A member the catalog's leader has not heard from for too long is dead: its replicas are made again on the
        // others, and it leaves the catalog's group (whose majority it no longer helps).
        long deadAfter = node.deadAfter().toMillis();
        for (Map.Entry<String, Long> silent : node.catalogSilence().entrySet()) {
            if (silent.getValue() > deadAfter && state(registered, silent.getKey()) != Node.State.DEAD) {
                LOG.warn("{} has not answered for {} ms: declared dead", silent.getKey(), silent.getValue());
                node.record(silent.getKey(), Node.State.DEAD);
                return;
            }
        }
        for (String id : inCatalog) {
            if (state(registered, id) == Node.State.DEAD) {
                LOG.info("removing the dead {} from the catalog's group", id);
                node.setPeers(0, members(voters, id), members(listeners, id));
                return;
            }
        }
        int upNodes = (int) members.stream()
                .filter(m -> state(registered, m.id()) == Node.State.UP)
                .count();
        int wantVoters = upNodes >= 5 ? 5 : 3;
        if (voters.size() < wantVoters) {
            for (String id : listeners) {
                Long silent = node.catalogSilence().get(id);
                if (state(registered, id) == Node.State.UP && silent != null && silent < ANSWERING_MILLIS) {
                    List<RaftNode.Member> promoted = members(voters, null);
                    promoted.add(node.member(id));
                    LOG.info("{} becomes a voter of the catalog's group", id);
                    node.setPeers(0, promoted, members(listeners, id));
                    return;
                }
            }
        }
        for (RaftNode.Member member : members) {
            if (!inCatalog.contains(member.id()) && state(registered, member.id()) == Node.State.UP) {
                List<RaftNode.Member> nextVoters = members(voters, null);
                List<RaftNode.Member> nextListeners = members(listeners, null);
                boolean votes = voters.size() < wantVoters;
                (votes ? nextVoters : nextListeners).add(member);
                LOG.info("adding {} to the catalog's group, as a {}", member.id(), votes ? "voter" : "listener");
                node.addReplica(0, member, nextVoters, nextListeners);
                return;
            }
        }
        // A drained node (no object replica left) leaves the catalog's group too, so that stopping it takes nothing
        // from the catalog's majority; it is then ready to stop.
        for (String id : inCatalog) {
            if (state(registered, id) == Node.State.DRAINING
                    && map.holdsNothing(id)
                    && (listeners.contains(id) || voters.size() > 1)) {
                LOG.info("{} is drained: it leaves the catalog's group", id);
                node.removeReplica(0, node.member(id), members(voters, id), members(listeners, id));
                node.removeGroupLater(0, node.member(id), REMOVE_GROUP_AFTER_MILLIS);
                return;
            }
        }
        PartitionMap target = policy.target(map, nodes(registered, members), p -> 0);
        boolean quiet = target.replicas().equals(map.replicas()) && underWay.isEmpty();
        scale(catalog, registered, members, map, inCatalog, !quiet);
        if (quiet) {
            leadOnePartition(map, registered);
            return;
        }
        step(map, target);
    }

    /** Rounds between two decisions of the autoscaler (5 s). */
    private static final int SCALE_EVERY = 10;
    /** How old a node's load report may be and still count (nodes report every 5 s). */
    private static final long FRESH_MILLIS = 20_000;
    /** Decisions kept in the catalog for the admin API. */
    private static final int KEPT_DECISIONS = 20;

    private Autoscaler autoscaler;
    private int rounds;

    /** Turns the autoscaler on (null: off). */
    synchronized void autoscale(Autoscaler.Config config) {
        this.autoscaler = config == null ? null : new Autoscaler(config);
    }

    synchronized Autoscaler.Config autoscaling() {
        return autoscaler == null ? null : autoscaler.config();
    }

    /**
     * Every {@link #SCALE_EVERY} rounds, the autoscaler's decision from the loads the up nodes reported: a scale-out
     * raises the node count recorded for the provisioner; a scale-in drains the node it names first (the provisioner
     * stops it once it is drained). A node that is up but has not reported yet, or replicas still moving, count as a
     * change in progress, which the autoscaler waits out.
     */
    private synchronized void scale(
            ReplicaPartition catalog,
            Map<String, Membership.Registered> registered,
            List<RaftNode.Member> members,
            PartitionMap map,
            Set<String> inCatalog,
            boolean changing) {
        if (autoscaler == null || ++rounds % SCALE_EVERY != 0) {
            return;
        }
        provision(catalog, registered, members, map, inCatalog);
        Map<String, Membership.Reported> reported = Membership.loads(catalog);
        long now = System.currentTimeMillis();
        List<Autoscaler.NodeLoad> loads = new ArrayList<>();
        boolean waiting = changing;
        for (RaftNode.Member member : members) {
            if (state(registered, member.id()) != Node.State.UP) {
                continue;
            }
            Membership.Reported load = reported.get(member.id());
            if (load == null || load.atMillis() < now - FRESH_MILLIS) {
                waiting = true; // a node still joining
            } else {
                loads.add(load.load());
            }
        }
        Autoscaler.Decision decision =
                drainFor(autoscaler.decide(java.time.Instant.ofEpochMilli(now), loads, waiting), loads);
        Membership.Scaling recorded = Membership.scaling(catalog);
        if (decision.action() == Autoscaler.Action.HOLD) {
            if (recorded == null && !loads.isEmpty()) {
                node.submit(0, Membership.recordScaling(new Membership.Scaling(loads.size(), List.of())));
            }
            return;
        }
        List<Autoscaler.Decision> decisions = new ArrayList<>(recorded == null ? List.of() : recorded.decisions());
        decisions.add(decision);
        while (decisions.size() > KEPT_DECISIONS) {
            decisions.remove(0);
        }
        LOG.info(
                "autoscaler: {} {} -> {} nodes{}: {}",
                decision.action(),
                decision.nodes(),
                decision.targetNodes(),
                decision.drain() == null ? "" : " (draining " + decision.drain() + ")",
                decision.reason());
        if (decision.action() == Autoscaler.Action.SCALE_IN && decision.drain() != null) {
            node.record(decision.drain(), Node.State.DRAINING);
        }
        node.submit(0, Membership.recordScaling(new Membership.Scaling(decision.targetNodes(), decisions)));
    }

    private Provisioner provisioner;
    private boolean drainHighestOrdinal;

    /**
     * Sets the provisioner the controller calls after each of the autoscaler's rounds; {@code highestOrdinal} makes a
     * scale-in drain the node whose id ends in the highest number (a StatefulSet removes that pod first).
     */
    synchronized void provisionWith(Provisioner provisioner, boolean highestOrdinal) {
        this.provisioner = provisioner;
        this.drainHighestOrdinal = highestOrdinal;
    }

    /** Closes the provisioner, if it holds anything (a Kubernetes client). */
    synchronized void closeProvisioner() {
        if (provisioner instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("closing the provisioner failed", e);
            }
        }
        provisioner = null;
    }

    /** {@code decision} with the node to drain chosen as the provisioner needs it. */
    private Autoscaler.Decision drainFor(Autoscaler.Decision decision, List<Autoscaler.NodeLoad> loads) {
        if (!drainHighestOrdinal || decision.action() != Autoscaler.Action.SCALE_IN) {
            return decision;
        }
        String highest = loads.stream()
                .map(Autoscaler.NodeLoad::node)
                .max(java.util.Comparator.comparingLong(Controller::ordinal).thenComparing(id -> id))
                .orElse(decision.drain());
        return new Autoscaler.Decision(
                decision.at(), decision.action(), decision.nodes(), decision.targetNodes(), highest, decision.reason());
    }

    private static long ordinal(String id) {
        int dash = id.lastIndexOf('-');
        try {
            return Long.parseLong(id.substring(dash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Calls the provisioner with the node count wanted, the members running and those drained. */
    private void provision(
            ReplicaPartition catalog,
            Map<String, Membership.Registered> registered,
            List<RaftNode.Member> members,
            PartitionMap map,
            Set<String> inCatalog) {
        Membership.Scaling scaling = Membership.scaling(catalog);
        if (provisioner == null || scaling == null) {
            return;
        }
        Set<String> running = new TreeSet<>();
        Set<String> drained = new TreeSet<>();
        for (RaftNode.Member member : members) {
            Node.State state = state(registered, member.id());
            if (state == Node.State.DEAD) {
                continue;
            }
            running.add(member.id());
            if (state == Node.State.DRAINING && map.holdsNothing(member.id()) && !inCatalog.contains(member.id())) {
                drained.add(member.id());
            }
        }
        try {
            provisioner.provision(scaling.targetNodes(), running, drained);
        } catch (RuntimeException e) {
            LOG.warn("the provisioner failed: {}", e.toString());
        }
    }

    /** The partition whose leadership the next quiet round looks at (round-robin). */
    private int nextLeadership;

    /**
     * Hands one partition's leadership to its preferred leader (the map's first replica) when another replica leads
     * it: the only way leaders are placed, since every replica has the same Ratis priority (see RaftNode#group). A
     * transfer waits for the replica to catch up and then moves leadership, refusing writes for that moment (the
     * proposers retry them); one to a replica that dies meanwhile times out after 3 s, and the next round tries again.
     * The catalog's leadership is left where it is.
     */
    private void leadOnePartition(PartitionMap map, Map<String, Membership.Registered> registered) {
        if (map.partitions() == 0) {
            return; // a cluster of the catalog alone
        }
        int i = nextLeadership++ % map.partitions();
        String preferred = map.preferredLeader(i);
        if (preferred == null || state(registered, preferred) != Node.State.UP) {
            return;
        }
        // Only to a node that answers now (the catalog's leader, this node, heard from it within a second and a
        // half), and not again soon after a transfer failed: a transfer holds the partition's writes until it ends,
        // and one to a node that is down ends only when it times out.
        Long silent = node.catalogSilence().get(preferred);
        boolean answering = preferred.equals(node.self().id()) || (silent != null && silent < ANSWERING_MILLIS);
        long now = System.nanoTime();
        if (!answering || now < notBefore[i]) {
            return;
        }
        PartitionStatus status = node.leaderStatus(i + 1);
        String leader = status == null ? null : status.leader();
        // Only to a replica that is caught up in this partition (a transfer to one behind - installing a copy, say -
        // holds the partition's writes until it times out) and that its leader heard from lately.
        if (leader != null && !leader.equals(preferred) && caughtUp(status, preferred)) {
            LOG.info("partition {}: handing leadership from {} to {}", i + 1, leader, preferred);
            if (!node.transferLeadership(
                    i + 1,
                    leader,
                    node.member(preferred),
                    map.replicas(i).stream().map(node::member).toList())) {
                notBefore[i] = now + TimeUnit.SECONDS.toNanos(10);
            }
        }
    }

    /** Whether {@code node} is a replica in {@code status} that is caught up with its leader and was heard from lately. */
    private static boolean caughtUp(PartitionStatus status, String node) {
        return status != null
                && status.replicas().stream()
                        .anyMatch(r -> r.node().equals(node)
                                && r.commitIndex() >= status.commitIndex() - CAUGHT_UP_ENTRIES
                                && r.lastContactMillis() >= 0
                                && r.lastContactMillis() < ANSWERING_MILLIS);
    }

    /**
     * Before the replica on {@code leaving} leaves partition {@code i + 1}'s group, and if it leads the group: hands
     * the leadership to a caught-up replica that stays (the first of {@code next} that is), and returns true. Removing
     * the leader itself would leave the group to an election, its writes held for an election timeout or more; a
     * transfer to a caught-up replica takes a round trip. One attempt: the next round removes the replica as it is.
     */
    private boolean handOffFirst(int i, String leaving, List<String> now, List<String> next) {
        if (System.nanoTime() < notBefore[i]) {
            return false;
        }
        PartitionStatus status = node.leaderStatus(i + 1);
        if (status == null || !leaving.equals(status.leader())) {
            return false;
        }
        String heir = next.stream()
                .filter(id -> !id.equals(leaving) && caughtUp(status, id))
                .findFirst()
                .orElse(null);
        if (heir == null) {
            return false;
        }
        LOG.info("partition {}: handing leadership from the leaving {} to {} first", i + 1, leaving, heir);
        // Whether it works or not, once: the next round removes the replica, a follower by then or not.
        notBefore[i] = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        node.transferLeadership(
                i + 1,
                leaving,
                node.member(heir),
                now.stream().map(node::member).toList());
        return true;
    }

    /**
     * Whether readers on other nodes hold read leases on {@code leaving}'s replica of partition {@code i + 1} (a GET of
     * a large object reads its chunks through one): the replica stays in its group until they let go, at most {@link
     * #LEASES_HOLD_A_REPLICA}. A removed replica's division closes at once, and a read through it would fail. New
     * leases are taken on the leader, which {@link #handOffFirst} moved off it first.
     */
    private boolean readersHold(int i, String leaving) {
        long open = node.leasesOn(i + 1, node.member(leaving));
        if (open == 0) {
            leasesSince.remove(i);
            return false;
        }
        long now = System.nanoTime();
        Long since = leasesSince.putIfAbsent(i, now);
        if (since == null) {
            LOG.info("partition {}: the replica on {} leaves once the {} reads through it end", i + 1, leaving, open);
            return true;
        }
        if (now - since > LEASES_HOLD_A_REPLICA.toNanos()) {
            LOG.warn(
                    "partition {}: {} read leases on {} still open after {}: it leaves",
                    i + 1,
                    open,
                    leaving,
                    LEASES_HOLD_A_REPLICA);
            leasesSince.remove(i);
            return false;
        }
        return true;
    }

    /** The longest open read leases keep a replica that is to leave in its group. */
    static final java.time.Duration LEASES_HOLD_A_REPLICA = java.time.Duration.ofMinutes(10);

    /** By partition index, since when open leases keep a leaving replica in its group. */
    private final Map<Integer, Long> leasesSince = new java.util.concurrent.ConcurrentHashMap<>();

    /** How far behind its leader's commit index a replica may be and still be handed leadership. */
    private static final long CAUGHT_UP_ENTRIES = 64;

    /** How recently the catalog's leader must have heard from a node for leadership to be handed to it. */
    private static final long ANSWERING_MILLIS = 1_500;

    /** Per object partition, when the next leadership transfer may be tried (after one failed: 10 s later). */
    private final long[] notBefore = new long[1024];

    private static List<Node> nodes(Map<String, Membership.Registered> registered, List<RaftNode.Member> members) {
        List<Node> nodes = new ArrayList<>();
        for (RaftNode.Member member : members) {
            Membership.Registered known = registered.get(member.id());
            nodes.add(new Node(member.id(), known == null ? "" : known.zone(), state(registered, member.id())));
        }
        return nodes;
    }

    /**
     * The moves between {@code map} and the placement the controller moves towards, the next one first (the policy is
     * deterministic: any node computes the same), numbered by partition.
     */
    List<Move> pendingMoves(
            PartitionMap map, Map<String, Membership.Registered> registered, List<RaftNode.Member> members) {
        PartitionMap target = policy.target(map, nodes(registered, members), p -> 0);
        List<Move> moves = new ArrayList<>();
        for (Move move : PlacementPolicy.moves(map, target, p -> 0)) {
            moves.add(new Move(move.partition() + 1, move.from(), move.to(), move.bytes()));
        }
        return moves;
    }

    /**
     * How many partitions change at once. Each change runs on a thread of its own ({@link #movers}): adding a replica
     * returns once the new replica caught up, which for a large partition takes minutes, and the controller's rounds
     * (deaths, drains, leaderships, the autoscaler) go on meanwhile. A node takes one arriving replica at a time.
     */
    static final int CHANGES_AT_ONCE = 2;

    /** The threads membership changes of object partitions run on. */
    private final java.util.concurrent.ExecutorService movers;

    /** The changes under way, by the partition's index in the map. */
    private final Map<Integer, Change> underWay = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * A change of one partition's replicas under way: from {@code now} to {@code next}, adding {@code arriving} or
     * removing {@code leaving} (neither: its preferred leader), carried out by {@code done}.
     */
    private record Change(
            int index,
            List<String> now,
            List<String> next,
            String arriving,
            String leaving,
            java.util.concurrent.Future<?> done) {}

    /** The arriving nodes of the changes under way. */
    Set<String> arriving() {
        Set<String> arriving = new TreeSet<>();
        underWay.values().forEach(c -> {
            if (c.arriving() != null) {
                arriving.add(c.arriving());
            }
        });
        return arriving;
    }

    /**
     * Records in the map each change that ended since the last round (if the map still has the replicas it started
     * from), and forgets each that failed (the next round plans it again: every change is idempotent). A node that no
     * longer leads the catalog forgets them all: the new controller finds what was committed.
     */
    private void harvest(boolean leading) {
        for (Change change : List.copyOf(underWay.values())) {
            if (!change.done().isDone()) {
                continue;
            }
            underWay.remove(change.index());
            try {
                change.done().get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn(
                        "partition {}: the change {} -> {} failed: {}",
                        change.index() + 1,
                        change.now(),
                        change.next(),
                        e.getCause().toString());
                continue;
            } catch (InterruptedException | java.util.concurrent.CancellationException e) {
                continue;
            }
            if (!leading) {
                continue;
            }
            ReplicaPartition catalog = node.localReplica(0);
            byte[] stored = catalog == null ? null : Membership.storedMap(catalog);
            PartitionMap map = Membership.map(stored);
            if (map == null || !map.replicas(change.index()).equals(change.now())) {
                continue; // the map moved on meanwhile (another controller's)
            }
            List<List<String>> replicas = new ArrayList<>(map.replicas());
            replicas.set(change.index(), change.next());
            PartitionMap recorded = new PartitionMap(map.epoch() + 1, replicas);
            try {
                node.submit(0, Membership.replaceMap(stored, recorded));
            } catch (StorageException e) {
                LOG.warn("partition map epoch {} not recorded: {}", recorded.epoch(), e.getMessage());
                continue;
            }
            if (change.leaving() != null) {
                node.removeGroupLater(change.index() + 1, node.member(change.leaving()), REMOVE_GROUP_AFTER_MILLIS);
            }
        }
    }

    /**
     * Starts changes of the partitions that differ from {@code target}, one change each, up to {@link
     * #CHANGES_AT_ONCE} under way and one arriving replica per node; the map records each once it is committed.
     */
    private void step(PartitionMap map, PartitionMap target) {
        Set<String> receiving = arriving();
        for (int i = 0; i < map.partitions() && underWay.size() < CHANGES_AT_ONCE; i++) {
            List<String> now = map.replicas(i);
            List<String> wanted = target.replicas(i);
            if (now.equals(wanted) || underWay.containsKey(i)) {
                continue;
            }
            int p = i + 1;
            String arriving =
                    wanted.stream().filter(id -> !now.contains(id)).findFirst().orElse(null);
            if (arriving != null && receiving.contains(arriving)) {
                continue; // one replica arrives on a node at a time
            }
            String leaving = arriving != null
                    ? null
                    : now.stream()
                            .filter(id -> !wanted.contains(id))
                            .findFirst()
                            .orElse(null);
            List<String> next = new ArrayList<>(now);
            if (arriving != null) {
                next.add(arriving);
            } else if (leaving != null) {
                if (handOffFirst(i, leaving, now, next)) {
                    continue; // the next round removes it, a follower by then
                }
                if (readersHold(i, leaving)) {
                    continue; // GETs reading through leases on it end first
                }
                next.remove(leaving);
            }
            next = ordered(next, wanted);
            List<RaftNode.Member> peers = next.stream().map(node::member).toList();
            List<String> from = now;
            List<String> to = next;
            Runnable change;
            if (arriving != null) {
                LOG.info("partition {}: adding a replica on {} ({} -> {})", p, arriving, from, to);
                change = () -> unchecked(() -> node.addReplica(p, node.member(arriving), peers));
                receiving.add(arriving);
            } else if (leaving != null) {
                LOG.info("partition {}: removing the replica on {} ({} -> {})", p, leaving, from, to);
                change = () -> unchecked(() -> node.removeReplica(p, node.member(leaving), peers));
            } else {
                LOG.info("partition {}: preferred leader {} ({} -> {})", p, to.get(0), from, to);
                change = () -> unchecked(() -> node.setPeers(p, peers));
            }
            underWay.put(i, new Change(i, from, to, arriving, leaving, movers.submit(change)));
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void unchecked(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops the changes under way (their Raft calls end; every change is idempotent, a later controller redoes it). */
    void close() {
        movers.shutdownNow();
    }

    /** {@code next} with the replicas {@code wanted} names first, in its order (its first is the preferred leader). */
    private static List<String> ordered(List<String> next, List<String> wanted) {
        List<String> ordered = new ArrayList<>();
        for (String id : wanted) {
            if (next.contains(id)) {
                ordered.add(id);
            }
        }
        for (String id : next) {
            if (!ordered.contains(id)) {
                ordered.add(id);
            }
        }
        return ordered;
    }

    private static Node.State state(Map<String, Membership.Registered> registered, String id) {
        Membership.Registered known = registered.get(id);
        return known == null ? Node.State.UP : known.state();
    }

    /** The members named in {@code ids} but {@code without} (null: all of them). */
    private List<RaftNode.Member> members(Set<String> ids, String without) {
        List<RaftNode.Member> members = new ArrayList<>();
        for (String id : ids) {
            if (!id.equals(without)) {
                members.add(node.member(id));
            }
        }
        return members;
    }

    private static Set<String> ids(java.util.Collection<RaftPeer> peers) {
        Set<String> ids = new TreeSet<>();
        peers.forEach(peer -> ids.add(peer.getId().toString()));
        return ids;
    }
}
