package dev.granary.bench.load;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The driver's settings, parsed from {@code --name value} (or {@code --name=value}) flags. Each bad value fails
 * with a message naming its flag.
 *
 * @param endpoint the S3 endpoint, http on loopback
 * @param workloads workloads to run, in order
 * @param sizes object sizes to run each workload at, in bytes
 * @param concurrency worker threads, each with its own connection
 * @param duration measured time per workload and size
 * @param warmup unmeasured time before it
 * @param objects pre-populated objects, or 0 for a default per workload and size
 * @param bucket the bucket, created if missing
 * @param accessKey the access key
 * @param secretKey the secret key
 * @param region the region to sign for
 * @param serverPid the server process whose CPU time is measured, or 0 for none
 * @param client the client implementation
 * @param json where to write the results as JSON, or null
 * @param tsv a file to append one tab-separated line per result to (for scripts), or null
 * @param label a name for the target in reports, e.g. granary or s3proxy
 * @param prefix key prefix of this run, so runs never see each other's objects
 */
record LoadOptions(
        URI endpoint,
        List<Workload> workloads,
        List<Integer> sizes,
        int concurrency,
        Duration duration,
        Duration warmup,
        int objects,
        String bucket,
        String accessKey,
        String secretKey,
        String region,
        long serverPid,
        Client client,
        Path json,
        Path tsv,
        String label,
        String prefix) {

    /** The two client implementations. */
    enum Client {
        /** Granary's SigV4 signer over a raw keep-alive socket per worker: the default. */
        LEAN,
        /** The AWS SDK for Java v2, for cross-checking. */
        SDK
    }

    static final String USAGE = """
            usage: java -cp bench/target/benchmarks.jar dev.granary.bench.load.LoadDriver [flags]
              --endpoint URL       S3 endpoint (default http://127.0.0.1:9000; loopback only)
              --workload LIST      put,get,delete,stat,list,mixed (default put); comma-separated runs each
              --size LIST          object sizes, e.g. 4KiB,1MiB,64MiB (default 4KiB)
              --concurrency N      worker threads, one connection each (default 16)
              --duration D         measured time per workload and size, e.g. 10s, 1m (default 10s)
              --warmup D           unmeasured time before it (default 2s)
              --objects N          objects pre-populated for get/delete/stat/list/mixed (default depends on size)
              --bucket NAME        bucket, created if missing (default granary-bench)
              --access-key K       default $GRANARY_ROOT_USER, $AWS_ACCESS_KEY_ID or granaryadmin
              --secret-key S       default $GRANARY_ROOT_PASSWORD, $AWS_SECRET_ACCESS_KEY or granaryadmin
              --region R           region to sign for (default us-east-1)
              --server-pid PID     server process to measure CPU time per operation of (from /proc/PID/stat)
              --client lean|sdk    lean: Granary's signer over raw sockets (default); sdk: AWS SDK v2
              --json FILE          also write the results as JSON
              --tsv FILE           also append one tab-separated line per result (see Result.TSV_COLUMNS)
              --label NAME         the target's name in reports (default: the endpoint)
              --prefix P           key prefix of this run (default bench-<epoch seconds>)
            """;

    private static final Pattern SIZE =
            Pattern.compile("(\\d+)\\s*(b|k|kib|kb|m|mib|mb|g|gib|gb)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)?", Pattern.CASE_INSENSITIVE);
    private static final long MAX_SIZE = 1L << 30;

    /** Parses command-line flags; environment variables supply credential defaults. */
    static LoadOptions parse(String[] args) {
        URI endpoint = URI.create("http://127.0.0.1:9000");
        List<Workload> workloads = List.of(Workload.PUT);
        List<Integer> sizes = List.of(4 << 10);
        int concurrency = 16;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(2);
        int objects = 0;
        String bucket = "granary-bench";
        String accessKey = env("GRANARY_ROOT_USER", env("AWS_ACCESS_KEY_ID", "granaryadmin"));
        String secretKey = env("GRANARY_ROOT_PASSWORD", env("AWS_SECRET_ACCESS_KEY", "granaryadmin"));
        String region = "us-east-1";
        long serverPid = 0;
        Client client = Client.LEAN;
        Path json = null;
        Path tsv = null;
        String label = null;
        String prefix = "bench-" + System.currentTimeMillis() / 1000;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                throw new UsageException(null);
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument \"" + arg + "\"");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageException(arg + " needs a value");
            }
            try {
                switch (name) {
                    case "--endpoint" -> endpoint = URI.create(value);
                    case "--workload", "--workloads" ->
                        workloads = split(value).stream().map(Workload::parse).toList();
                    case "--size", "--sizes" ->
                        sizes = split(value).stream()
                                .map(LoadOptions::parseSize)
                                .toList();
                    case "--concurrency" -> concurrency = positive(Integer.parseInt(value));
                    case "--duration" -> duration = parseDuration(value);
                    case "--warmup" -> warmup = parseDuration(value);
                    case "--objects" -> objects = positive(Integer.parseInt(value));
                    case "--bucket" -> bucket = value;
                    case "--access-key" -> accessKey = value;
                    case "--secret-key" -> secretKey = value;
                    case "--region" -> region = value;
                    case "--server-pid" -> serverPid = Long.parseLong(value);
                    case "--client" -> client = Client.valueOf(value.toUpperCase(Locale.ROOT));
                    case "--json" -> json = Path.of(value);
                    case "--tsv" -> tsv = Path.of(value);
                    case "--label" -> label = value;
                    case "--prefix" -> prefix = value;
                    default -> throw new UsageException("unknown flag " + name);
                }
            } catch (IllegalArgumentException e) { // NumberFormatException is one
                if (e instanceof UsageException) {
                    throw e;
                }
                throw new UsageException(name + ": bad value \"" + value + "\": " + e.getMessage());
            }
        }
        if (!"http".equals(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new UsageException("--endpoint must be an http://host:port URL, not " + endpoint);
        }
        if (serverPid != 0 && !Files.exists(Path.of("/proc", Long.toString(serverPid), "stat"))) {
            throw new UsageException("--server-pid " + serverPid + ": no such process");
        }
        return new LoadOptions(
                endpoint,
                workloads,
                sizes,
                concurrency,
                duration,
                warmup,
                objects,
                bucket,
                accessKey,
                secretKey,
                region,
                serverPid,
                client,
                json,
                tsv,
                label == null ? endpoint.toString() : label,
                prefix);
    }

    /** The port of the endpoint, defaulting to 80 like any http URL. */
    int port() {
        return endpoint.getPort() < 0 ? 80 : endpoint.getPort();
    }

    /**
     * How many objects a workload pre-populates: enough that concurrent workers rarely pick the same one, about
     * a full listing page for LIST, many for DELETE (whose measured window consumes them; its warm-up deletes what
     * it writes), and no more than about 1 GiB in all.
     */
    int objectsFor(Workload workload, int size) {
        if (objects > 0) {
            return objects;
        }
        int wanted = switch (workload) {
            case DELETE -> 30_000;
            case LIST -> 2_000;
            default -> 1_000;
        };
        long byBudget = (1L << 30) / size;
        return (int) Math.max(concurrency * 2L, Math.min(wanted, byBudget));
    }

    /**
     * Parses a size such as 4KiB, 1MiB, 64MiB or 4096. KiB, MiB and GiB (and K, M, G) are binary; KB, MB and GB
     * decimal, as in warp.
     */
    static int parseSize(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        long bytes = switch (unit) {
            case "b" -> n;
            case "k", "kib" -> n << 10;
            case "kb" -> n * 1000;
            case "m", "mib" -> n << 20;
            case "mb" -> n * 1_000_000;
            case "g", "gib" -> n << 30;
            default -> n * 1_000_000_000; // gb
        };
        if (bytes < ObjectBody.MIN_SIZE || bytes > MAX_SIZE) {
            throw new IllegalArgumentException("size must be " + ObjectBody.MIN_SIZE + " bytes to 1 GiB, not " + text);
        }
        return (int) bytes;
    }

    /** Formats a size the way it is usually written: 4KiB, 1MiB, 64MiB, or bytes. */
    static String formatSize(long bytes) {
        if (bytes >= 1 << 30 && bytes % (1 << 30) == 0) {
            return (bytes >> 30) + "GiB";
        } else if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "MiB";
        } else if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("empty list");
        }
        return parts;
    }

    private static int positive(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException("must be positive");
        }
        return n;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isEmpty() ? fallback : value;
    }

    /** A bad command line: the message says what is wrong, or null when only the usage was asked for. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
