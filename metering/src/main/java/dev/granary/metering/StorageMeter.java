package dev.granary.metering;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Integrates each bucket's stored bytes over time into byte-hours. Every {@link #sample} adds, per bucket, the
 * bytes of the previous sample times the time since it, and stores the running total with the sample
 * ({@code s/bh/<bucket>} -> byte-hours, sample time, bytes). After a restart integration goes on from the last
 * stored sample, so the time the server was down is counted with the bytes it held then (nothing changes while
 * it is down); after a crash only the changes of the last interval are integrated with the older figure.
 */
public final class StorageMeter {
    private static final String PREFIX = "s/bh/";

    private final StorageSource source;
    private final RowStore rows;
    private final Clock clock;
    private final Map<String, Sample> samples = new HashMap<>();

    private record Sample(double byteHours, long millis, long bytes) {
        double at(long now) {
            return byteHours + (double) bytes * Math.max(0, now - millis) / 3_600_000d;
        }
    }

    public StorageMeter(StorageSource source, RowStore rows, Clock clock) {
        this.source = source;
        this.rows = rows;
        this.clock = clock;
        rows.scan(PREFIX, PREFIX + "\uffff", (k, v) -> {
            ByteBuffer b = ByteBuffer.wrap(v);
            samples.put(k.substring(PREFIX.length()), new Sample(b.getDouble(), b.getLong(), b.getLong()));
        });
    }

    /** Integrates up to now and stores the totals; buckets gone are forgotten. */
    public synchronized void sample() {
        long now = clock.millis();
        Map<String, Sample> next = new HashMap<>();
        Map<String, byte[]> writes = new TreeMap<>();
        for (StorageSource.BucketStorage b : source.buckets()) {
            Sample previous = samples.get(b.bucket());
            double total = previous == null ? 0 : previous.at(now);
            Sample s = new Sample(total, now, b.bytes() + b.partBytes());
            next.put(b.bucket(), s);
            writes.put(
                    PREFIX + b.bucket(),
                    ByteBuffer.allocate(24)
                            .putDouble(s.byteHours())
                            .putLong(s.millis())
                            .putLong(s.bytes())
                            .array());
        }
        for (String gone : samples.keySet()) {
            if (!next.containsKey(gone)) {
                writes.put(PREFIX + gone, null);
            }
        }
        rows.apply(writes);
        samples.clear();
        samples.putAll(next);
    }

    /**
     * Current figures of every bucket with byte-hours up to now.
     *
     * @param rebuild whether to recount every bucket from the engine first (the consistency check)
     */
    public synchronized List<BucketReport> report(boolean rebuild) {
        long now = clock.millis();
        List<BucketReport> result = new ArrayList<>();
        for (StorageSource.BucketStorage b : source.buckets()) {
            StorageSource.BucketStorage figures = rebuild ? source.rebuild(b.bucket()) : b;
            Sample s = samples.get(b.bucket());
            result.add(new BucketReport(figures, s == null ? 0 : s.at(now)));
        }
        return result;
    }

    /**
     * One bucket's storage.
     *
     * @param storage bytes and objects, parts in progress
     * @param byteHours stored bytes (objects and parts in progress) integrated over time, in byte-hours
     */
    public record BucketReport(StorageSource.BucketStorage storage, double byteHours) {}
}
