package dev.granary.cluster;

import dev.granary.cluster.placement.Node;
import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandCodec;
import dev.granary.storage.command.CommandResult;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RemotePartitions;
import dev.granary.storage.rocksdb.ReplicaHost;
import dev.granary.storage.rocksdb.ReplicaPartition;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.client.retry.RequestTypeDependentRetryPolicy;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.proto.RaftProtos.RaftClientRequestProto;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientAsynchronousProtocol;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.StateMachineException;
import org.apache.ratis.protocol.exceptions.TransferLeadershipException;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a cluster: a Ratis server hosting one Raft group per partition it holds a replica of, each group's
 * state machine a {@link PartitionStateMachine} over this node's {@link ReplicaHost}; and the clients through which
 * this node proposes commands to any partition's group, wherever its leader is.
 *
 * <p>Placement in this slice is fixed by the member list: partition {@code p}'s replicas are the members at
 * positions {@code p, p+1, …, p+R-1} (mod N) of the list ordered by id, so every node computes the same groups
 * without asking anyone. Membership changes (join, drain) replace it with a replicated partition map later.
 *
 * <p>Raft data lives in {@code <data>/raft} (one folder per group, reopened on restart), the partitions' databases
 * in {@code <data>/partitions/NNN}, as a standalone node lays them out.
 */
