package dev.granary;

import dev.granary.auth.MasterKey;
import dev.granary.storage.DiskReserve;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The server's configuration, from flags first, then {@code GRANARY_*} environment variables, then defaults.
 *
 * @param address bind address: {@code --address} / {@code GRANARY_ADDRESS}, default 0.0.0.0
 * @param port S3 port: {@code --port} / {@code GRANARY_PORT}, default 9000 (0 picks a free one)
 * @param dataDir data folder: {@code --data} / {@code GRANARY_DATA}, default ./data
 * @param partitions storage partitions of a new data folder: {@code --partitions} / {@code GRANARY_PARTITIONS};
 *     0 (the default) means the count an existing folder was created with, 8 for a new one
 * @param region the region signed into requests: {@code --region} / {@code GRANARY_REGION}, default us-east-1
 * @param domain virtual-host domain ({@code <bucket>.<domain>}): {@code --domain} / {@code GRANARY_DOMAIN},
 *     default none (path style only)
 * @param rootUser root access key: {@code GRANARY_ROOT_USER}, default {@value #DEFAULT_ROOT_USER}
 * @param rootPassword root secret key: {@code GRANARY_ROOT_PASSWORD}, default {@value #DEFAULT_ROOT_PASSWORD}
 * @param syncWrites acknowledge writes only once fsync'ed: {@code --no-sync} / {@code GRANARY_SYNC=false}
 *     turns it off for benchmarks; default on
 * @param adminPort admin listener port (usage API, /metrics) on the same address: {@code --admin-port} /
 *     {@code GRANARY_ADMIN_PORT}, default 9001 (0 picks a free one)
 * @param metering whether requests are metered: {@code --metering on|off} / {@code GRANARY_METERING}, default on;
 *     off swaps in a sink that drops every record (to measure metering's cost), and the admin usage API answers 503
 * @param meteringFlush how often usage is written durably, the most a crash can lose:
 *     {@code --metering-flush SECONDS} / {@code GRANARY_METERING_FLUSH}, default 10
 * @param accessLog the access log: {@code on} (file {@code access-logs/access.log} in the data folder), {@code off},
 *     {@code log} (SLF4J logger {@code granary.access}) or the folder to write {@code access.log} to:
 *     {@code --access-log} / {@code GRANARY_ACCESS_LOG}, default off (as S3 server access logging is; it costs
 *     a noticeable share of small-request throughput)
 * @param masterKey the key user secrets are encrypted under at rest, base64 of 32 bytes: {@code --master-key} /
 *     {@code GRANARY_MASTER_KEY} (prefer the variable: flags show in process lists); default none, which means the
 *     key in {@code master.key} in the data folder, generated on first start
 * @param lifecycleInterval how often the lifecycle worker carries out buckets' rules:
 *     {@code --lifecycle-interval SECONDS} / {@code GRANARY_LIFECYCLE_INTERVAL}, default 3600; 0 turns the
 *     background passes off (a pass can still be run through {@link Granary#lifecycle})
 * @param tlsCert the PEM certificate chain (server certificate first) of HTTPS on both ports: {@code --tls-cert} /
 *     {@code GRANARY_TLS_CERT}; default none (plain HTTP). Given with {@code tlsKey} or not at all
 * @param tlsKey the PEM private key of {@code tlsCert}: {@code --tls-key} / {@code GRANARY_TLS_KEY}
 * @param tlsWatch how often the two TLS files are looked at for a change, which is then loaded (a renewal):
 *     {@code --tls-watch SECONDS} / {@code GRANARY_TLS_WATCH}, default 5; 0 for never (SIGHUP still reloads)
 * @param readTimeout how long the S3 port waits for a client that sends nothing while a request is expected or
 *     its body is being read: {@code --read-timeout SECONDS} / {@code GRANARY_READ_TIMEOUT}, default 30. The
 *     connection is then closed, so a client that stalls mid-upload holds a worker thread no longer than this
 * @param diskReserve the free space writes leave on the data folder's filesystem, for deletes and the database's
 *     own work: a write that would leave less is refused (507 InsufficientStorage) until space is freed.
 *     {@code --disk-reserve} / {@code GRANARY_DISK_RESERVE}: a size ({@code 512MiB}, {@code 2GB}, bytes) or a share
 *     of the filesystem ({@code 5%}); default 1 GiB or 1%, whichever is larger; 0 for none (writes then go on until
 *     the disk itself is full, and fail then)
 * @param cluster this node's place in a cluster ({@link ClusterConfig}), or null for a standalone server
 */
public record GranaryConfig(
        String address,
        int port,
        Path dataDir,
        int partitions,
        String region,
        String domain,
        String rootUser,
        String rootPassword,
        boolean syncWrites,
        int adminPort,
        boolean metering,
        Duration meteringFlush,
        String accessLog,
        String masterKey,
        Duration lifecycleInterval,
        Path tlsCert,
        Path tlsKey,
        Duration tlsWatch,
        Duration readTimeout,
        DiskReserve diskReserve,
        ClusterConfig cluster) {

    public static final String DEFAULT_ROOT_USER = "granaryadmin";
    public static final String DEFAULT_ROOT_PASSWORD = "granaryadmin";

    public GranaryConfig {
        require(port >= 0 && port <= 65535, "--port must be 0..65535, got " + port);
        require(partitions >= 0 && partitions <= 1024, "--partitions must be 1..1024, got " + partitions);
        require(region != null && region.matches("[a-z0-9-]+"), "--region must be like us-east-1, got " + region);
        require(rootUser != null && rootUser.length() >= 3, "GRANARY_ROOT_USER must have at least 3 characters");
        require(
                rootPassword != null && rootPassword.length() >= 8,
                "GRANARY_ROOT_PASSWORD must have at least 8 characters");
        require(adminPort >= 0 && adminPort <= 65535, "--admin-port must be 0..65535, got " + adminPort);
        require(
                meteringFlush != null && !meteringFlush.isNegative() && !meteringFlush.isZero(),
                "--metering-flush must be a positive number of seconds");
        require(accessLog != null && !accessLog.isBlank(), "--access-log must be on, off, log or a folder");
        require(
                lifecycleInterval != null && !lifecycleInterval.isNegative(),
                "--lifecycle-interval must be a number of seconds, 0 for off");
        require(
                (tlsCert == null) == (tlsKey == null),
                "--tls-cert and --tls-key (GRANARY_TLS_CERT, GRANARY_TLS_KEY) go together: give both or neither");
        require(tlsWatch != null && !tlsWatch.isNegative(), "--tls-watch must be a number of seconds, 0 for off");
        require(
                readTimeout != null && readTimeout.compareTo(Duration.ofSeconds(1)) >= 0,
                "--read-timeout must be at least 1 second");
        require(diskReserve != null, "--disk-reserve must be a size or a share of the disk, 0 for none");
        if (masterKey != null) {
            try {
                MasterKey.fromBase64(masterKey);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--master-key / GRANARY_MASTER_KEY: " + e.getMessage(), e);
            }
        }
    }

    /** The configuration with the metering defaults and an ephemeral admin port (for embedding and tests). */
    public GranaryConfig(
            String address,
            int port,
            Path dataDir,
            int partitions,
            String region,
            String domain,
            String rootUser,
            String rootPassword,
            boolean syncWrites) {
        this(
                address,
                port,
                dataDir,
                partitions,
                region,
                domain,
                rootUser,
                rootPassword,
                syncWrites,
                0,
                true,
                Duration.ofSeconds(10),
                "on",
                null,
                Duration.ofHours(1),
                null,
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(30),
                DiskReserve.DEFAULT,
                null);
    }

    /** This configuration serving HTTPS with the given PEM files (see {@link #tlsCert()}), watched every {@code watch}. */
    public GranaryConfig withTls(Path cert, Path key, Duration watch) {
        return with(cert, key, watch, readTimeout, cluster);
    }

    /** This configuration with another {@link #readTimeout()}. */
    public GranaryConfig withReadTimeout(Duration timeout) {
        return with(tlsCert, tlsKey, tlsWatch, timeout, cluster);
    }

    /** This configuration as a node of a cluster. */
    public GranaryConfig withCluster(ClusterConfig node) {
        return with(tlsCert, tlsKey, tlsWatch, readTimeout, node);
    }

    private GranaryConfig with(Path cert, Path key, Duration watch, Duration timeout, ClusterConfig node) {
        return new GranaryConfig(
                address,
                port,
                dataDir,
                partitions,
                region,
                domain,
                rootUser,
                rootPassword,
                syncWrites,
                adminPort,
                metering,
                meteringFlush,
                accessLog,
                masterKey,
                lifecycleInterval,
                cert,
                key,
                watch,
                timeout,
                diskReserve,
                node);
    }

    /** Whether both ports serve HTTPS. */
    public boolean tls() {
        return tlsCert != null;
    }

    /** The configured master key, or null when it comes from the data folder's key file. */
    public MasterKey configuredMasterKey() {
        return masterKey == null ? null : MasterKey.fromBase64(masterKey);
    }

    /** The key file used when no master key is configured. */
    public Path masterKeyFile() {
        return dataDir.resolve("master.key");
    }

    /** Everything but the secrets (root password, master key). */
    @Override
    public String toString() {
        return "GranaryConfig[address=" + address + ", port=" + port + ", dataDir=" + dataDir + ", partitions="
                + partitions + ", region=" + region + ", domain=" + domain + ", rootUser=" + rootUser
                + ", rootPassword=****, syncWrites=" + syncWrites + ", adminPort=" + adminPort + ", metering="
                + metering + ", meteringFlush=" + meteringFlush + ", accessLog=" + accessLog + ", masterKey="
                + (masterKey == null ? "(key file)" : "****") + ", lifecycleInterval=" + lifecycleInterval
                + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", tlsWatch=" + tlsWatch + ", readTimeout="
                + readTimeout + ", diskReserve=" + diskReserve + "]";
    }

    /** The folder of the access log file, or null when there is none. */
    public Path accessLogDir() {
        return switch (accessLog) {
            case "off", "log" -> null;
            case "on" -> dataDir.resolve("access-logs");
            default -> Path.of(accessLog);
        };
    }

    /** Whether the root credentials are the printed defaults. */
    public boolean defaultCredentials() {
        return DEFAULT_ROOT_USER.equals(rootUser) && DEFAULT_ROOT_PASSWORD.equals(rootPassword);
    }

    /** Parses {@code --name value} / {@code --name=value} flags over the environment. */
    public static GranaryConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (name.equals("no-sync")) {
                value = "false";
                name = "sync";
            } else {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("flag --" + name + " needs a value");
                }
                value = args[++i];
            }
            if (!java.util.Set.of(
                            "address",
                            "port",
                            "data",
                            "partitions",
                            "region",
                            "domain",
                            "sync",
                            "admin-port",
                            "metering",
                            "metering-flush",
                            "access-log",
                            "master-key",
                            "lifecycle-interval",
                            "tls-cert",
                            "tls-key",
                            "tls-watch",
                            "read-timeout",
                            "disk-reserve",
                            "node-id",
                            "members",
                            "join",
                            "raft-address",
                            "dead-after",
                            "move-bandwidth",
                            "zone",
                            "autoscale",
                            "autoscale-policy",
                            "provisioner",
                            "provisioner-statefulset",
                            "cluster-name",
                            "replicas")
                    .contains(name)) {
                throw new IllegalArgumentException("unknown flag --" + name);
            }
            flags.put(name, value);
        }
        return new GranaryConfig(
                setting(flags, env, "address", "0.0.0.0"),
                intSetting(flags, env, "port", 9000),
                Path.of(setting(flags, env, "data", "data")),
                intSetting(flags, env, "partitions", 0),
                setting(flags, env, "region", "us-east-1"),
                setting(flags, env, "domain", ""),
                env.getOrDefault("GRANARY_ROOT_USER", DEFAULT_ROOT_USER),
                env.getOrDefault("GRANARY_ROOT_PASSWORD", DEFAULT_ROOT_PASSWORD),
                Boolean.parseBoolean(setting(flags, env, "sync", "true")),
                intSetting(flags, env, "admin-port", 9001),
                onOff(flags, env, "metering", true),
                Duration.ofSeconds(intSetting(flags, env, "metering-flush", 10)),
                setting(flags, env, "access-log", "off"),
                setting(flags, env, "master-key", null),
                Duration.ofSeconds(intSetting(flags, env, "lifecycle-interval", 3600)),
                pathSetting(flags, env, "tls-cert"),
                pathSetting(flags, env, "tls-key"),
                Duration.ofSeconds(intSetting(flags, env, "tls-watch", 5)),
                Duration.ofSeconds(intSetting(flags, env, "read-timeout", 30)),
                diskReserve(flags, env),
                cluster(flags, env));
    }

    private static ClusterConfig cluster(Map<String, String> flags, Map<String, String> env) {
        String members = setting(flags, env, "members", null);
        String join = setting(flags, env, "join", null);
        String nodeId = setting(flags, env, "node-id", null);
        if (members == null && join == null && nodeId == null) {
            return null;
        }
        require(
                members == null || join == null,
                "--members (a founding member) and --join (a node joining a running cluster) exclude each other");
        require(
                (members != null || join != null) && nodeId != null,
                "--node-id and --members (GRANARY_NODE_ID, GRANARY_MEMBERS) go "
                        + "together: give both for a node of a cluster, neither for a standalone server");
        String name = setting(flags, env, "cluster-name", "granary");
        String secret = env.get("GRANARY_CLUSTER_SECRET");
        int replicas = intSetting(flags, env, "replicas", ClusterConfig.DEFAULT_REPLICAS);
        Duration deadAfter = Duration.ofSeconds(intSetting(flags, env, "dead-after", 60));
        require(!deadAfter.isNegative() && !deadAfter.isZero(), "--dead-after must be at least 1 (seconds)");
        int moveMiB = intSetting(
                flags, env, "move-bandwidth", (int) (dev.granary.cluster.RaftNode.DEFAULT_MOVE_BANDWIDTH >> 20));
        require(moveMiB >= 0, "--move-bandwidth must be 0 (no bound) or more (MiB/s), got " + moveMiB);
        long moveBandwidth = (long) moveMiB << 20;
        String zone = setting(flags, env, "zone", "");
        require(!zone.contains("\n"), "--zone must be one line");
        dev.granary.cluster.placement.Autoscaler.Config autoscale =
                autoscale(setting(flags, env, "autoscale", null), setting(flags, env, "autoscale-policy", ""));
        String provisioner = setting(flags, env, "provisioner", "none");
        require(
                provisioner.equals("none") || provisioner.equals("kubernetes"),
                "--provisioner must be none or kubernetes, got '" + provisioner + "'");
        String statefulSet =
                provisioner.equals("kubernetes") ? setting(flags, env, "provisioner-statefulset", "granary") : null;
        if (join == null) {
            return new ClusterConfig(
                    nodeId,
                    ClusterConfig.parseMembers(members),
                    name,
                    secret,
                    replicas,
                    null,
                    deadAfter,
                    autoscale,
                    statefulSet,
                    moveBandwidth,
                    zone);
        }
        String address = setting(flags, env, "raft-address", null);
        require(
                address != null,
                "--join needs --raft-address HOST:PORT (GRANARY_RAFT_ADDRESS): where this node's Raft"
                        + " server listens");
        dev.granary.cluster.RaftNode.Member self =
                ClusterConfig.parseMembers(nodeId + "=" + address).get(0);
        return new ClusterConfig(
                nodeId,
                ClusterConfig.parseMembers(join),
                name,
                secret,
                replicas,
                self,
                deadAfter,
                autoscale,
                statefulSet,
                moveBandwidth,
                zone);
    }

    /** {@code MIN-MAX} (e.g. {@code 1-5}) and the policy's overrides, or null when {@code range} is unset. */
    private static dev.granary.cluster.placement.Autoscaler.Config autoscale(String range, String policy) {
        if (range == null) {
            return null;
        }
        String[] bounds = range.split("-", -1);
        try {
            require(bounds.length == 2, "");
            return dev.granary.cluster.placement.Autoscaler.Config.parse(
                    Integer.parseInt(bounds[0].trim()), Integer.parseInt(bounds[1].trim()), policy);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--autoscale takes MIN-MAX nodes (e.g. 1-5) and --autoscale-policy name=value,...: " + range
                            + (e.getMessage() == null || e.getMessage().isEmpty() ? "" : " (" + e.getMessage() + ")"),
                    e);
        }
    }

    private static DiskReserve diskReserve(Map<String, String> flags, Map<String, String> env) {
        String v = setting(flags, env, "disk-reserve", null);
        if (v == null) {
            return DiskReserve.DEFAULT;
        }
        try {
            return DiskReserve.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--disk-reserve / GRANARY_DISK_RESERVE " + e.getMessage(), e);
        }
    }

    private static boolean onOff(Map<String, String> flags, Map<String, String> env, String name, boolean dflt) {
        String v = setting(flags, env, name, dflt ? "on" : "off").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException("--" + name + " must be on or off, got '" + v + "'");
        };
    }

    private static String setting(Map<String, String> flags, Map<String, String> env, String name, String dflt) {
        String v = flags.get(name);
        if (v == null) {
            v = env.get("GRANARY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return v == null ? dflt : v;
    }

    private static Path pathSetting(Map<String, String> flags, Map<String, String> env, String name) {
        String v = setting(flags, env, name, "");
        return v.isBlank() ? null : Path.of(v);
    }

    private static int intSetting(Map<String, String> flags, Map<String, String> env, String name, int dflt) {
        String v = setting(flags, env, name, Integer.toString(dflt));
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
