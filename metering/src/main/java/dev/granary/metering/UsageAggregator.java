package dev.granary.metering;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts requests per minute window and {@link UsageKey} in striped counters ({@link LongAdder}), without locks
 * on the request path, and writes them to a {@link RowStore} when {@link #flush} is called.
 *
 * <p>Rows hold absolute values for their window, never increments, so writing a window twice is harmless
 * (the flush is idempotent) and a crash loses only what was counted since the last successful flush. Each
 * process writes under its own writer id, so the rows of a window written before a restart are never
 * overwritten by the counts of the process after it. Minute rows older than the retention are rolled up into
 * hour rows by {@link #rollUp}, in one atomic write that adds them to the hour rows and deletes them.
 *
 * <pre>
 * u/m/&lt;epoch minute, 10 digits&gt;/&lt;writer&gt;/&lt;dimensions&gt; -> counts   (minute rows)
 * u/h/&lt;epoch hour, 8 digits&gt;/&lt;dimensions&gt;                 -> counts   (hour rows)
 * </pre>
 *
 * Windows are by the time a request completes, so a window stops changing one minute after it ends and can be
 * dropped from memory once written.
 */
public final class UsageAggregator implements UsageSink {
    private static final String MINUTES = "u/m/";
    private static final String HOURS = "u/h/";

    private final RowStore rows;
    private final Clock clock;
    private final Duration retention;
    private final String writer;
    /** The minute windows in memory, by epoch minute. */
    private final ConcurrentHashMap<Long, Window> live = new ConcurrentHashMap<>();
    /** The window requests are counted in now: one volatile read instead of a map lookup per request. */
    private volatile Window current = new Window(-1);

    /**
     * @param rows where rows go
     * @param clock the window clock
     * @param retention how long minute rows are kept before they are rolled up into hours (at least an hour)
     */
    public UsageAggregator(RowStore rows, Clock clock, Duration retention) {
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("minute retention must be at least one hour, got " + retention);
        }
        this.rows = rows;
        this.clock = clock;
        this.retention = retention;
        this.writer = String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** One minute's cells. */
    private record Window(long minute, ConcurrentHashMap<UsageKey, Counters> cells) {
        Window(long minute) {
            this(minute, new ConcurrentHashMap<>());
        }
    }

    /** The striped counters of one cell. */
    private static final class Counters {
        final LongAdder requests = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        UsageCounts snapshot() {
            return new UsageCounts(requests.sum(), errors.sum(), bytesIn.sum(), bytesOut.sum());
        }
    }

    @Override
    public void record(UsageRecord r) {
        long minute = clock.millis() / 60_000;
        Window w = current;
        if (w.minute() != minute) {
            w = live.computeIfAbsent(minute, Window::new);
            if (minute > current.minute()) {
                current = w;
            }
        }
        UsageKey key = UsageKey.of(r);
        Counters c = w.cells().get(key);
        if (c == null) {
            c = w.cells().computeIfAbsent(key, k -> new Counters());
        }
        c.requests.increment();
        if (r.isError()) {
            c.errors.increment();
        }
        c.bytesIn.add(r.bytesIn());
        c.bytesOut.add(r.bytesOut());
    }

    /**
     * Writes the absolute counts of every window in memory, then forgets the windows that ended over a minute
     * ago and did not change meanwhile. On failure nothing is forgotten and the exception propagates: the next
     * flush writes the same windows again.
     */
    public synchronized void flush() {
        Map<Window, Map<UsageKey, UsageCounts>> snapshot = new HashMap<>();
        Map<String, byte[]> writes = new TreeMap<>();
        live.forEach((minute, window) -> {
            Map<UsageKey, UsageCounts> counts = snapshot(window);
            snapshot.put(window, counts);
            counts.forEach((key, c) -> writes.put(minuteKey(minute, writer, key), encode(c)));
        });
        rows.apply(writes);
        long now = clock.millis() / 60_000;
        snapshot.forEach((window, counts) -> {
            // A request that read the window before it was removed may still count into it: such a late count
            // shows as a change, and the window stays for the next flush.
            if (window.minute() < now - 1 && snapshot(window).equals(counts)) {
                live.remove(window.minute(), window);
            }
        });
    }

    private static Map<UsageKey, UsageCounts> snapshot(Window window) {
        Map<UsageKey, UsageCounts> counts = new HashMap<>();
        window.cells().forEach((key, c) -> counts.put(key, c.snapshot()));
        return counts;
    }

    /**
     * Moves minute rows older than the retention into hour rows: one atomic write adds each hour's minute rows to
     * its hour row and deletes them, so running it again (or after a crash) counts nothing twice. The write holds
     * only if every row it read is as it was read: where several processes share the rows (the nodes of a cluster,
     * each rolling up), one of two concurrent roll-ups wins and the other changes nothing.
     *
     * @return whether the rows were rolled up (also when there was nothing to do); false when another writer changed
     *     them meanwhile (the next roll-up tries again)
     */
    public synchronized boolean rollUp() {
        long cutoffMinute = (clock.millis() - retention.toMillis()) / 3_600_000 * 60; // whole hours only
        Map<String, UsageCounts> hours = new TreeMap<>();
        Map<String, byte[]> expected = new TreeMap<>();
        Map<String, byte[]> writes = new TreeMap<>();
        rows.scan(MINUTES, minutePrefix(cutoffMinute), (k, v) -> {
            MinuteKey mk = parseMinuteKey(k);
            hours.merge(hourKey(mk.minute() / 60, mk.key()), decode(v), UsageCounts::plus);
            expected.put(k, v);
            writes.put(k, null);
        });
        if (writes.isEmpty()) {
            return true;
        }
        for (Map.Entry<String, UsageCounts> h : hours.entrySet()) {
            byte[][] stored = {null};
            rows.scan(h.getKey(), h.getKey() + "\0", (k, v) -> stored[0] = v);
            expected.put(h.getKey(), stored[0]);
            UsageCounts existing = stored[0] == null ? UsageCounts.ZERO : decode(stored[0]);
            writes.put(h.getKey(), encode(existing.plus(h.getValue())));
        }
        return rows.apply(expected, writes);
    }

    /**
     * Usage in windows overlapping {@code [from, to)}: the stored rows with what is counted in memory and not yet
     * written laid over them.
     */
    public List<UsageRow> query(Instant from, Instant to) {
        long fromMinute = Math.floorDiv(from.toEpochMilli(), 60_000);
        long toMinute = Math.floorDiv(to.toEpochMilli() - 1, 60_000) + 1; // exclusive
        Map<String, UsageRow> result = new TreeMap<>();
        rows.scan(minutePrefix(Math.max(0, fromMinute)), minutePrefix(Math.max(0, toMinute)), (k, v) -> {
            MinuteKey mk = parseMinuteKey(k);
            result.put(k, new UsageRow(Instant.ofEpochSecond(mk.minute() * 60), 1, mk.key(), decode(v)));
        });
        long fromHour = Math.max(0, Math.floorDiv(fromMinute, 60));
        long toHour = Math.max(0, Math.floorDiv(toMinute - 1, 60) + 1);
        rows.scan(HOURS + String.format("%08d", fromHour), HOURS + String.format("%08d", toHour), (k, v) -> {
            long hour = Long.parseLong(k.substring(HOURS.length(), HOURS.length() + 8));
            UsageKey key = decodeKey(k.substring(HOURS.length() + 9));
            result.put(k, new UsageRow(Instant.ofEpochSecond(hour * 3600), 60, key, decode(v)));
        });
        live.forEach((minute, window) -> {
            if (minute >= fromMinute && minute < toMinute) {
                window.cells()
                        .forEach((key, counters) -> result.put(
                                minuteKey(minute, writer, key),
                                new UsageRow(Instant.ofEpochSecond(minute * 60), 1, key, counters.snapshot())));
            }
        });
        return new ArrayList<>(result.values());
    }

    // ---- row layout ----

    private record MinuteKey(long minute, UsageKey key) {}

    private static String minutePrefix(long minute) {
        return MINUTES + String.format("%010d", minute);
    }

    private static String minuteKey(long minute, String writer, UsageKey key) {
        return minutePrefix(minute) + "/" + writer + "/" + encodeKey(key);
    }

    private static String hourKey(long hour, UsageKey key) {
        return HOURS + String.format("%08d", hour) + "/" + encodeKey(key);
    }

    private static MinuteKey parseMinuteKey(String k) {
        int start = MINUTES.length();
        long minute = Long.parseLong(k.substring(start, start + 10));
        int writerEnd = k.indexOf('/', start + 11);
        return new MinuteKey(minute, decodeKey(k.substring(writerEnd + 1)));
    }

    /** Dimensions joined by '/', each URL-encoded (so none contains '/'); a missing bucket is empty. */
    static String encodeKey(UsageKey key) {
        return enc(key.account()) + "/" + enc(key.bucket()) + "/" + enc(key.operation()) + "/"
                + key.requestClass().name() + "/" + key.statusFamily();
    }

    static UsageKey decodeKey(String s) {
        String[] f = s.split("/", -1);
        return new UsageKey(
                dec(f[0]),
                f[1].isEmpty() ? null : dec(f[1]),
                dec(f[2]),
                RequestClass.valueOf(f[3]),
                Integer.parseInt(f[4]));
    }

    private static String enc(String s) {
        return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    static byte[] encode(UsageCounts c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(c.requests());
            out.writeLong(c.errors());
            out.writeLong(c.bytesIn());
            out.writeLong(c.bytesOut());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static UsageCounts decode(byte[] v) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v))) {
            return new UsageCounts(in.readLong(), in.readLong(), in.readLong(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException("bad usage row", e);
        }
    }
}
