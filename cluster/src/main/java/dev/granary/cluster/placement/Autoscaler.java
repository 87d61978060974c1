package dev.granary.cluster.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides how many nodes the cluster runs, between a minimum and a maximum, from what the nodes measure. It scales
 * out when the cluster has been hot for a sustained window (CPU, requests per node, p99 latency or a full disk), and
 * in when it has been cold as long and would still be cold with one node fewer: the gap between the two is the
 * hysteresis that keeps one step from undoing the last. After a scale-out it neither scales out again nor in for
 * the cool-downs, and it holds while a change (a node joining, replicas moving, a drain) is in progress. Scale-in
 * names the node to drain: the one holding the fewest bytes, the newest of equals.
 *
 * <p>Given the time and the samples by its caller (no clock of its own), it is deterministic. Not thread-safe: one
 * controller asks it.
 */
public final class Autoscaler {
    /**
     * The policy's knobs: node count bounds; the hot thresholds (any one makes the cluster hot); the cold ones (all
     * must hold); how long each condition must last, and the cool-downs after a scale-out and a scale-in.
     * {@code requestsHigh} infinite leaves requests per node out of both judgements (CPU measures the same load).
     */
    public record Config(
            int minNodes,
            int maxNodes,
            double cpuHigh,
            double cpuLow,
            double requestsHigh,
            double requestsLow,
            double p99HighMillis,
            double diskHigh,
            Duration sustainHot,
            Duration sustainCold,
            Duration afterScaleOut,
            Duration afterScaleIn) {
        public Config {
            if (minNodes < 1 || maxNodes < minNodes) {
                throw new IllegalArgumentException("nodes between " + minNodes + " and " + maxNodes);
            }
            boolean requestsCount = !Double.isInfinite(requestsHigh);
            if (!(cpuLow < cpuHigh) || (requestsCount && !(requestsLow < requestsHigh))) {
                throw new IllegalArgumentException("a low threshold must be below its high one");
            }
            Objects.requireNonNull(sustainHot, "sustainHot");
            Objects.requireNonNull(sustainCold, "sustainCold");
            Objects.requireNonNull(afterScaleOut, "afterScaleOut");
            Objects.requireNonNull(afterScaleIn, "afterScaleIn");
        }

        /**
         * Defaults for nodes between {@code min} and {@code max}: hot at 70% CPU, 2,000 requests/s per node, a p99
         * over 250 ms or a disk 80% full, for 2 minutes; cold under 25% CPU and 500 requests/s per node for 10
         * minutes; 5 minutes after a scale-out and 10 after a scale-in before the next step.
         */
        /**
         * {@link #defaults} with {@code overrides} applied: {@code name=value} pairs separated by commas, the names
         * those of this record's components ({@code p99High} for {@code p99HighMillis}), durations as {@code 500ms},
         * {@code 30s}, {@code 2m}; an empty string changes nothing.
         *
         * @throws IllegalArgumentException naming the pair it cannot read
         */
        public static Config parse(int min, int max, String overrides) {
            Config d = defaults(min, max);
            double cpuHigh = d.cpuHigh();
            double cpuLow = d.cpuLow();
            double requestsHigh = d.requestsHigh();
            double requestsLow = d.requestsLow();
            double p99High = d.p99HighMillis();
            double diskHigh = d.diskHigh();
            Duration sustainHot = d.sustainHot();
            Duration sustainCold = d.sustainCold();
            Duration afterOut = d.afterScaleOut();
            Duration afterIn = d.afterScaleIn();
            for (String pair : overrides.split(",", -1)) {
                if (pair.isBlank()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
                String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
                try {
                    switch (name) {
                        case "cpuHigh" -> cpuHigh = Double.parseDouble(value);
                        case "cpuLow" -> cpuLow = Double.parseDouble(value);
                        case "requestsHigh" -> requestsHigh = Double.parseDouble(value);
                        case "requestsLow" -> requestsLow = Double.parseDouble(value);
                        case "p99High" -> p99High = Double.parseDouble(value);
                        case "diskHigh" -> diskHigh = Double.parseDouble(value);
                        case "sustainHot" -> sustainHot = duration(value);
                        case "sustainCold" -> sustainCold = duration(value);
                        case "afterScaleOut" -> afterOut = duration(value);
                        case "afterScaleIn" -> afterIn = duration(value);
                        default -> throw new IllegalArgumentException("unknown setting");
                    }
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("autoscaler policy: cannot read '" + pair.trim() + "'", e);
                }
            }
            return new Config(
                    min,
                    max,
                    cpuHigh,
                    cpuLow,
                    requestsHigh,
                    requestsLow,
                    p99High,
                    diskHigh,
                    sustainHot,
                    sustainCold,
                    afterOut,
                    afterIn);
        }

        private static Duration duration(String value) {
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
            }
            long amount = Long.parseLong(value.substring(0, value.length() - 1));
            return switch (value.charAt(value.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException("not a duration: " + value);
            };
        }

        public static Config defaults(int min, int max) {
            return new Config(
                    min,
                    max,
                    0.70,
                    0.25,
                    2_000,
                    500,
                    250,
                    0.80,
                    Duration.ofMinutes(2),
                    Duration.ofMinutes(10),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(10));
        }
    }

    /** One node's latest measurements: requests per second, CPU busy (0-1), stored and free bytes, p99 latency. */
    public record NodeLoad(
            String node, double requestsPerSecond, double cpu, long storedBytes, long freeBytes, double p99Millis) {
        public NodeLoad {
            Objects.requireNonNull(node, "node");
        }

        double diskUsed() {
            long total = storedBytes + freeBytes;
            return total <= 0 ? 0 : (double) storedBytes / total;
        }
    }

    /** What a decision does. */
    public enum Action {
        HOLD,
        SCALE_OUT,
        SCALE_IN
    }

    /**
     * A decision: the action, the node count before and after it, the node to drain (scale-in only), and why, in
     * words an operator reads in the admin API.
     */
    public record Decision(Instant at, Action action, int nodes, int targetNodes, String drain, String reason) {}

    private static final int KEPT_DECISIONS = 100;

    private final Config config;
    private Instant hotSince;
    private Instant coldSince;
    private Instant lastScaleOut;
    private Instant lastScaleIn;
    private Decision last;
    /** The last decisions that were not holds, newest last. */
    private final Deque<Decision> taken = new ArrayDeque<>();

    public Autoscaler(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public Config config() {
        return config;
    }

    /**
     * The decision for the cluster of {@code loads} (one per node that is up, not draining) at {@code now};
     * {@code changing} says a change is in progress (a node joining, replicas moving, a drain), which it waits for.
     */
    public Decision decide(Instant now, List<NodeLoad> loads, boolean changing) {
        Objects.requireNonNull(now, "now");
        int nodes = loads.size();
        // A window counts from the end of a change, not through it: moving replicas is load of its own.
        String hot = changing ? null : hot(loads);
        String cold = hot == null && !changing ? cold(loads) : null;
        hotSince = hot == null ? null : hotSince == null ? now : hotSince;
        coldSince = cold == null ? null : coldSince == null ? now : coldSince;
        Decision decision;
        if (changing) {
            decision = hold(now, nodes, "a change is in progress");
        } else if (nodes < config.minNodes()) {
            decision = scaleOut(now, nodes, config.minNodes(), "below the minimum of " + config.minNodes() + " nodes");
        } else if (nodes > config.maxNodes()) {
            decision = scaleIn(now, loads, "above the maximum of " + config.maxNodes() + " nodes");
        } else if (hot != null) {
            decision = whenHot(now, loads, hot);
        } else if (cold != null) {
            decision = whenCold(now, loads, cold);
        } else {
            decision = hold(now, nodes, "load within bounds");
        }
        last = decision;
        if (decision.action() != Action.HOLD) {
            taken.addLast(decision);
            while (taken.size() > KEPT_DECISIONS) {
                taken.removeFirst();
            }
        }
        return decision;
    }

    /** The last decision, or null before the first. */
    public Decision last() {
        return last;
    }

    /** The last (up to 100) decisions that scaled, oldest first. */
    public List<Decision> taken() {
        return List.copyOf(taken);
    }

    private Decision whenHot(Instant now, List<NodeLoad> loads, String hot) {
        int nodes = loads.size();
        if (nodes >= config.maxNodes()) {
            return hold(now, nodes, hot + ", but at the maximum of " + config.maxNodes() + " nodes");
        }
        Duration held = Duration.between(hotSince, now);
        if (held.compareTo(config.sustainHot()) < 0) {
            return hold(now, nodes, hot + " for " + seconds(held) + " of " + seconds(config.sustainHot()));
        }
        if (lastScaleOut != null && Duration.between(lastScaleOut, now).compareTo(config.afterScaleOut()) < 0) {
            return hold(now, nodes, hot + ", cooling down after the last scale-out");
        }
        return scaleOut(now, nodes, outTarget(loads), hot + " for " + seconds(held));
    }

    private Decision whenCold(Instant now, List<NodeLoad> loads, String cold) {
        int nodes = loads.size();
        if (nodes <= config.minNodes()) {
            return hold(now, nodes, cold + ", at the minimum of " + config.minNodes() + " nodes");
        }
        Duration held = Duration.between(coldSince, now);
        if (held.compareTo(config.sustainCold()) < 0) {
            return hold(now, nodes, cold + " for " + seconds(held) + " of " + seconds(config.sustainCold()));
        }
        if (lastScaleOut != null && Duration.between(lastScaleOut, now).compareTo(config.afterScaleOut()) < 0) {
            return hold(now, nodes, cold + ", cooling down after the last scale-out");
        }
        if (lastScaleIn != null && Duration.between(lastScaleIn, now).compareTo(config.afterScaleIn()) < 0) {
            return hold(now, nodes, cold + ", cooling down after the last scale-in");
        }
        return scaleIn(now, loads, cold + " for " + seconds(held));
    }

    /** Why the cluster is hot, or null: the first threshold it is over. */
    private String hot(List<NodeLoad> loads) {
        if (loads.isEmpty()) {
            return null;
        }
        double cpu = average(loads, NodeLoad::cpu);
        if (cpu > config.cpuHigh()) {
            return String.format(Locale.ROOT, "CPU %.0f%% over %.0f%%", cpu * 100, config.cpuHigh() * 100);
        }
        double requests = average(loads, NodeLoad::requestsPerSecond);
        if (requests > config.requestsHigh()) {
            return String.format(Locale.ROOT, "%.0f requests/s per node over %.0f", requests, config.requestsHigh());
        }
        double p99 = average(loads, NodeLoad::p99Millis);
        if (p99 > config.p99HighMillis()) {
            return String.format(Locale.ROOT, "p99 %.0f ms over %.0f ms", p99, config.p99HighMillis());
        }
        NodeLoad fullest = loads.stream()
                .max(Comparator.comparingDouble(NodeLoad::diskUsed))
                .orElseThrow();
        if (fullest.diskUsed() > config.diskHigh()) {
            return String.format(
                    Locale.ROOT,
                    "disk of %s %.0f%% full, over %.0f%%",
                    fullest.node(),
                    fullest.diskUsed() * 100,
                    config.diskHigh() * 100);
        }
        return null;
    }

    /**
     * Why the cluster is cold enough to lose a node, or null: under both low thresholds, and with the load of one
     * node fewer spread on the others still under the high ones with a margin (and the data still fitting).
     */
    private String cold(List<NodeLoad> loads) {
        int nodes = loads.size();
        if (nodes < 2) {
            return null;
        }
        double cpu = average(loads, NodeLoad::cpu);
        double requests = average(loads, NodeLoad::requestsPerSecond);
        if (cpu >= config.cpuLow() || (countsRequests() && requests >= config.requestsLow())) {
            return null;
        }
        double spread = (double) nodes / (nodes - 1);
        long stored = loads.stream().mapToLong(NodeLoad::storedBytes).sum();
        long capacity =
                loads.stream().mapToLong(l -> l.storedBytes() + l.freeBytes()).sum();
        long capacityAfter = capacity - capacity / nodes;
        if (cpu * spread > config.cpuHigh() * 0.8
                || requests * spread > config.requestsHigh() * 0.8
                || stored > capacityAfter * config.diskHigh() * 0.9) {
            return null;
        }
        String why = String.format(Locale.ROOT, "CPU %.0f%% under %.0f%%", cpu * 100, config.cpuLow() * 100);
        return countsRequests()
                ? why
                        + String.format(
                                Locale.ROOT, " and %.0f requests/s per node under %.0f", requests, config.requestsLow())
                : why;
    }

    private boolean countsRequests() {
        return !Double.isInfinite(config.requestsHigh());
    }

    private Decision scaleOut(Instant now, int nodes, int target, String reason) {
        lastScaleOut = now;
        hotSince = null;
        return new Decision(now, Action.SCALE_OUT, nodes, target, null, reason);
    }

    /**
     * How many nodes to scale out to: enough for the measure furthest over its threshold to fall to 80% of it if the
     * load spread evenly over them (CPU and requests per node fall with the node count, and so does the fullest
     * disk's share); at least one more, at most twice as many, and within the maximum. Scale-in goes one node at a
     * time: every node it removes is drained first.
     */
    private int outTarget(List<NodeLoad> loads) {
        int nodes = loads.size();
        double pressure = average(loads, NodeLoad::cpu) / config.cpuHigh();
        if (countsRequests()) {
            pressure = Math.max(pressure, average(loads, NodeLoad::requestsPerSecond) / config.requestsHigh());
        }
        double fullest = loads.stream().mapToDouble(NodeLoad::diskUsed).max().orElse(0);
        pressure = Math.max(pressure, fullest / config.diskHigh());
        int wanted = (int) Math.ceil(nodes * pressure / 0.8);
        return Math.min(config.maxNodes(), Math.max(nodes + 1, Math.min(wanted, 2 * nodes)));
    }

    private Decision scaleIn(Instant now, List<NodeLoad> loads, String reason) {
        lastScaleIn = now;
        coldSince = null;
        NodeLoad drain = loads.stream()
                .min(Comparator.comparingLong(NodeLoad::storedBytes)
                        .thenComparing(NodeLoad::node, Comparator.reverseOrder()))
                .orElseThrow();
        return new Decision(now, Action.SCALE_IN, loads.size(), loads.size() - 1, drain.node(), reason);
    }

    private static Decision hold(Instant now, int nodes, String reason) {
        return new Decision(now, Action.HOLD, nodes, nodes, null, reason);
    }

    private static double average(List<NodeLoad> loads, java.util.function.ToDoubleFunction<NodeLoad> metric) {
        return loads.stream().mapToDouble(metric).average().orElse(0);
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}
