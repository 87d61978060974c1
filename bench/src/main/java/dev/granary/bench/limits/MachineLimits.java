package dev.granary.bench.limits;

import dev.granary.bench.load.JsonResults;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * Measures the ceilings a PUT workload runs into on this machine, for the object sizes of the load runs:
 *
 * <ul>
 *   <li><b>durable writes</b> on the disk of {@code --dir}: for objects under 1 MiB, appends of one object each
 *       followed by an fdatasync (one synced write at a time: group commit can go above it with concurrency);
 *       for 1 MiB and more, files of one object written sequentially in 1 MiB writes and fsync'd at the end, as
 *       a durable PUT of a large object needs;
 *   <li><b>hashing</b> on one core: MD5 (the ETag), CRC32C (per stored chunk) and SHA-256 (signed payloads) over
 *       1 MiB buffers.
 * </ul>
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.granary.bench.limits.MachineLimits --dir /tmp --size
 * 4KiB,1MiB,64MiB --seconds 3 [--json FILE] [--tsv FILE]} (TSV columns: kind, size, name, MiB/s, ops/s). Each probe runs for about {@code --seconds}; files are deleted.
 */
public final class MachineLimits {
    private static final int MIB = 1 << 20;

    private MachineLimits() {}

    /**
     * Runs the probes.
     *
     * @param args {@code --dir D --size LIST --seconds N --json FILE}
     */
    public static void main(String[] args) throws IOException, NoSuchAlgorithmException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        List<Integer> sizes = List.of(4 << 10, MIB, 64 * MIB);
        double seconds = 3;
        Path json = null;
        Path tsv = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--size", "--sizes" -> sizes = parseSizes(args[i + 1]);
                case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
                case "--json" -> json = Path.of(args[i + 1]);
                case "--tsv" -> tsv = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("every flag needs a value; flags: --dir --size --seconds --json --tsv");
        }
        long budget = (long) (seconds * 1e9);
        List<Map<String, Object>> rows = new ArrayList<>();
        Path scratch = Files.createTempDirectory(dir, "granary-limits");
        try {
            for (int size : sizes) {
                rows.add(size < MIB ? syncedAppends(scratch, size, budget) : syncedFiles(scratch, size, budget));
            }
        } finally {
            try (var files = Files.list(scratch)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(scratch);
        }
        for (String algorithm : List.of("MD5", "CRC32C", "SHA-256")) {
            rows.add(hashing(algorithm, budget));
        }
        System.out.printf(Locale.ROOT, "%-34s %10s %12s%n", "limit", "MiB/s", "ops/s");
        for (Map<String, Object> row : rows) {
            System.out.printf(
                    Locale.ROOT, "%-34s %10.1f %12.1f%n", row.get("name"), (Double) row.get("mibPerSec"), (Double)
                            row.get("opsPerSec"));
        }
        if (json != null) {
            Files.writeString(json, toJson(dir, rows));
        }
        if (tsv != null) {
            StringBuilder lines = new StringBuilder();
            for (Map<String, Object> row : rows) {
                lines.append(String.format(
                        Locale.ROOT,
                        "%s\t%s\t%s\t%.3f\t%.3f%n",
                        row.get("kind"),
                        formatSize((Integer) row.get("sizeBytes")),
                        row.get("name"),
                        (Double) row.get("mibPerSec"),
                        (Double) row.get("opsPerSec")));
            }
            Files.writeString(tsv, lines);
        }
    }

    /** Appends of {@code size} bytes to one file, each made durable before the next (fdatasync). */
    private static Map<String, Object> syncedAppends(Path dir, int size, long budgetNanos) throws IOException {
        ByteBuffer block = randomBuffer(size);
        long ops = 0;
        long start = System.nanoTime();
        long elapsed;
        try (FileChannel ch =
                FileChannel.open(dir.resolve("appends"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            do {
                block.rewind();
                while (block.hasRemaining()) {
                    ch.write(block);
                }
                ch.force(false);
                ops++;
                elapsed = System.nanoTime() - start;
            } while (elapsed < budgetNanos);
        }
        return row("fsync'd write " + formatSize(size) + " (each synced)", "disk", size, ops, elapsed);
    }

    /** Files of {@code size} bytes written in 1 MiB writes, each fsync'd once at its end. */
    private static Map<String, Object> syncedFiles(Path dir, int size, long budgetNanos) throws IOException {
        ByteBuffer block = randomBuffer(MIB);
        long ops = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            Path file = dir.resolve("file-" + ops);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (int written = 0; written < size; ) {
                    block.clear().limit(Math.min(MIB, size - written));
                    written += ch.write(block);
                }
                ch.force(true);
            }
            Files.delete(file); // keeps the disk footprint to one object; deleting is cheap next to the writes
            ops++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budgetNanos);
        return row("fsync'd file " + formatSize(size) + " (synced at end)", "disk", size, ops, elapsed);
    }

    /** One core hashing 1 MiB buffers. */
    private static Map<String, Object> hashing(String algorithm, long budgetNanos) throws NoSuchAlgorithmException {
        byte[] data = randomBuffer(MIB).array();
        MessageDigest digest = algorithm.equals("CRC32C") ? null : MessageDigest.getInstance(algorithm);
        CRC32C crc = new CRC32C();
        long ops = 0;
        long sink = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            if (digest != null) {
                sink += digest.digest(data)[0];
            } else {
                crc.reset();
                crc.update(data);
                sink += crc.getValue();
            }
            ops++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budgetNanos);
        if (sink == 42) {
            System.out.print(""); // keeps the JIT from dropping the work
        }
        return row(algorithm + " one core", "hash", MIB, ops, elapsed);
    }

    private static Map<String, Object> row(String name, String kind, int size, long ops, long nanos) {
        double seconds = nanos / 1e9;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("kind", kind);
        m.put("sizeBytes", size);
        m.put("ops", ops);
        m.put("seconds", seconds);
        m.put("opsPerSec", ops / seconds);
        m.put("mibPerSec", ops * (double) size / MIB / seconds);
        return m;
    }

    private static ByteBuffer randomBuffer(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static List<Integer> parseSizes(String list) {
        List<Integer> sizes = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) {
                continue;
            }
            int unit = t.endsWith("mib") || t.endsWith("m") ? MIB : t.endsWith("kib") || t.endsWith("k") ? 1024 : 1;
            sizes.add(Integer.parseInt(t.replaceAll("[a-z]", "")) * unit);
        }
        return sizes;
    }

    private static String formatSize(int size) {
        return size >= MIB ? size / MIB + "MiB" : size >= 1024 ? size / 1024 + "KiB" : size + "B";
    }

    static String toJson(Path dir, List<Map<String, Object>> rows) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("dir", dir.toString());
        document.put("limits", rows);
        return JsonResults.write(document);
    }
}