public final class RaftNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RaftNode.class);

    /** A member of the cluster: its id (stable across restarts) and the address its Raft server listens on. */
    public record Member(String id, String host, int port) {
        public Member {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(host, "host");
            if (id.isEmpty() || port <= 0 || port > 65535) {
                throw new IllegalArgumentException("bad member " + id + " at " + host + ":" + port);
            }
        }

        RaftPeer peer(int priority) {
            return RaftPeer.newBuilder()
                    .setId(RaftPeerId.valueOf(id))
                    .setAddress(host + ":" + port)
                    .setPriority(priority)
                    .build();
        }

        /** This member as a listener of a group: it follows the log and applies it, and does not vote. */
        RaftPeer listener() {
            return RaftPeer.newBuilder()
                    .setId(RaftPeerId.valueOf(id))
                    .setAddress(host + ":" + port)
                    .setStartupRole(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)
                    .build();
        }
    }

    /**
     * How the cluster is laid out and how patient its Raft timers are.
     *
     * @param clusterName names the cluster's groups (two clusters on one network never mix)
     * @param partitions the partition count, fixed for the cluster's life
     * @param replicas replicas per partition (fewer while there are fewer members)
     * @param electionTimeout the shortest election timeout; the longest is twice it. A loaded 2-core machine needs
     *     seconds: a JVM pause longer than it costs an election
     * @param requestTimeout how long a proposal waits for its commit before the client retries it
     * @param snapshotEvery entries between automatic snapshots (flushes that let the log be purged)
     * @param secret the cluster's shared secret, from which its nodes' mutual TLS derives ({@link ClusterTls})
     */
    public record Settings(
            String clusterName,
            int partitions,
            int replicas,
            Duration electionTimeout,
            Duration requestTimeout,
            long snapshotEvery,
            String secret) {
        public Settings {
            Objects.requireNonNull(clusterName, "clusterName");
            Objects.requireNonNull(secret, "secret");
            if (partitions < 1 || replicas < 1 || snapshotEvery < 1) {
                throw new IllegalArgumentException("partitions, replicas and snapshotEvery must be positive");
            }
        }

        /**
         * Defaults for a cluster named {@code clusterName}: 3 replicas, elections after 1.5-3 s without a leader, a
         * snapshot every 20,000 entries. A JVM stalled past 1.5 s (a loaded machine) costs an election, not data.
         */
        public static Settings defaults(String clusterName, int partitions, String secret) {
            return new Settings(
                    clusterName, partitions, 3, Duration.ofMillis(1500), Duration.ofSeconds(10), 20_000, secret);
        }

        /** These settings with {@code count} replicas per partition. */
        public Settings withReplicas(int count) {
            return new Settings(clusterName, partitions, count, electionTimeout, requestTimeout, snapshotEvery, secret);
        }

        /** These settings with another secret. */
        public Settings withSecret(String other) {
            return new Settings(
                    clusterName, partitions, replicas, electionTimeout, requestTimeout, snapshotEvery, other);
        }

        @Override
        public String toString() {
            return "Settings[" + clusterName + ", " + partitions + " partitions, " + replicas + " replicas]";
        }
    }

    /** Between a client's attempts: while a group elects a leader, and to find the new one after. */
    private static final long RETRY_SLEEP_MILLIS = 100;
    /**
     * How long a command or a read barrier waits for its partition's leader before it fails as
     * {@link StorageException.Reason#UNAVAILABLE}: an election takes 1.5-3 s, so only a node cut off from a majority,
     * or a partition with most of its replicas down, waits this long.
     */
    private static final Duration UNAVAILABLE_AFTER = Duration.ofSeconds(15);
    /** How long one attempt of a Raft client waits for its answer before it tries again. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(3);
    /** How long one attempt of a read barrier waits before it asks again. */
    private static final Duration READ_ATTEMPT = Duration.ofSeconds(2);

    private final Member self;
    /** The founding members (a node that joined: the members it was told to join through). */
    private final List<Member> founders;
    /** Members that joined a running cluster, as partition 0's registry says ({@link Membership}), by id. */
    private final Map<String, Member> joined = new ConcurrentHashMap<>();

    private final Settings settings;
    private final ReplicaHost host;
    private final RaftServer server;
    /** Each partition's group as this node knows it (peers from its own replica's or the partition map's). */
    private final Map<Integer, RaftGroup> groups = new ConcurrentHashMap<>();
    /** Which partition each group is (group ids derive from the cluster's name and the partition number). */
    private final Map<RaftGroupId, Integer> partitionOfGroup = new ConcurrentHashMap<>();
    /** Whether this node started by joining a running cluster ({@link #join}) rather than as a founding member. */
    private volatile boolean joining;
    /** The store over this node's replicas, once {@link #openStore} opened it. */
    private volatile RocksObjectStore store;

    private final Elsewhere elsewhere = new Elsewhere();
    /**
     * Replicas whose groups removed this node while it ran: served no more, kept open while requests under way read them
     * (leases), then deleted from disk by the next membership round ({@link #deleteRetiredUnread}), when their
     * partition is opened here again, or at the node's stop or next start.
     */
    private final Map<Integer, ReplicaPartition> retired = new ConcurrentHashMap<>();
    /** Partitions whose replica here was asked to leave ({@link Query#RELEASE}): served through their groups. */
    private final Set<Integer> released = ConcurrentHashMap.newKeySet();

    private volatile boolean closing;
    /** The epoch of the partition map this node's groups were last set from. */
    private volatile long mapEpoch = -1;
    /** Refreshes the groups from the map, and runs the controller's rounds while this node leads partition 0. */
    private final java.util.concurrent.ScheduledExecutorService membership;

    private final Controller controller;

    private final Map<Integer, PartitionStateMachine> hosted = new ConcurrentHashMap<>();
    /** See {@link #division}. */
    private final Map<Integer, RaftServer.Division> divisions = new ConcurrentHashMap<>();
    /** See {@link #leadsAlone}. */
    private final Map<Integer, Alone> alone = new ConcurrentHashMap<>();

    private final Map<Integer, RaftClient> clients = new ConcurrentHashMap<>();
    /** Clients of {@link #status}: few retries, so that a question nobody answers ends soon. */
    private final Map<Integer, RaftClient> statusClients = new ConcurrentHashMap<>();
    /** Threads that ask leaders for {@link #status} (at most one per partition at a time) and retry read barriers. */
    private final java.util.concurrent.ExecutorService statusAsking;
    /** This node's clients' ids: entries they proposed keep their outcome for the proposer here. */
    private final Map<ClientId, Integer> clientIds = new ConcurrentHashMap<>();

    private final RaftProperties clientProperties;
    private final Parameters parameters;
    private final ClientId adminClient = ClientId.randomId();
    /** The client id of this node's in-process reads ({@link #localRead}). */
    private final ClientId localReader = ClientId.randomId();
    /** The client id of the commands this node proposes to the groups it leads ({@link #proposeHere}). */
    private final ClientId localWriter = ClientId.randomId();

    private final AtomicLong callIds = new AtomicLong();

    private RaftNode(Member self, List<Member> founders, Path dataDir, Settings settings, boolean joining)
            throws IOException {
        this.self = self;
        this.dataDir = dataDir;
        this.founders = founders;
        this.settings = settings;
        this.joining = joining;
        for (int p = 0; p < settings.partitions(); p++) {
            partitionOfGroup.put(groupId(settings.clusterName(), p), p);
            // A joining node knows the catalog's group through the members it joins; the others' from the map.
            if (p == 0 || !joining) {
                List<Member> replicas = p == 0 ? founders : placement(founders, p, settings.replicas());
                groups.put(p, group(settings.clusterName(), p, replicas));
            }
        }
        this.parameters =
                tlsParameters(ClusterTls.create(settings.clusterName(), settings.secret(), self.id(), self.host()));
        this.host = ReplicaHost.open(dataDir);
        RaftProperties properties = serverProperties(dataDir, self, settings);
        // Only a cluster of one node that keeps one replica stays without followers: one that keeps more gets them as
        // nodes join.
        boolean alone = !joining && founders.size() == 1 && settings.replicas() == 1;
        // A leader appends an entry of Ratis's own each time its commit index moves: about one per proposal under
        // load, each written, synced and applied like a command. It is also how followers learn of a commit
        // promptly (Ratis 3.3.0 sends a follower whose commit index is behind no request without entries until the
        // next heartbeat, 500 ms later: without them a write through a follower waited that long to be applied
        // there). Groups of one member have no followers: there they are only cost (R=1 4 KiB PUT, five alternating
        // rounds: 2,632 -> 3,328 ops/s, CPU per PUT 677 -> 550 us).
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, !alone);
        this.server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setProperties(properties)
                .setParameters(parameters)
                .setStateMachineRegistry(this::stateMachine)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        this.clientProperties = clientProperties(settings);
        clientIds.put(localWriter, -1);
        this.statusAsking =
                java.util.concurrent.Executors.newFixedThreadPool(Math.min(8, settings.partitions()), runnable -> {
                    Thread thread = new Thread(runnable, "granary-status-" + self.id());
                    thread.setDaemon(true);
                    return thread;
                });
        this.membership = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "granary-membership-" + self.id());
            thread.setDaemon(true);
            return thread;
        });
        this.controller = new Controller(this, new dev.granary.cluster.placement.PlacementPolicy(settings.replicas()));
    }

    /**
     * Starts this node's Raft server and joins (or, on a restart, reopens) the group of every partition it holds a
     * replica of. Returns once the groups exist locally; leaders are elected in the background.
     *
     * @param self this node, one of {@code members}
     * @param members every member of the cluster, this node included
     * @param dataDir this node's data folder
     */
    public static RaftNode start(Member self, List<Member> members, Path dataDir, Settings settings)
            throws IOException {
        List<Member> sorted = sortedMembers(members);
        if (!sorted.contains(self)) {
            throw new IllegalArgumentException(self + " is not one of the members " + members);
        }
        boolean created = ClusterManifest.check(dataDir, self.id(), sorted, settings, false);
        return started(new RaftNode(self, List.copyOf(sorted), dataDir, settings, false), created);
    }

    /**
     * Starts a node that joins the running cluster of {@code members} (any of its members; they need not all be up):
     * it registers itself in the cluster's catalog, whose controller then adds it to the catalog's group and moves
     * replicas to it. Started again later (a restart), it reopens the groups it holds, as any node does.
     *
     * @param self this node, not one of {@code members}
     */
    public static RaftNode join(Member self, List<Member> members, Path dataDir, Settings settings) throws IOException {
        return join(self, "", members, dataDir, settings);
    }

    /** As {@link #join(Member, List, Path, Settings)}, for a node labelled with {@code zone} ({@link #zone(String)}). */
    public static RaftNode join(Member self, String zone, List<Member> members, Path dataDir, Settings settings)
            throws IOException {
        List<Member> sorted = sortedMembers(members);
        if (sorted.stream().anyMatch(m -> m.id().equals(self.id()))) {
            throw new IllegalArgumentException(self.id() + " is a founding member: start it with start, not join");
        }
        ClusterManifest.check(dataDir, self.id(), sorted, settings, true);
        RaftNode node = started(new RaftNode(self, List.copyOf(sorted), dataDir, settings, true), false);
        try {
            node.zone(zone);
            if (node.localReplica(0) == null) {
                node.submit(0, Membership.register(new Membership.Registered(self, node.zone, Node.State.UP)));
                LOG.info("node {} registered with the cluster of {}", self.id(), sorted);
            }
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private static List<Member> sortedMembers(List<Member> members) {
        List<Member> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.comparing(Member::id));
        if (sorted.stream().map(Member::id).distinct().count() != sorted.size()) {
            throw new IllegalArgumentException("member ids repeat: " + members);
        }
        return sorted;
    }

    /**
     * Starts {@code node}'s server (reopening the groups in its folder), joins the groups of the founding placement when
     * its folder was {@code created} just now, and starts its membership rounds.
     */
    private static RaftNode started(RaftNode node, boolean created) throws IOException {
        try {
            node.server.start();
            if (created) {
                node.joinGroups();
            }
            node.leaveGroupsThatLeftThisNode();
            if (!created) {
                node.rejoinIfMarked();
                if (!node.joining) {
                    var checking = node.membership.submit(node::checkMembership);
                    LOG.debug("checking in the background that the cluster still counts on this node: {}", checking);
                }
            }
            var unused = node.membership.scheduleWithFixedDelay(node::membershipRound, 500, 500, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** The partition count {@code dataDir} was made with as a node of a cluster, if it was. */
    public static java.util.OptionalInt storedPartitions(Path dataDir) throws IOException {
        return ClusterManifest.storedPartitions(dataDir);
    }

    private void joinGroups() throws IOException {
        Set<RaftGroupId> present = new HashSet<>();
        server.getGroupIds().forEach(present::add);
        for (Map.Entry<Integer, RaftGroup> entry : groups.entrySet()) {
            RaftGroup group = entry.getValue();
            boolean member =
                    group.getPeers().stream().anyMatch(p -> p.getId().toString().equals(self.id()));
            if (!member || present.contains(group.getGroupId())) {
                continue;
            }
            RaftClientReply reply = server.groupManagement(GroupManagementRequest.newAdd(
                    adminClient, RaftPeerId.valueOf(self.id()), callIds.incrementAndGet(), group, true));
            if (!reply.isSuccess()) {
                throw new IOException(
                        "cannot join the group of partition " + entry.getKey() + ": " + reply.getException());
            }
        }
    }

    /**
     * The state machine of a group this node is asked to host: a group reopened at start, one of the founding placement,
     * or one the controller adds (a replica moving here). A replica of the same partition this node gave away earlier
     * is closed first: the new one starts from an empty folder.
     */
    private PartitionStateMachine stateMachine(RaftGroupId groupId) {
        Integer partition = partitionOfGroup.get(groupId);
        if (partition == null) {
            throw new IllegalStateException(
                    "group " + groupId + " is not a partition of cluster " + settings.clusterName());
        }
        // Ratis adds a group only where it is not hosted: a replica of the partition this node gave away earlier is
        // stale, and the new one starts empty (its folders are deleted as it opens).
        synchronized (retired) {
            ReplicaPartition old = retired.remove(partition);
            if (old != null) {
                old.close();
                host.retire(partition);
            }
        }
        released.remove(partition);
        divisions.remove(partition);
        alone.remove(partition);
        PartitionStateMachine machine =
                new PartitionStateMachine(partition, host, clientIds::containsKey, new Departing(), pacer);
        machine.answerProgressWith(p -> {
            PartitionStateMachine asked = hosted.get(p);
            return asked == null ? PartitionStateMachine.NO_PROGRESS : asked.progress();
        });
        hosted.put(partition, machine);
        return machine;
    }

    /** How this node lets replicas go: see {@link PartitionStateMachine.Departures}. */
    private final class Departing implements PartitionStateMachine.Departures {
        @Override
        public void release(int partition) {
            // Partition 0 is released when a drained node leaves the catalog's group: it then reads the catalog
            // through the group (its caches keep what they had), and is about to stop.
            synchronized (serving) {
                released.add(partition);
                RocksObjectStore open = store;
                if (open != null && open.holds(partition)) {
                    host.release(open, partition, elsewhere);
                    LOG.info("partition {}: served through its group from now on (this replica is leaving)", partition);
                }
            }
        }

        @Override
        public boolean keep(int partition, PartitionStateMachine machine, ReplicaPartition replica) {
            hosted.remove(partition, machine);
            divisions.remove(partition);
            alone.remove(partition);
            if (closing || !released.contains(partition)) {
                return false;
            }
            // The group let this replica go: nothing is served from it any more, but requests that took it before
            // may still read it.
            retired.put(partition, replica);
            LOG.info("partition {}: this node's replica left the group", partition);
            return true;
        }
    }

    /** The file in a node's data folder that makes its next start empty it and join again ({@link #checkMembership}). */
    static final String REJOIN = "REJOIN";

    private final Path dataDir;
    private volatile Runnable onEvicted = () -> {};
    private volatile boolean evicted;

    /**
     * Sets what runs when this node learns it was declared dead, or drained out of the cluster, while it was away (the
     * process should stop: its next start empties it and joins again).
     */
    public void onEvicted(Runnable action) {
        this.onEvicted = Objects.requireNonNull(action, "action");
    }

    /** Whether this node learned it was declared dead or drained out while it was away ({@link #onEvicted}). */
    public boolean evicted() {
        return evicted;
    }

    /**
     * A node marked to rejoin (it learned, last time it ran, that the cluster had declared it dead or drained it out
     * while it was away, and its replicas were made again elsewhere) is not trusted with what it holds: every group it
     * hosts is removed, its replicas deleted, and it registers again, empty, as a node that joins.
     */
    private void rejoinIfMarked() throws IOException {
        Path marker = dataDir.resolve(REJOIN);
        if (!java.nio.file.Files.exists(marker)) {
            return;
        }
        LOG.warn("node {} was evicted from the cluster while it was away: emptying it and joining again", self.id());
        for (RaftGroupId id : server.getGroupIds()) {
            Integer p = partitionOfGroup.get(id);
            if (p != null) {
                removeGroupHere(p);
                deleteRetired(p);
            }
        }
        for (int p = 1; p < settings.partitions(); p++) {
            groups.remove(p);
        }
        joining = true;
        submit(0, Membership.register(new Membership.Registered(self, zone, Node.State.UP)));
        java.nio.file.Files.delete(marker);
    }

    /**
     * Asks the catalog's leader, once it answers, whether the cluster declared this node dead (or drained it out of
     * the catalog) while it was away: if it did, the node marks its folder to rejoin ({@link #REJOIN}) and calls
     * {@link #onEvicted}. Its replicas are stale meanwhile, and out of their groups: reads of them wait for entries that
     * never come and fail, rather than answer stale data. In the background, asked every 2 s until answered: a node
     * started while the others are down starts at once.
     */
    private void checkMembership() {
        if (closing || evicted) {
            return;
        }
        Membership.Registered record;
        try {
            byte[] value =
                    elsewhere.get(0, "system", (Membership.NODES + self.id()).getBytes(StandardCharsets.UTF_8), null);
            record = value == null ? null : Membership.Registered.decode(self.id(), value);
        } catch (RuntimeException e) {
            if (!closing) {
                var unused = membership.schedule(this::checkMembership, 2, TimeUnit.SECONDS);
            }
            return;
        }
        boolean drainedAway = record != null && record.state() == Node.State.DRAINING && !hostsGroup(0);
        if (record == null || (record.state() != Node.State.DEAD && !drainedAway)) {
            return;
        }
        try {
            java.nio.file.Files.write(dataDir.resolve(REJOIN), new byte[0]);
        } catch (IOException e) {
            LOG.error("cannot mark this node to rejoin", e);
        }
        evicted = true;
        LOG.error(
                "node {} was {} while it was away: it stops, and empties itself and joins again when started",
                self.id(),
                drainedAway ? "drained out of the cluster" : "declared dead");
        onEvicted.run();
    }

    /**
     * How long each member has not answered the catalog's leader (this node), by id; empty when this node does not
     * lead the catalog.
     */
    Map<String, Long> catalogSilence() {
        Map<String, Long> silence = new TreeMap<>();
        try {
            org.apache.ratis.proto.RaftProtos.RoleInfoProto role =
                    division(0).getInfo().getRoleInfoProto();
            if (role.hasLeaderInfo()) {
                for (org.apache.ratis.proto.RaftProtos.ServerRpcProto follower :
                        role.getLeaderInfo().getFollowerInfoList()) {
                    silence.put(follower.getId().getId().toStringUtf8(), follower.getLastRpcElapsedTimeMs());
                }
            }
        } catch (IOException e) {
            LOG.debug("no catalog division: {}", e.toString());
        }
        return silence;
    }

    /** The bound on the bandwidth of copies arriving on this node ({@link #moveBandwidth}). */
    private final CopyPacer pacer = new CopyPacer(DEFAULT_MOVE_BANDWIDTH);

    /** The default bound on copies arriving on a node: 64 MiB/s, a 1 GiB replica in 16 s at most. */
    public static final long DEFAULT_MOVE_BANDWIDTH = 64L << 20;

    /**
     * Bounds the bandwidth at which copies of partitions (a replica moving here, or one catching up from a copy) arrive
     * on this node, all partitions together ({@link CopyPacer}); 0 for no bound. Default {@link
     * #DEFAULT_MOVE_BANDWIDTH}.
     */
    public RaftNode moveBandwidth(long bytesPerSecond) {
        pacer.bound(bytesPerSecond);
        return this;
    }

    /** How long a member may not answer before the controller declares it dead ({@link #deadAfter(Duration)}). */
    private volatile Duration deadAfter = Duration.ofMinutes(1);

    /**
     * Sets how long a member may not answer the catalog's leader before the controller declares it dead and makes its
     * replicas again on the others (default a minute). Shorter finds a dead node sooner; a node merely paused or cut
     * off that long is emptied when it returns.
     */
    public RaftNode deadAfter(Duration after) {
        if (after.isNegative() || after.isZero()) {
            throw new IllegalArgumentException("dead-after must be positive: " + after);
        }
        this.deadAfter = after;
        return this;
    }

    Duration deadAfter() {
        return deadAfter;
    }

    /** This node's zone label ({@link #zone(String)}), "" for none. */
    private volatile String zone = "";

    /**
     * Labels this node with a zone (a rack, a data centre, an availability zone; "" for none): the placement policy
     * puts the replicas of a partition on distinct zones where the labels allow. Recorded in the catalog's registry
     * by the next membership round.
     */
    public RaftNode zone(String label) {
        String trimmed = Objects.requireNonNull(label, "label").strip();
        if (trimmed.contains("\n")) {
            throw new IllegalArgumentException("a zone is one line: " + label);
        }
        this.zone = trimmed;
        return this;
    }

    /** Records this node's zone in the registry when the registry has another (a node unregistered counts as ""). */
    private void registerZone(Map<String, Membership.Registered> registered) {
        Membership.Registered known = registered.get(self.id());
        String recorded = known == null ? "" : known.zone();
        if (!recorded.equals(zone)) {
            submit(
                    0,
                    Membership.register(
                            new Membership.Registered(self, zone, known == null ? Node.State.UP : known.state())));
            LOG.info("node {} recorded in zone '{}'", self.id(), zone);
        }
    }

    /** Records member {@code id} in the registry with {@code state}. */
    void record(String id, Node.State state) {
        ReplicaPartition catalog = localReplica(0);
        Membership.Registered known =
                catalog == null ? null : Membership.registered(catalog).get(id);
        submit(0, Membership.register(new Membership.Registered(member(id), known == null ? "" : known.zone(), state)));
    }

    /**
     * Removes the groups this node's server reopened whose configuration no longer has this node (it was removed
     * while it was down, or stopped before it left): their replicas are stale, and must not be served.
     */
    private void leaveGroupsThatLeftThisNode() throws IOException {
        for (RaftGroupId id : server.getGroupIds()) {
            Integer p = partitionOfGroup.get(id);
            if (p == null) {
                continue;
            }
            RaftServer.Division division = server.getDivision(id);
            org.apache.ratis.server.RaftConfiguration conf = division.getRaftConf();
            RaftPeerId me = RaftPeerId.valueOf(self.id());
            boolean member = conf.getPeer(
                            me,
                            org.apache.ratis.proto.RaftProtos.RaftPeerRole.FOLLOWER,
                            org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)
                    != null;
            if (!member && !conf.getCurrentPeers().isEmpty()) {
                LOG.warn("partition {}: this node is no longer in its group ({}): leaving it", p, conf);
                removeGroupHere(p);
            }
        }
    }

    /** Removes partition {@code p}'s group from this node's server, deleting its log and its replica. */
    void removeGroupHere(int p) throws IOException {
        released.add(p);
        RaftClientReply reply;
        try {
            reply = server.groupManagement(GroupManagementRequest.newRemove(
                    adminClient, RaftPeerId.valueOf(self.id()), callIds.incrementAndGet(), groupId(p), true, false));
        } catch (org.apache.ratis.protocol.exceptions.GroupMismatchException e) {
            return; // gone already
        }
        if (!reply.isSuccess()) {
            throw new IOException("cannot leave the group of partition " + p + ": " + reply.getException());
        }
    }

    /**
     * The members holding partition {@code p}'s replicas: {@code replicas} consecutive ones from position p. (Partition
     * 0, the catalog, is on every member instead: see the constructor.)
     */
    static List<Member> placement(List<Member> sortedMembers, int p, int replicas) {
        int n = sortedMembers.size();
        List<Member> chosen = new ArrayList<>();
        for (int i = 0; i < Math.min(replicas, n); i++) {
            chosen.add(sortedMembers.get((p + i) % n));
        }
        return chosen;
    }

    private static RaftGroupId groupId(String clusterName, int p) {
        return RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("granary/" + clusterName + "/partition/" + p).getBytes(StandardCharsets.UTF_8)));
    }

    RaftGroupId groupId(int p) {
        return groupId(settings.clusterName(), p);
    }

    private static RaftGroup group(String clusterName, int p, List<Member> replicas) {
        // Every replica has the same priority. The first is the preferred leader, and the controller hands leadership
        // to it (Controller#leadOnePartition). A higher Ratis priority would make a leader yield to that replica by
        // itself whenever it finds it caught up, by its match index alone: a preferred replica that died caught up,
        // on an idle partition, then kept the leader handing over to it, refusing every request, for good.
        return RaftGroup.valueOf(groupId(clusterName, p), peers(replicas));
    }

    private static RaftProperties serverProperties(Path dataDir, Member self, Settings settings) {
        RaftProperties properties = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(
                properties, List.of(dataDir.resolve("raft").toFile()));
        // Groups a node leaves go here rather than under /tmp (Ratis's default).
        RaftServerConfigKeys.setRemovedGroupsDir(
                properties, dataDir.resolve("raft-removed").toFile());
        GrpcConfigKeys.Server.setHost(properties, self.host());
        GrpcConfigKeys.Server.setPort(properties, self.port());
        // Heartbeats on the append stream, not a channel of their own: with the separate channel (Ratis 3.3.0's
        // default),
        // a follower cut off by a network partition and healed could be left with a leader that believed it had
        // matched entries it did not hold, sending it heartbeats it refused as inconsistent, forever: its reads timed
        // out long after the heal (NetworkPartitionIT, 3 runs in 4; none in 5 with one stream, whose order heartbeats
        // keep).
        GrpcConfigKeys.Server.setHeartbeatChannel(properties, false);
        long election = settings.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(election, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2 * election, TimeUnit.MILLISECONDS));
        // The first election after a start need not wait a whole timeout (Ratis's default): a node that finds a
        // leader already there loses its pre-vote and disturbs nothing, and a cluster starting up elects its leaders
        // a second sooner.
        long first = Math.max(100, election / 5);
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(
                properties, TimeDuration.valueOf(first, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
                properties, TimeDuration.valueOf(2 * first, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(
                properties, TimeDuration.valueOf(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
        // A replica behind a purged log gets the leader's newest copy of the partition (PartitionStateMachine) in
        // chunks over the servers' own connections. Every server must agree on this, or followers answer
        // CONF_MISMATCH.
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(properties, true);
        RaftServerConfigKeys.Log.Appender.setSnapshotChunkSizeMax(properties, SizeInBytes.valueOf(4L << 20));
        // Two chunks in flight, each answered within 2.5 s: Ratis 3.3.0 gives up on a transfer only when the stream
        // times out, after (timeout x chunks in flight), so a transfer that failed at once (the follower still down)
        // held the leader's appender for that follower 24 s with the defaults (3 s x 8).
        GrpcConfigKeys.Server.setInstallSnapshotRequestElementLimit(properties, 2);
        GrpcConfigKeys.Server.setInstallSnapshotRequestTimeout(
                properties, TimeDuration.valueOf(2500, TimeUnit.MILLISECONDS));
        // A leader retries a follower that does not answer after 1 ms (10 times), then every 100 ms (50 times), then
        // every 500 ms. Ratis's default backs off to 5 s after 30 failures: a node down for 10 s was then contacted
        // again only seconds after it came back, and every error during its catch-up cost 5 s more (measured:
        // 20-24 s until a restarted node was ready).
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "1ms,10, 100ms,50, 500ms,100000000");
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, settings.snapshotEvery());
        // No snapshot as a division stops or leaves: the replica's database is durable and a start makes the copy it
        // needs (PartitionStateMachine.open). And a snapshot that fails there makes Ratis 3.3.0's updater retry it in a
        // loop, on a core, for as long as the process lives (its stop waits for that loop).
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(properties, false);
        RaftServerConfigKeys.Snapshot.setTriggerWhenRemoveEnabled(properties, false);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        // Keep a tail of the log past the snapshot, so that a replica that was down briefly catches up from it rather
        // than from a copy of the whole partition.
        RaftServerConfigKeys.Log.setPurgePreservationLogNum(properties, settings.snapshotEvery());
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, settings.snapshotEvery()));
        // Ratis purges whole closed segments: one holds about a snapshot interval of small entries (1 KiB each, at
        // most 16 MiB), so that the log shrinks after each snapshot rather than after sixteen of them.
        RaftServerConfigKeys.Log.setSegmentSizeMax(
                properties,
                SizeInBytes.valueOf(Math.max(16L << 10, Math.min(16L << 20, settings.snapshotEvery() << 10))));
        RaftServerConfigKeys.Log.setSegmentCacheNumMax(properties, 2);
        // Each group's log worker holds a write buffer: the smallest Ratis accepts for 4 MB entries.
        RaftServerConfigKeys.Log.setWriteBufferSize(properties, SizeInBytes.valueOf((4L << 20) + 8));
        // Bodies' chunks travel beside the log (PartitionStateMachine.write/read): the log's cache keeps entries
        // without their bytes, which the state machine supplies for followers from the pending proposal or the data
        // file, as Ozone's datanodes do. A disk that stops answering fails a write after 6 x 10 s instead of
        // stalling the log for good.
        RaftServerConfigKeys.Log.StateMachineData.setCachingEnabled(properties, true);
        RaftServerConfigKeys.Log.StateMachineData.setSync(properties, true);
        RaftServerConfigKeys.Log.StateMachineData.setSyncTimeout(
                properties, TimeDuration.valueOf(10, TimeUnit.SECONDS));
        RaftServerConfigKeys.Log.StateMachineData.setSyncTimeoutRetry(properties, 6);
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        // A leader that heard from a majority within (0.9 of) the shortest election timeout answers a linearizable
        // read at once, without a round of heartbeats: no other leader can have been elected meanwhile, as long as
        // the nodes' clocks run at about the same rate.
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, true);
        return properties;
    }

    /** Every gRPC channel of Ratis (server, the clients, the admin clients) uses the cluster's mutual TLS. */
    private static Parameters tlsParameters(ClusterTls tls) {
        Parameters parameters = new Parameters();
        GrpcConfigKeys.TLS.setConf(parameters, tls.grpc());
        GrpcConfigKeys.Server.setTlsConf(parameters, tls.grpc());
        GrpcConfigKeys.Client.setTlsConf(parameters, tls.grpc());
        GrpcConfigKeys.Admin.setTlsConf(parameters, tls.grpc());
        return parameters;
    }

    private static RaftProperties clientProperties(Settings settings) {
        RaftProperties properties = new RaftProperties();
        RaftClientConfigKeys.Rpc.setRequestTimeout(
                properties,
                TimeDuration.valueOf(
                        Math.min(settings.requestTimeout().toMillis(), ATTEMPT_TIMEOUT.toMillis()),
                        TimeUnit.MILLISECONDS));
        return properties;
    }

    /** Partition {@code p}'s group as this node knows it. */
    private RaftGroup knownGroup(int p) {
        RaftGroup group = groups.get(p);
        ReplicaPartition catalog = group == null ? localReplica(0) : null;
        if (catalog != null) {
            refreshGroups(Membership.map(Membership.storedMap(catalog)));
            serveGainedReplicas();
            group = groups.get(p);
        }
        if (group == null) {
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    "partition " + p + ": this node has not learned where its replicas are yet");
        }
        return group;
    }

    private RaftClient client(int partition) {
        RaftClient known = clients.get(partition);
        if (known != null) {
            return known;
        }
        RaftGroup group = knownGroup(partition); // outside the map's update: it may refresh the groups
        return clients.computeIfAbsent(partition, p -> {
            ClientId id = ClientId.randomId();
            clientIds.put(id, p);
            return RaftClient.newBuilder()
                    .setClientId(id)
                    .setRaftGroup(group)
                    .setProperties(clientProperties)
                    .setParameters(parameters)
                    // Bounded in time: Ratis's default retries forever without sleeping. Long enough to ride out an
                    // election; then the request fails (503) instead of hanging on a node cut off from a majority.
                    .setRetryPolicy(retryPolicy())
                    .build();
        });
    }

    /**
     * Clients of replicas that left their partition's group but still answer reads through the leases held on them
     * (a leaving node keeps its group while they are open: {@link #removeGroupLater}), by partition and node.
     */
    private final Map<String, RaftClient> leftClients = new ConcurrentHashMap<>();

    /**
     * A client that reaches {@code server}'s replica of partition {@code p}: the partition's own, or, for a replica
     * that left the group the map now names, one of its own.
     */
    private RaftClient clientReaching(int p, String server) {
        RaftPeerId id = RaftPeerId.valueOf(server);
        if (knownGroup(p).getPeer(id) != null) {
            return client(p);
        }
        Member member;
        try {
            member = member(server);
        } catch (IllegalStateException e) {
            throw new StorageException(StorageException.Reason.UNAVAILABLE, "partition " + p + ": " + e.getMessage());
        }
        return leftClients.computeIfAbsent(
                p + "/" + server,
                key -> RaftClient.newBuilder()
                        .setRaftGroup(RaftGroup.valueOf(groupId(p), peers(List.of(member))))
                        .setProperties(clientProperties)
                        .setParameters(parameters)
                        .setRetryPolicy(retryPolicy())
                        .build());
    }

    /** Every 100 ms until {@link #UNAVAILABLE_AFTER} has passed since the request was made. */
    private static RetryPolicy retryPolicy() {
        RetryPolicy sleep =
                RetryPolicies.retryForeverWithSleep(TimeDuration.valueOf(RETRY_SLEEP_MILLIS, TimeUnit.MILLISECONDS));
        TimeDuration limit = TimeDuration.valueOf(UNAVAILABLE_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        RequestTypeDependentRetryPolicy.Builder policy = RequestTypeDependentRetryPolicy.newBuilder();
        for (RaftClientRequestProto.TypeCase type : List.of(
                RaftClientRequestProto.TypeCase.WRITE,
                RaftClientRequestProto.TypeCase.READ,
                RaftClientRequestProto.TypeCase.STALEREAD)) {
            policy.setRetryPolicy(type, sleep).setTimeout(type, limit);
        }
        return policy.build();
    }

    /**
     * Clients of {@link Elsewhere#readFileChunkFrom}: one attempt each (at most {@link #ATTEMPT_TIMEOUT}), so that a
     * replica repairing a chunk passes a peer that is down to the next instead of waiting out the retries.
     */
    private final Map<Integer, RaftClient> peerClients = new ConcurrentHashMap<>();

    private RaftClient peerClient(int partition) {
        RaftClient known = peerClients.get(partition);
        if (known != null) {
            return known;
        }
        RaftGroup group = knownGroup(partition);
        return peerClients.computeIfAbsent(partition, p -> plainClient(group, RetryPolicies.noRetry()));
    }

    private RaftClient statusClient(int partition) {
        RaftClient known = statusClients.get(partition);
        if (known != null) {
            return known;
        }
        RaftGroup group = knownGroup(partition);
        return statusClients.computeIfAbsent(
                partition,
                p -> plainClient(
                        group,
                        RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                                8, TimeDuration.valueOf(250, TimeUnit.MILLISECONDS))));
    }

    /** A client of {@code group} whose requests are not this node's proposals. */
    private RaftClient plainClient(RaftGroup group, RetryPolicy retries) {
        return RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(clientProperties)
                .setParameters(parameters)
                .setRetryPolicy(retries)
                .build();
    }

    /** Which partition a command acts on is the caller's choice; this node proposes it to that partition's group. */
    public CommandResult submit(int partition, Command command) {
        return CommandCodec.decodeResult(
                send(partition, command).getMessage().getContent().toByteArray());
    }

    /**
     * An object store over this node's replicas and, for the partitions it holds none of, the other nodes' (reads as
     * linearizable read-only requests to the group, commands through this node's Raft client of the group): any node
     * serves any request. Partition 0, the catalog, is on every node, so bucket records, users and the caches built
     * from them are local everywhere.
     */
    public RocksObjectStore openStore(EngineOptions options) throws InterruptedException {
        List<ReplicaPartition> replicas = new ArrayList<>();
        replicas.add(awaitReplica(0));
        if (joining) {
            awaitCatalog();
            dev.granary.cluster.placement.PartitionMap map = Membership.map(Membership.storedMap(localReplica(0)));
            if (map != null && map.partitions() + 1 != settings.partitions()) {
                throw new IllegalStateException("the cluster has " + (map.partitions() + 1)
                        + " partitions, this node was started with " + settings.partitions()
                        + ": objects are placed by the count, so it must be the same on every node");
            }
        }
        for (int p = 1; p < settings.partitions(); p++) {
            ReplicaPartition replica = hostsGroup(p) ? awaitReplica(p) : null;
            if (replica != null && !released.contains(p)) {
                replicas.add(replica);
            }
        }
        RocksObjectStore opened = host.openStore(
                replicas,
                settings.partitions(),
                elsewhere,
                this::replicate,
                this::current,
                this::leadsQuietly,
                options,
                UNAVAILABLE_AFTER);
        store = opened;
        // A replica asked to leave while the store opened is served through its group.
        released.forEach(p -> host.release(opened, p, elsewhere));
        return opened;
    }

    /** How the store's writes of a partition this node holds go: through its group, the log index they took. */
    private long replicate(int partition, Command command) {
        return send(partition, command).getLogIndex();
    }

    /**
     * Serves from this node's own replica each object partition it gained while it ran (a replica moved here), once
     * the map names this node among its replicas and the replica has caught up with its group; until then the store
     * reads it through the group, as a node that holds no replica.
     */
    private void serveGainedReplicas() {
        RocksObjectStore open = store;
        if (open == null) {
            return;
        }
        for (int p = 1; p < settings.partitions(); p++) {
            ReplicaPartition replica = localReplica(p);
            if (replica == null || open.holds(p) || !replicasOf(p).contains(self.id()) || !caughtUp(p)) {
                continue;
            }
            synchronized (serving) {
                if (released.contains(p) || localReplica(p) != replica || open.holds(p)) {
                    continue;
                }
                host.adopt(open, replica, elsewhere, this::replicate, this::leadsQuietly, UNAVAILABLE_AFTER);
            }
            LOG.info("partition {}: served from this node's replica from now on", p);
        }
    }

    /** Whether this node's replica of {@code p} votes in its group and has applied all but a few committed entries. */
    private boolean caughtUp(int p) {
        try {
            RaftServer.Division division = division(p);
            RaftPeerId me = RaftPeerId.valueOf(self.id());
            return division.getRaftConf().getCurrentPeers().stream()
                            .anyMatch(peer -> peer.getId().equals(me))
                    && division.getRaftLog().getLastCommittedIndex()
                                    - division.getInfo().getLastAppliedIndex()
                            <= CAUGHT_UP_WITHIN;
        } catch (IOException e) {
            return false;
        }
    }

    /** Entries a gained replica may still have to apply when the store starts serving from it. */
    private static final long CAUGHT_UP_WITHIN = 64;

    /** Held while the store changes where it serves a partition from (a gained replica, one leaving). */
    private final Object serving = new Object();

    /** The partitions this node holds no replica of, reached through their groups. */
    private final class Elsewhere implements RemotePartitions {
        @Override
        public byte[] get(int partition, String cf, byte[] key, Lease lease) {
            return PartitionRead.value(
                    read(partition, PartitionRead.get(cf, key, lease == null ? 0 : lease.id()), lease));
        }

        @Override
        public CompletableFuture<byte[]> getAsync(int partition, String cf, byte[] key, Lease lease) {
            return readAsync(partition, PartitionRead.get(cf, key, lease.id()), lease);
        }

        @Override
        public CompletableFuture<byte[]> readFileChunkAsync(
                int partition, byte[] dataId, int index, int chunkSize, int length, Lease lease) {
            return readAsync(partition, PartitionRead.fileChunk(dataId, index, chunkSize, length, lease.id()), lease);
        }

        /** A read through {@code lease}, sent to the replica holding it, without waiting: the value it answers. */
        private CompletableFuture<byte[]> readAsync(int partition, byte[] request, Lease lease) {
            checkPartition(partition);
            return clientReaching(partition, lease.server())
                    .async()
                    .sendStaleRead(
                            Message.valueOf(UnsafeByteOperations.unsafeWrap(request)),
                            0,
                            RaftPeerId.valueOf(lease.server()))
                    .handle((reply, failure) -> {
                        if (failure != null || !reply.isSuccess()) {
                            Throwable cause = failure != null ? failure : reply.getException();
                            throw new StorageException(
                                    StorageException.Reason.UNAVAILABLE,
                                    "partition " + partition + ": " + PartitionRead.describe(request) + " failed: "
                                            + cause,
                                    cause);
                        }
                        return PartitionRead.value(reply.getMessage().getContent());
                    });
        }

        @Override
        public Lease openRead(int partition) {
            return PartitionRead.lease(read(partition, PartitionRead.open(), null));
        }

        @Override
        public void release(int partition, Lease lease) {
            // Not waited for: a release lost with its message leaves the lease to expire.
            var unused = clientReaching(partition, lease.server())
                    .async()
                    .sendStaleRead(
                            Message.valueOf(UnsafeByteOperations.unsafeWrap(PartitionRead.release(lease.id()))),
                            0,
                            RaftPeerId.valueOf(lease.server()));
        }

        @Override
        public List<byte[]> scan(int partition, String cf, byte[] from, byte[] upperBound, int limit) {
            return PartitionRead.entries(read(partition, PartitionRead.scan(cf, from, upperBound, limit), null));
        }

        @Override
        public byte[] readFileChunk(int partition, byte[] dataId, int index, int chunkSize, int length, Lease lease) {
            return PartitionRead.value(read(
                    partition,
                    PartitionRead.fileChunk(dataId, index, chunkSize, length, lease == null ? 0 : lease.id()),
                    lease));
        }

        @Override
        public CommandResult propose(int partition, Command command) {
            return submit(partition, command);
        }

        /**
         * Sends a read to the group: a linearizable read answered by its leader, or, through a lease, to the replica
         * holding the lease's snapshot as it is (the snapshot fixes what it reads).
         */
        @Override
        public List<String> peersOf(int partition) {
            checkPartition(partition);
            return knownGroup(partition).getPeers().stream()
                    .map(peer -> peer.getId().toString())
                    .filter(id -> !id.equals(self.id()))
                    .toList();
        }

        @Override
        public byte[] readFileChunkFrom(
                int partition, String peer, byte[] dataId, int index, int chunkSize, int length) {
            checkPartition(partition);
            byte[] request = PartitionRead.fileChunk(dataId, index, chunkSize, length, 0);
            try {
                RaftClientReply reply = peerClient(partition)
                        .io()
                        .sendStaleRead(
                                Message.valueOf(UnsafeByteOperations.unsafeWrap(request)), 0, RaftPeerId.valueOf(peer));
                if (!reply.isSuccess()) {
                    throw new StorageException(
                            StorageException.Reason.UNAVAILABLE,
                            "partition " + partition + ": " + peer + " did not answer: " + reply.getException(),
                            reply.getException());
                }
                return PartitionRead.value(reply.getMessage().getContent());
            } catch (IOException e) {
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE,
                        "partition " + partition + ": " + peer + " did not answer a " + PartitionRead.describe(request),
                        e);
            }
        }

        private byte[] read(int partition, byte[] request, Lease lease) {
            return readFrom(partition, request, lease == null ? null : lease.server());
        }

        /** A read of {@code partition}: linearizable, or, naming a {@code server}, as that replica has applied it. */
        private byte[] readFrom(int partition, byte[] request, String server) {
            checkPartition(partition);
            long deadline = System.nanoTime() + UNAVAILABLE_AFTER.toNanos();
            while (true) {
                try {
                    return readOnce(partition, request, server);
                } catch (StorageException e) {
                    if (server != null || !movedAway(partition, e.getCause()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    sleepBeforeRetry();
                }
            }
        }

        private byte[] readOnce(int partition, byte[] request, String server) {
            try {
                Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(request));
                RaftClientReply reply = server == null
                        ? client(partition).io().sendReadOnly(message)
                        : clientReaching(partition, server).io().sendStaleRead(message, 0, RaftPeerId.valueOf(server));
                if (!reply.isSuccess()) {
                    throw new StorageException(
                            StorageException.Reason.UNAVAILABLE,
                            "partition " + partition + ": " + PartitionRead.describe(request) + " failed: "
                                    + reply.getException(),
                            reply.getException());
                }
                return reply.getMessage().getContent().toByteArray();
            } catch (IOException e) {
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE,
                        "partition " + partition + ": no replica answered a " + PartitionRead.describe(request),
                        e);
            }
        }
    }

    /**
     * Waits until this node's new replica of the catalog has what its leader had applied (it arrives from the log or
     * as a copy), so that the store opens with every bucket and user: at most as long as {@link #awaitReplica}.
     */
    private void awaitCatalog() throws InterruptedException {
        long deadline =
                System.nanoTime() + settings.requestTimeout().multipliedBy(30).toNanos();
        while (true) {
            try {
                catchUp(Set.of(0));
                return;
            } catch (StorageException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the catalog did not arrive on this node", e);
                }
                Thread.sleep(100);
            }
        }
    }

    private ReplicaPartition awaitReplica(int partition) throws InterruptedException {
        // A joining node waits for the controller to add it to the catalog's group, and for the catalog to arrive.
        long deadline = System.nanoTime()
                + settings.requestTimeout().multipliedBy(joining ? 30 : 6).toNanos();
        while (true) {
            ReplicaPartition replica = localReplica(partition);
            if (replica != null) {
                return replica;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the replica of partition " + partition + " did not open");
            }
            Thread.sleep(20);
        }
    }

    private RaftClientReply send(int partition, Command command) {
        checkPartition(partition);
        // The encoded command is not shared: wrapped, not copied (a file chunk is a megabyte).
        Message message = Message.valueOf(UnsafeByteOperations.unsafeWrap(CommandCodec.encode(command)));
        long deadline = System.nanoTime() + UNAVAILABLE_AFTER.toNanos();
        RaftClientReply reply = proposeHere(partition, message, deadline);
        if (reply != null) {
            return succeeded(partition, reply);
        }
        while (true) {
            try {
                reply = client(partition).io().send(message);
                break;
            } catch (LeaderSteppingDownException | TransferLeadershipException e) {
                // The leader refused the command before it appended it (it is handing leadership to a preferred
                // replica): sending it again, under a new call id, cannot apply it twice. Ratis's client does not
                // retry these itself.
                if (System.nanoTime() > deadline) {
                    throw new StorageException(
                            StorageException.Reason.UNAVAILABLE,
                            "partition " + partition + ": leadership did not settle",
                            e);
                }
                sleepBeforeRetry();
            } catch (IOException e) {
                if (movedAway(partition, e) && System.nanoTime() < deadline) {
                    // The replica the client asked has left the group (it refused the command: nothing applied).
                    sleepBeforeRetry();
                    continue;
                }
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE,
                        "partition " + partition + ": no leader committed the command within " + UNAVAILABLE_AFTER
                                + " (it may still take effect)",
                        e);
            }
        }
        return succeeded(partition, reply);
    }

    /**
     * Whether {@code failure} says that the replica asked no longer hosts partition {@code p}'s group (it moved away,
     * and Ratis's client does not try another replica then): the partition's clients are rebuilt from the newest map,
     * read again, so that the next attempt asks the replicas there are now.
     */
    private boolean movedAway(int p, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.apache.ratis.protocol.exceptions.GroupMismatchException) {
                ReplicaPartition catalog = localReplica(0);
                if (catalog != null) {
                    mapEpoch = -1;
                    refreshGroups(Membership.map(Membership.storedMap(catalog)));
                    serveGainedReplicas();
                }
                forgetClients(p);
                return true;
            }
        }
        return false;
    }

    private static RaftClientReply succeeded(int partition, RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new StorageException(
                    StorageException.Reason.IO,
                    "partition " + partition + ": the command failed: " + reply.getException(),
                    reply.getException());
        }
        return reply;
    }

    /**
     * Proposes {@code message} to this node's own division of the partition's group when it leads it: no gRPC, no
     * TLS, no client threads between the proposer and the log (measured: most of a 4 KiB PUT's CPU at one replica).
     * Returns null when the command must go through a Raft client after all: this node does not lead, or the leader
     * refused it before appending it (it is stepping down, not ready, or has too many pending), which Ratis answers
     * before the call returns. A failure after the append is not retried: the command may still be committed by the
     * next leader, so it fails as {@code UNAVAILABLE} ("may still take effect"), as a Raft client's would time out.
     */
    private RaftClientReply proposeHere(int partition, Message message, long deadline) {
        RaftGroupId group = groupId(partition);
        RaftClientAsynchronousProtocol division;
        try {
            RaftServer.Division found = division(partition);
            if (!(found instanceof RaftClientAsynchronousProtocol direct)
                    || !found.getInfo().isLeader()) {
                return null;
            }
            division = direct;
        } catch (IOException e) {
            return null;
        }
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localWriter)
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroupId(group)
                .setCallId(callIds.incrementAndGet())
                .setMessage(message)
                .setType(RaftClientRequest.writeRequestType())
                .build();
        CompletableFuture<RaftClientReply> submitted;
        try {
            submitted = division.submitClientRequestAsync(request);
        } catch (IOException e) {
            return null; // refused before anything was appended (the server is not running)
        }
        if (submitted.isDone()) {
            RaftClientReply refused = submitted.getNow(null);
            if (submitted.isCompletedExceptionally() || refused == null || !refused.isSuccess()) {
                return null; // answered before the append: nothing of it is in the log
            }
            return refused;
        }
        try {
            RaftClientReply reply = submitted.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!reply.isSuccess() && !(reply.getException() instanceof StateMachineException)) {
                // Leadership was lost after the append (Ratis fails the pending requests of a leader that steps down).
                throw new StorageException(
                        StorageException.Reason.UNAVAILABLE,
                        "partition " + partition + ": leadership changed before the command was committed (it may"
                                + " still take effect): " + reply.getException(),
                        reply.getException());
            }
            return reply;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Reason.IO, "interrupted while proposing", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    "partition " + partition + ": the command was not committed within " + UNAVAILABLE_AFTER
                            + " (it may still take effect)",
                    e);
        }
    }

    private static void sleepBeforeRetry() {
        try {
            Thread.sleep(RETRY_SLEEP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Reason.IO, "interrupted while waiting for a leader", e);
        }
    }

    /**
     * A linearizable read of the last log entry partition {@code partition}'s leader applied: once a replica applied
     * as far ({@link #localApplied}), it holds every write acknowledged before this call.
     */
    public ReplicaPartition.Mark appliedMark(int partition) {
        return Query.mark(query(partition, Query.APPLIED));
    }

    private byte[] query(int partition, Query query) {
        checkPartition(partition);
        try {
            RaftClientReply reply =
                    client(partition).io().sendReadOnly(Message.valueOf(ByteString.copyFrom(query.encode())));
            if (!reply.isSuccess()) {
                throw new UncheckedIOException(new IOException("query failed: " + reply.getException()));
            }
            return reply.getMessage().getContent().toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("partition " + partition + ": query " + query + " failed", e);
        }
    }

    /**
     * Waits until this node's replicas have applied every entry their leaders had applied when this was called: a
     * read of the local replicas after it sees every write acknowledged before it, wherever it was made.
     *
     * @throws IllegalStateException when a replica does not catch up within six request timeouts
     */
    public void catchUp() throws InterruptedException {
        Set<Integer> all = new java.util.TreeSet<>();
        for (int p = 0; p < settings.partitions(); p++) {
            all.add(p);
        }
        catchUp(all);
    }

    /**
     * {@link #catchUp()} for some partitions: their leaders are asked at once (linearizable reads, in parallel),
     * then this node waits for its replicas.
     *
     * @throws StorageException {@code UNAVAILABLE} when a leader does not answer or a replica does not catch up
     *     within 15 s
     */
    public void catchUp(Set<Integer> partitions) {
        StorageException.join(current(partitions));
    }

    /**
     * {@link #catchUp(Set)} without waiting on the calling thread: completes once this node's replicas of {@code
     * partitions} have applied every command their leaders had applied when this was called, or fails with {@code
     * UNAVAILABLE} after 15 s. What completes it (a Raft thread, or a retry's timer) runs what is chained to it.
     */
    public CompletableFuture<Void> current(Set<Integer> partitions) {
        long deadline = System.nanoTime() + UNAVAILABLE_AFTER.toNanos();
        List<CompletableFuture<Void>> waits = new ArrayList<>(partitions.size());
        for (int p : partitions) {
            checkPartition(p);
            if (!servesLocally(p) || leadsAlone(p)) {
                continue;
            }
            waits.add(leaderApplied(p, deadline).thenCompose(target -> localReaches(p, target, deadline)));
        }
        if (waits.size() == 1) {
            return waits.get(0);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    /** Whether this node's reads of partition {@code p} are of its own replica (else through the group). */
    private boolean servesLocally(int p) {
        RocksObjectStore open = store;
        return open != null ? open.holds(p) : hosted.containsKey(p);
    }

    /**
     * Whether this node leads partition {@code p}'s group and is its only member, before and after any change of its
     * members in progress: then every write acknowledged anywhere was applied here before it was acknowledged (the
     * leader answers a command once it applied it), no other leader can exist, and a read barrier has nothing to wait
     * for. (Measured at R=1: the barrier's in-process read-index request was a third of a 4 KiB GET's server CPU.)
     */
    private boolean leadsAlone(int p) {
        if (!hosted.containsKey(p)) {
            return false;
        }
        try {
            RaftServer.Division division = division(p);
            // The configuration object changes only with the members; what it says is kept with it (a GET asks).
            org.apache.ratis.server.RaftConfiguration conf = division.getRaftConf();
            Alone known = alone.get(p);
            if (known == null || known.conf() != conf) {
                known = new Alone(
                        conf,
                        conf.getPreviousPeers().isEmpty() && conf.getAllPeers().size() == 1);
                alone.put(p, known);
            }
            return known.alone() && division.getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a group's configuration has this node as its only member. */
    private record Alone(org.apache.ratis.server.RaftConfiguration conf, boolean alone) {}

    /**
     * This node's division of partition {@code p}'s group, looked up once: the server's lookup waits on a future, and
     * every GET and PUT asks (a division lives as long as the server; groups are not removed in this slice).
     */
    private RaftServer.Division division(int p) throws IOException {
        RaftServer.Division known = divisions.get(p);
        if (known == null) {
            known = server.getDivision(groupId(p));
            divisions.put(p, known);
        }
        return known;
    }

    /**
     * The last command partition {@code p}'s leader applied, by a linearizable read; while there is no leader to
     * answer (an election, members still starting), asked again every 100 ms until {@code deadline}.
     *
     * <p>A partition this node holds a replica of is asked in-process: the local replica, follower or leader, takes
     * the read index from its leader over the servers' own connections (a leader holding its lease answers at once)
     * and answers once it applied that far. A Raft client would do the same over a gRPC channel of its own, and when a
     * leader dies, Ratis's client closes the channels of the requests it had pending, each close waiting up to 3 s
     * for them (measured: reads stalled 3 s past the election).
     */
    private CompletableFuture<Long> leaderApplied(int p, long deadline) {
        CompletableFuture<RaftClientReply> attempt = hosted.containsKey(p)
                ? localRead(p).orTimeout(READ_ATTEMPT.toMillis(), TimeUnit.MILLISECONDS)
                : client(p).async().sendReadOnly(Message.valueOf(ByteString.copyFrom(Query.LAST_COMMAND.encode())));
        return attempt.thenCompose(reply -> reply.isSuccess()
                        ? CompletableFuture.completedFuture(
                                Query.mark(reply.getMessage().getContent().toByteArray())
                                        .index())
                        : CompletableFuture.<Long>failedFuture(reply.getException()))
                .exceptionallyCompose(failure -> {
                    movedAway(p, failure);
                    if (System.nanoTime() > deadline) {
                        return CompletableFuture.failedFuture(new StorageException(
                                StorageException.Reason.UNAVAILABLE,
                                "partition " + p + ": no leader answered: " + failure,
                                failure));
                    }
                    return CompletableFuture.supplyAsync(() -> p, afterRetrySleep())
                            .thenCompose(again -> leaderApplied(p, deadline));
                });
    }

    /**
     * Completes once this node's replica of {@code p} applied entry {@code target}: at once after an in-process read
     * (the replica answered it only once it had applied that far), else checked every millisecond.
     */
    private CompletableFuture<Void> localReaches(int p, long target, long deadline) {
        if (localApplied(p).index() >= target) {
            return CompletableFuture.completedFuture(null);
        }
        if (System.nanoTime() > deadline) {
            return CompletableFuture.failedFuture(new StorageException(
                    StorageException.Reason.UNAVAILABLE,
                    "the replica of partition " + p + " did not catch up with entry " + target));
        }
        return CompletableFuture.supplyAsync(
                        () -> p, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS, statusAsking))
                .thenCompose(again -> localReaches(p, target, deadline));
    }

    /**
     * Runs a barrier's next attempt after the retry sleep, on this node's own threads: the JDK's default for delayed
     * tasks is the common pool, which on two cores starts a thread per task.
     */
    private java.util.concurrent.Executor afterRetrySleep() {
        return CompletableFuture.delayedExecutor(RETRY_SLEEP_MILLIS, TimeUnit.MILLISECONDS, statusAsking);
    }

    /** A linearizable {@link Query#LAST_COMMAND} of this node's replica of {@code p}, submitted in-process. */
    private CompletableFuture<RaftClientReply> localRead(int p) {
        RaftClientRequest request = RaftClientRequest.newBuilder()
                .setClientId(localReader)
                .setServerId(RaftPeerId.valueOf(self.id()))
                .setGroupId(groupId(p))
                .setCallId(callIds.incrementAndGet())
                .setMessage(Message.valueOf(ByteString.copyFrom(Query.LAST_COMMAND.encode())))
                .setType(RaftClientRequest.readRequestType())
                .build();
        try {
            // The server would hand the request to a thread of its own and block the caller until that thread has
            // started it (measured: a quarter of a 4 KiB GET's CPU, mostly in the kernel). Its group's division
            // takes it on this thread: a read a leader answers from its lease completes before it returns, a
            // follower's asks its leader without waiting.
            RaftServer.Division division = division(p);
            if (division instanceof RaftClientAsynchronousProtocol direct) {
                return direct.submitClientRequestAsync(request);
            }
            return server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The last log entry this node's replica of {@code partition} applied ({@link ReplicaPartition.Mark#NONE} if none). */
    public ReplicaPartition.Mark localApplied(int partition) {
        PartitionStateMachine machine = hosted.get(partition);
        return machine == null ? ReplicaPartition.Mark.NONE : machine.lastApplied();
    }

    /** How many copies of {@code partition} this node's replica installed from a leader since it started. */
    public long installedCopies(int partition) {
        PartitionStateMachine machine = hosted.get(partition);
        return machine == null ? 0 : machine.installs();
    }

    /** This node's own replica of {@code partition}, or null if it holds none (or has not opened it yet). */
    public ReplicaPartition localReplica(int partition) {
        PartitionStateMachine machine = hosted.get(partition);
        return machine == null ? null : machine.replica();
    }

    /** Whether this node leads {@code partition}'s group now. */
    public boolean leads(int partition) throws IOException {
        PartitionStateMachine machine = hosted.get(partition);
        return machine != null && division(partition).getInfo().isLeader();
    }

    /**
     * The cluster as this node finds it now: every partition's group asked of its leader, all at once, waiting at most
     * {@code wait} for the answers; a partition whose leader does not answer in time is shown as this node's replica
     * sees it (no leader, or one that is not answering). A member is up when it is this node, leads a group that
     * answered, or a leader heard from it within three election timeouts.
     */
    public ClusterStatus status(Duration wait) {
        Map<Integer, java.util.concurrent.CompletableFuture<RaftClientReply>> asked = new TreeMap<>();
        for (int p = 0; p < settings.partitions(); p++) {
            int partition = p;
            // A replica that leads answers for itself; others ask the leader, through the blocking API on a thread of
            // their own (an asynchronous Ratis client orders its requests, and one that failed can hold up the rest).
            asked.put(
                    p,
                    leadsQuietly(p)
                            ? java.util.concurrent.CompletableFuture.completedFuture(null)
                            : java.util.concurrent.CompletableFuture.supplyAsync(
                                    () -> askLeader(partition), statusAsking));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        List<PartitionStatus> partitions = new ArrayList<>();
        for (Map.Entry<Integer, java.util.concurrent.CompletableFuture<RaftClientReply>> entry : asked.entrySet()) {
            PartitionStatus status = null;
            try {
                RaftClientReply reply =
                        entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (reply == null) {
                    status = localStatus(entry.getKey());
                } else if (reply.isSuccess()) {
                    status = PartitionStatus.decode(
                            reply.getMessage().getContent().toByteArray());
                }
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.debug("partition {}: no status from a leader: {}", entry.getKey(), e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(StorageException.Reason.IO, "interrupted while asking for status", e);
            }
            partitions.add(status != null ? status : localStatus(entry.getKey()));
        }
        long recent = 3 * settings.electionTimeout().toMillis();
        List<ClusterStatus.Node> nodes = new ArrayList<>();
        List<Member> members = members();
        ReplicaPartition catalog = localReplica(0);
        Map<String, Membership.Registered> registered = catalog == null ? Map.of() : Membership.registered(catalog);
        dev.granary.cluster.placement.PartitionMap map =
                catalog == null ? null : Membership.map(Membership.storedMap(catalog));
        Set<String> inCatalog = new HashSet<>();
        try {
            if (catalog != null) {
                org.apache.ratis.server.RaftConfiguration conf = configuration(0);
                conf.getCurrentPeers()
                        .forEach(peer -> inCatalog.add(peer.getId().toString()));
                conf.getCurrentPeers(org.apache.ratis.proto.RaftProtos.RaftPeerRole.LISTENER)
                        .forEach(peer -> inCatalog.add(peer.getId().toString()));
            }
        } catch (IOException e) {
            LOG.debug("no catalog division: {}", e.toString());
        }
        for (Member member : members) {
            long contact = member.equals(self) ? 0 : -1;
            boolean leads = false;
            for (PartitionStatus status : partitions) {
                if (!status.fromLeader()) {
                    continue;
                }
                leads |= status.leader().equals(member.id());
                for (PartitionStatus.Replica replica : status.replicas()) {
                    if (replica.node().equals(member.id()) && replica.lastContactMillis() >= 0) {
                        contact = contact < 0
                                ? replica.lastContactMillis()
                                : Math.min(contact, replica.lastContactMillis());
                    }
                }
            }
            boolean up = member.equals(self) || leads || (contact >= 0 && contact <= recent);
            Membership.Registered known = registered.get(member.id());
            String state = up ? "up" : "unreachable";
            if (known != null && known.state() == Node.State.DRAINING) {
                // Drained once it holds no replica, the catalog's included, as this very answer shows the partitions
                // (the catalog's members read here may be newer than its status gathered above).
                boolean listed = partitions.stream()
                        .anyMatch(p ->
                                p.replicas().stream().anyMatch(r -> r.node().equals(member.id())));
                state = map != null && map.holdsNothing(member.id()) && !inCatalog.contains(member.id()) && !listed
                        ? "drained"
                        : "draining";
            } else if (known != null && known.state() == Node.State.DEAD) {
                state = "dead";
            }
            nodes.add(new ClusterStatus.Node(
                    member.id(),
                    member.host() + ":" + member.port(),
                    known == null ? "" : known.zone(),
                    state,
                    contact));
        }
        Map<Integer, Long> installed = new TreeMap<>();
        hosted.forEach((p, machine) -> installed.put(p, machine.installs()));
        Map<Integer, Long> repaired = new TreeMap<>();
        for (int p = 0; p < settings.partitions(); p++) {
            ReplicaPartition replica = localReplica(p);
            if (replica != null) {
                repaired.put(p, replica.repairedChunks());
            }
        }
        return new ClusterStatus(
                settings.clusterName(),
                self.id(),
                Math.min(settings.replicas(), members.size()),
                nodes,
                partitions,
                installed,
                repaired,
                map == null ? -1 : map.epoch(),
                map == null ? List.of() : moveProgress(map, registered, members, partitions),
                autoscaling(catalog));
    }

    /**
     * The moves between {@code map} and its target with their bytes: what each arriving replica is sent is its
     * partition's leader's newest copy ({@code partitions}, from the leaders); for the moves under way, what arrived
     * so far, asked of the arriving node.
     */
    private List<ClusterStatus.MoveProgress> moveProgress(
            dev.granary.cluster.placement.PartitionMap map,
            Map<String, Membership.Registered> registered,
            List<Member> members,
            List<PartitionStatus> partitions) {
        Map<Integer, Long> copies = new HashMap<>();
        Map<Integer, Long> applied = new HashMap<>();
        for (PartitionStatus status : partitions) {
            if (status.fromLeader()) {
                copies.put(status.partition(), status.copyBytes());
                applied.put(status.partition(), status.appliedIndex());
            }
        }
        List<ClusterStatus.MoveProgress> moves = new ArrayList<>();
        // The controller takes the moves in this order, a few at once and one arriving replica per node: those are
        // the ones under way, whose arriving node is asked how far it is.
        Set<String> asked = new HashSet<>();
        for (dev.granary.cluster.placement.Move move : controller.pendingMoves(map, registered, members)) {
            long bytes = move.to() == null ? 0 : copies.getOrDefault(move.partition(), 0L);
            long done = 0;
            if (move.to() != null && asked.size() < Controller.CHANGES_AT_ONCE && asked.add(move.to())) {
                long[] progress = progressOn(move.partition(), move.to());
                long leaderApplied = applied.getOrDefault(move.partition(), 0L);
                if (progress == null) {
                    done = 0;
                } else if (progress[1] > 0) {
                    done = Math.min(bytes, progress[1]); // a copy arriving
                } else if (progress[2] > 0 || leaderApplied <= 0) {
                    done = progress[2] > 0 ? bytes : 0; // a copy installed (then the log's tail)
                } else {
                    // Replaying the log: as far as it applied of what the leader has.
                    done = (long) (bytes * Math.min(1.0, Math.max(0, progress[3]) / (double) leaderApplied));
                }
            }
            moves.add(new ClusterStatus.MoveProgress(move.partition(), move.from(), move.to(), bytes, done));
        }
        return moves;
    }

    /**
     * How a copy of partition {@code p} arrives on node {@code id} ({@link Query#PROGRESS}, asked of its replica of the
     * catalog: the replica of {@code p} being added answers nothing until it has its configuration), or null when it
     * does not answer.
     */
    private long[] progressOn(int p, String id) {
        List<Member> peers = new ArrayList<>();
        try {
            for (String holder : replicasOf(0)) {
                if (!holder.equals(id)) {
                    peers.add(member(holder));
                }
            }
            peers.add(member(id));
        } catch (IllegalStateException e) {
            return null; // a node not known here yet
        }
        try (RaftClient once = plainClient(RaftGroup.valueOf(groupId(0), peers(peers)), RetryPolicies.noRetry())) {
            RaftClientReply reply = once.io()
                    .sendStaleRead(Message.valueOf(ByteString.copyFrom(Query.progress(p))), 0, RaftPeerId.valueOf(id));
            if (!reply.isSuccess()) {
                return null;
            }
            java.nio.ByteBuffer answer = reply.getMessage().getContent().asReadOnlyByteBuffer();
            return new long[] {answer.getLong(), answer.getLong(), answer.getLong(), answer.getLong()};
        } catch (IOException e) {
            LOG.debug("partition {}: no progress from {}: {}", p, id, e.toString());
            return null;
        }
    }

    private ClusterStatus.Autoscaling autoscaling(ReplicaPartition catalog) {
        dev.granary.cluster.placement.Autoscaler.Config config = controller.autoscaling();
        Membership.Scaling scaling = catalog == null ? null : Membership.scaling(catalog);
        if (config == null && scaling == null) {
            return null;
        }
        return new ClusterStatus.Autoscaling(
                config == null ? -1 : config.minNodes(),
                config == null ? -1 : config.maxNodes(),
                scaling == null ? -1 : scaling.targetNodes(),
                scaling == null ? List.of() : scaling.decisions());
    }

    /**
     * Starts a drain of node {@code id}: recorded in the catalog's registry, after which the controller moves every
     * replica of an object partition off it (it keeps its replica of the catalog, as every node does).
     *
     * @throws IllegalArgumentException when no member has that id
     * @throws IllegalStateException when no other member would be left up to take its replicas
     */
    public void drain(String id) {
        Member member = members().stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no member of the cluster is called " + id));
        ReplicaPartition catalog = localReplica(0);
        Map<String, Membership.Registered> registered = catalog == null ? Map.of() : Membership.registered(catalog);
        long othersUp = members().stream()
                .filter(m -> !m.id().equals(id))
                .filter(m ->
                        registered.get(m.id()) == null || registered.get(m.id()).state() == Node.State.UP)
                .count();
        if (othersUp == 0) {
            throw new IllegalStateException("draining " + id + " would leave no member to hold its replicas");
        }
        record(member.id(), Node.State.DRAINING);
        LOG.info("node {} is draining", id);
    }

    private boolean leadsQuietly(int p) {
        try {
            return leads(p);
        } catch (IOException e) {
            return false;
        }
    }

    private RaftClientReply askLeader(int p) {
        try {
            return statusClient(p)
                    .io()
                    .sendReadOnlyNonLinearizable(Message.valueOf(ByteString.copyFrom(Query.STATUS.encode())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Partition {@code p} as this node's replica sees it, or with nothing known when it holds none. */
    private PartitionStatus localStatus(int p) {
        if (hosted.containsKey(p)) {
            try {
                return PartitionStatus.of(p, server.getDivision(groupId(p)));
            } catch (IOException e) {
                LOG.debug("partition {}: no local division: {}", p, e.toString());
            }
        }
        return new PartitionStatus(
                p,
                self.id(),
                null,
                -1,
                -1,
                -1,
                -1,
                0,
                replicasOf(p).stream()
                        .map(id -> new PartitionStatus.Replica(id, -1, -1))
                        .toList());
    }

    /**
     * A replica's state in one line: the digest of its object state and the last log entry applied to it.
     *
     * @param appliedIndex the last entry applied when the digest was taken (nothing was applied while it was)
     * @param digest SHA-256 of the replica's object state, hex
     */
    public record ReplicaDigest(long appliedIndex, String digest) {}

    /**
     * The digest of each replica this node holds, with the entry it is of: replicas of one partition in the same state
     * at the same entry have equal digests. A digest taken while entries were applied is taken again (up to five
     * times; then the last is reported with index -1).
     */
    public Map<Integer, ReplicaDigest> localDigests() {
        Map<Integer, ReplicaDigest> digests = new TreeMap<>();
        for (int p = 0; p < settings.partitions(); p++) {
            ReplicaPartition replica = localReplica(p);
            if (replica == null) {
                continue;
            }
            ReplicaDigest taken = null;
            for (int attempt = 0; attempt < 5 && taken == null; attempt++) {
                long before = localApplied(p).index();
                String digest = replica.digest();
                if (localApplied(p).index() == before) {
                    taken = new ReplicaDigest(before, digest);
                } else if (attempt == 4) {
                    taken = new ReplicaDigest(-1, digest);
                }
            }
            digests.put(p, taken);
        }
        return digests;
    }

    /** The members holding {@code partition}'s replicas. */
    public List<String> replicasOf(int partition) {
        checkPartition(partition);
        RaftGroup group = groups.get(partition);
        if (group == null) {
            return List.of();
        }
        return group.getPeers().stream().map(p -> p.getId().toString()).toList();
    }

    public Member self() {
        return self;
    }

    /** Every member this node knows of: the founding members, those that joined since, and itself, by id. */
    public List<Member> members() {
        Map<String, Member> all = new TreeMap<>();
        founders.forEach(m -> all.put(m.id(), m));
        all.putAll(joined);
        all.put(self.id(), self);
        return List.copyOf(all.values());
    }

    private void checkPartition(int partition) {
        if (partition < 0 || partition >= settings.partitions()) {
            throw new IllegalArgumentException("no partition " + partition + " of " + settings.partitions());
        }
    }

    /**
     * A round of membership, every 500 ms: the registry and the partition map read from this node's catalog, the
     * groups of the partitions it reaches through others set from the map, and, where this node leads the catalog,
     * one step of the controller.
     */
    private void membershipRound() {
        try {
            membershipRoundsRun.incrementAndGet();
            deleteRetiredUnread();
            ReplicaPartition catalog = localReplica(0);
            if (catalog == null || closing) {
                return;
            }
            Map<String, Membership.Registered> registry = Membership.registered(catalog);
            registry.forEach((id, registered) -> {
                if (!id.equals(self.id())) {
                    joined.put(id, registered.member());
                }
            });
            registerZone(registry);
            refreshGroups(Membership.map(Membership.storedMap(catalog)));
            serveGainedReplicas();
            java.util.function.Supplier<dev.granary.cluster.placement.Autoscaler.NodeLoad> source = loadSource;
            if (source != null && ++rounds % REPORT_EVERY == 0) {
                submit(0, Membership.report(source.get(), System.currentTimeMillis()));
            }
            controller.round();
        } catch (IOException | RuntimeException e) {
            if (!closing) {
                LOG.warn("membership round failed: {}", e.toString());
                LOG.debug("membership round failed", e);
            }
        }
    }

    /** Membership rounds this node began (tests wait for rounds rather than for time). */
    private final java.util.concurrent.atomic.AtomicLong membershipRoundsRun =
            new java.util.concurrent.atomic.AtomicLong();

    /** How many membership rounds this node began. */
    long membershipRounds() {
        return membershipRoundsRun.get();
    }

    /** Rounds between two load reports (5 s). */
    private static final int REPORT_EVERY = 10;

    private int rounds;
    private volatile java.util.function.Supplier<dev.granary.cluster.placement.Autoscaler.NodeLoad> loadSource;

    /**
     * Sets what this node measures of its load (requests per second, CPU, disk, p99 latency): reported to the catalog
     * every 5 s, for the autoscaler of whichever node leads it.
     */
    public void reportLoad(java.util.function.Supplier<dev.granary.cluster.placement.Autoscaler.NodeLoad> source) {
        this.loadSource = source;
    }

    /**
     * Turns on the autoscaler with {@code config} (every node should be given the same: it runs on the catalog's
     * leader, whichever that is); null turns it off.
     */
    public void autoscale(dev.granary.cluster.placement.Autoscaler.Config config) {
        controller.autoscale(config);
    }

    /**
     * Sets the provisioner this node's controller calls every 5 s while it leads the catalog and the autoscaler is on
     * (null: none; a provisioner outside the nodes, as {@code granary cluster --autoscale}, reads {@code /metrics});
     * {@code highestOrdinal} makes scale-ins drain the node with the highest number (a StatefulSet's last pod).
     */
    public void provisionWith(dev.granary.cluster.placement.Provisioner provisioner, boolean highestOrdinal) {
        controller.provisionWith(provisioner, highestOrdinal);
    }

    /** Sets the groups of the object partitions from {@code map} when it is newer than what they were set from. */
    private synchronized void refreshGroups(dev.granary.cluster.placement.PartitionMap map) {
        if (map == null || map.epoch() == mapEpoch) {
            return;
        }
        for (int i = 0; i < map.partitions(); i++) {
            int p = i + 1;
            List<Member> replicas = new ArrayList<>();
            for (String id : map.replicas(i)) {
                replicas.add(member(id));
            }
            RaftGroup next = group(settings.clusterName(), p, replicas);
            RaftGroup known = groups.get(p);
            if (known == null || !List.copyOf(known.getPeers()).equals(List.copyOf(next.getPeers()))) {
                groups.put(p, next);
                forgetClients(p);
            }
        }
        mapEpoch = map.epoch();
    }

    /** Drops partition {@code p}'s clients (the next request builds them from its group); closed a little later. */
    private void forgetClients(int p) {
        List<RaftClient> old = new ArrayList<>();
        for (Map<Integer, RaftClient> clientsOf : List.of(clients, statusClients, peerClients)) {
            RaftClient client = clientsOf.remove(p);
            if (client != null) {
                old.add(client);
            }
        }
        if (!old.isEmpty() && !closing) {
            var unused = membership.schedule(
                    () -> old.forEach(RaftNode::closeQuietly), REMOVE_CLIENT_AFTER_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** How long a client replaced by a newer map lives on for the requests it carries. */
    private static final long REMOVE_CLIENT_AFTER_SECONDS = 30;

    private static void closeQuietly(RaftClient client) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a client failed", e);
        }
    }

    /** The member with id {@code id}: a founding member, one that joined, or this node. */
    Member member(String id) {
        if (id.equals(self.id())) {
            return self;
        }
        Member found = joined.get(id);
        if (found != null) {
            return found;
        }
        return founders.stream()
                .filter(m -> m.id().equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no member " + id + " is known here"));
    }

    /** The configuration of partition {@code p}'s group as this node's replica has it (perhaps not committed yet). */
    org.apache.ratis.server.RaftConfiguration configuration(int p) throws IOException {
        return division(p).getRaftConf();
    }

    /** The partition map of a cluster as its founding members made it ({@link #placement}). */
    dev.granary.cluster.placement.PartitionMap foundingMap() {
        List<List<String>> replicas = new ArrayList<>();
        for (int p = 1; p < settings.partitions(); p++) {
            replicas.add(placement(founders, p, settings.replicas()).stream()
                    .map(Member::id)
                    .toList());
        }
        return new dev.granary.cluster.placement.PartitionMap(0, replicas);
    }

    /**
     * Adds {@code to} to partition {@code p}'s group, whose members become {@code next} (the present ones and {@code
     * to}, the preferred leader first): {@code to}'s server first hosts the group with no configuration (Ratis's own
     * way: it then waits for the leader rather than campaigning), then the leader stages it until it has caught up and
     * commits the new configuration. Returns once it is committed.
     */
    void addReplica(int p, Member to, List<Member> next) throws IOException {
        addReplica(p, to, next, List.of());
    }

    /** As {@link #addReplica(int, Member, List)}, into a group that has {@code listeners} too ({@code to} may be one). */
    void addReplica(int p, Member to, List<Member> next, List<Member> listeners) throws IOException {
        try (RaftClient admin = adminClient(p, concat(next, listeners))) {
            RaftClientReply added;
            try {
                // A voter's server hosts the group with no configuration, so that it waits for the leader rather
                // than campaign. A listener cannot campaign, and is given the configuration it will have: a
                // listener's division that starts without one stays STARTING in Ratis 3.3.0 (the leader marks its
                // appends as initializing until a voter's catch-up, which a listener never has), and answers nothing.
                RaftGroup hosted = listeners.contains(to)
                        ? RaftGroup.valueOf(
                                groupId(p),
                                java.util.stream.Stream.concat(
                                                peers(next).stream(),
                                                listeners.stream().map(Member::listener))
                                        .toList())
                        : RaftGroup.valueOf(groupId(p));
                added = admin.getGroupManagementApi(RaftPeerId.valueOf(to.id())).add(hosted, true);
            } catch (org.apache.ratis.protocol.exceptions.AlreadyExistsException e) {
                added = null; // a step that was under way when the controller changed
            }
            if (added != null && !added.isSuccess()) {
                throw new IOException(
                        "partition " + p + ": " + to.id() + " did not host the group: " + added.getException());
            }
            setConfiguration(admin, p, next, listeners);
        }
    }

    private static List<Member> concat(List<Member> voters, List<Member> listeners) {
        List<Member> all = new ArrayList<>(voters);
        all.addAll(listeners);
        return all;
    }

    /**
     * Removes {@code from} from partition {@code p}'s group, whose members become {@code next}: {@code from} is asked
     * first to serve the partition through the group ({@link Query#RELEASE}; a node that does not answer is down), then
     * the configuration without it is committed. Its group is removed from its server later ({@link #removeGroupLater}).
     */
    void removeReplica(int p, Member from, List<Member> next) throws IOException {
        removeReplica(p, from, next, List.of());
    }

    /** As {@link #removeReplica(int, Member, List)}, from a group whose {@code listeners} stay. */
    void removeReplica(int p, Member from, List<Member> next, List<Member> listeners) throws IOException {
        List<Member> all = concat(next, listeners);
        all.add(from);
        try (RaftClient admin = adminClient(p, all);
                RaftClient once = plainClient(RaftGroup.valueOf(groupId(p), peers(all)), RetryPolicies.noRetry())) {
            try {
                RaftClientReply reply = once.io()
                        .sendStaleRead(
                                Message.valueOf(ByteString.copyFrom(Query.RELEASE.encode())),
                                0,
                                RaftPeerId.valueOf(from.id()));
                if (!reply.isSuccess()) {
                    LOG.warn("partition {}: {} did not release its replica: {}", p, from.id(), reply.getException());
                }
            } catch (IOException e) {
                LOG.warn("partition {}: {} did not answer the release of its replica: {}", p, from.id(), e.toString());
            }
            setConfiguration(admin, p, next, listeners);
        }
    }

    /** Sets partition {@code p}'s members to {@code next} as they are (a change of the preferred leader alone). */
    void setPeers(int p, List<Member> next) throws IOException {
        setPeers(p, next, List.of());
    }

    /** Sets partition {@code p}'s voters to {@code next} and its listeners to {@code listeners}. */
    void setPeers(int p, List<Member> next, List<Member> listeners) throws IOException {
        try (RaftClient admin = adminClient(p, concat(next, listeners))) {
            setConfiguration(admin, p, next, listeners);
        }
    }

    /** Partition {@code p}'s group as its leader reports it, or null when none answers. */
    PartitionStatus leaderStatus(int p) {
        try {
            if (leadsQuietly(p)) {
                return localStatus(p);
            }
            RaftClientReply reply = askLeader(p);
            if (reply == null || !reply.isSuccess()) {
                return null;
            }
            PartitionStatus status =
                    PartitionStatus.decode(reply.getMessage().getContent().toByteArray());
            return status.fromLeader() ? status : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Asks partition {@code p}'s leader to hand leadership to {@code to}, one of {@code peers} (the preferred leader,
     * every replica's priority being the same): the leader waits for it to catch up, at most 3 s (holding the
     * partition's writes meanwhile). Returns whether it did; a failure is logged.
     */
    boolean transferLeadership(int p, String leader, Member to, List<Member> peers) {
        // Sent to the leader itself (a client without retries would stop at the first replica that is not).
        try (RaftClient admin = RaftClient.newBuilder()
                .setRaftGroup(RaftGroup.valueOf(groupId(p), peers(peers)))
                .setLeaderId(RaftPeerId.valueOf(leader))
                .setProperties(clientProperties)
                .setParameters(parameters)
                .setRetryPolicy(RetryPolicies.noRetry())
                .build()) {
            RaftClientReply reply = admin.admin().transferLeadership(RaftPeerId.valueOf(to.id()), 3_000);
            if (!reply.isSuccess()) {
                LOG.info("partition {}: leadership not handed to {}: {}", p, to.id(), reply.getException());
            }
            return reply.isSuccess();
        } catch (IOException | RuntimeException e) {
            LOG.info("partition {}: leadership not handed to {}: {}", p, to.id(), e.toString());
            return false;
        }
    }

    /** The Raft peers of {@code members}, all of the same priority (see {@link #group}). */
    private static List<RaftPeer> peers(List<Member> members) {
        List<RaftPeer> peers = new ArrayList<>();
        for (Member member : members) {
            peers.add(member.peer(0));
        }
        return peers;
    }

    /** Removes partition {@code p}'s group from {@code from}'s server after {@code millis}. */
    void removeGroupLater(int p, Member from, long millis) {
        var unused = membership.schedule(() -> removeGroupNow(p, from), millis, TimeUnit.MILLISECONDS);
    }

    /**
     * The read leases open on {@code from}'s replica of partition {@code p}: readers on other nodes reading through it
     * (0 when it does not answer, or holds none).
     */
    long leasesOn(int p, Member from) {
        if (from.equals(self)) {
            ReplicaPartition replica = localReplica(p);
            return replica == null ? 0 : replica.openLeases();
        }
        try (RaftClient once =
                plainClient(RaftGroup.valueOf(groupId(p), peers(List.of(from))), RetryPolicies.noRetry())) {
            RaftClientReply reply = once.io()
                    .sendStaleRead(
                            Message.valueOf(ByteString.copyFrom(Query.LEASES.encode())),
                            0,
                            RaftPeerId.valueOf(from.id()));
            return reply.isSuccess()
                    ? reply.getMessage().getContent().asReadOnlyByteBuffer().getLong()
                    : 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Removes partition {@code p}'s group from {@code from}'s server (on the membership thread). */
    private void removeGroupNow(int p, Member from) {
        try {
            if (from.equals(self)) {
                removeGroupHere(p);
                deleteRetired(p);
                return;
            }
            try (RaftClient admin =
                    plainClient(RaftGroup.valueOf(groupId(p), peers(List.of(from))), RetryPolicies.noRetry())) {
                RaftClientReply reply = admin.getGroupManagementApi(RaftPeerId.valueOf(from.id()))
                        .remove(groupId(p), true, false);
                if (!reply.isSuccess()) {
                    LOG.warn("partition {}: {} kept the group: {}", p, from.id(), reply.getException());
                }
            }
        } catch (org.apache.ratis.protocol.exceptions.GroupMismatchException e) {
            LOG.debug("partition {}: {} had left the group already", p, from.id());
        } catch (IOException | RuntimeException e) {
            LOG.warn("partition {}: removing the group from {} failed: {}", p, from.id(), e.toString());
        }
    }

    /** Whether this node's server hosts partition {@code p}'s group. */
    private boolean hostsGroup(int p) {
        RaftGroupId id = groupId(p);
        for (RaftGroupId hosted : server.getGroupIds()) {
            if (hosted.equals(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes and deletes the replica of partition {@code p} this node gave away, once its group is gone here; returns
     * whether there was one to delete.
     */
    private boolean deleteRetired(int p) {
        // Not while the partition's group is being added here again (stateMachine takes the replica first).
        synchronized (retired) {
            if (hostsGroup(p)) {
                return false;
            }
            ReplicaPartition replica = retired.remove(p);
            if (replica == null) {
                return false;
            }
            replica.close();
            host.retire(p);
            host.deleteRetired(p);
            return true;
        }
    }

    /**
     * Deletes the replicas this node gave away that nothing reads any more (no lease open on them): their files stay on
     * disk only as long as a read that began before the replica left needs them.
     */
    private void deleteRetiredUnread() {
        for (Map.Entry<Integer, ReplicaPartition> entry : List.copyOf(retired.entrySet())) {
            if (entry.getValue().openLeases() == 0) {
                try {
                    if (deleteRetired(entry.getKey())) {
                        LOG.info("partition {}: the replica this node gave away is deleted", entry.getKey());
                    }
                } catch (RuntimeException e) {
                    LOG.warn(
                            "partition {}: deleting the replica this node gave away failed: {}",
                            entry.getKey(),
                            e.toString());
                }
            }
        }
    }

    private void setConfiguration(RaftClient admin, int p, List<Member> next, List<Member> listeners)
            throws IOException {
        RaftClientReply reply = admin.admin()
                .setConfiguration(
                        peers(next), listeners.stream().map(Member::listener).toList());
        if (!reply.isSuccess()) {
            throw new IOException("partition " + p + ": the configuration " + next + " (listeners " + listeners
                    + ") was refused: " + reply.getException());
        }
    }

    /**
     * A client of partition {@code p}'s group with {@code peers} for membership changes: each attempt waits up to a
     * request timeout, 60 attempts half a second apart (a new replica catching up from a copy of a large partition
     * takes a while; meanwhile the leader answers that a change is in progress).
     */
    private RaftClient adminClient(int p, List<Member> peers) {
        return RaftClient.newBuilder()
                .setRaftGroup(RaftGroup.valueOf(groupId(p), peers(peers)))
                .setProperties(clientProperties)
                .setParameters(parameters)
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        60, TimeDuration.valueOf(500, TimeUnit.MILLISECONDS)))
                .build();
    }

    /** Closes the clients, then the Raft server (which closes the state machines), then the replicas' host. */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        closing = true;
        membership.shutdownNow();
        try {
            membership.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        controller.close();
        controller.closeProvisioner();
        statusAsking.shutdownNow();
        List<RaftClient> all = new ArrayList<>(clients.values());
        all.addAll(statusClients.values());
        all.addAll(peerClients.values());
        all.addAll(leftClients.values());
        for (RaftClient client : all) {
            try {
                client.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        try {
            server.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        } finally {
            for (int p : List.copyOf(retired.keySet())) {
                try {
                    deleteRetired(p);
                } catch (RuntimeException e) {
                    LOG.warn("partition {}: deleting the replica this node gave away failed: {}", p, e.toString());
                }
            }
            host.close();
        }
        LOG.debug("node {} stopped", self.id());
        if (failure != null) {
            throw failure;
        }
    }
}
