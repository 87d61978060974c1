package dev.granary.metering;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metering pipeline of one server: the usage aggregator, byte-hours, Prometheus metrics and the access log
 * behind one {@link UsageSink}, and the background flusher that writes usage every flush interval. Built by
 * {@link #start}, or {@link #off} for a server measured without metering.
 */
public final class Metering implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Metering.class);

    private final UsageAggregator usage;
    private final StorageMeter storage;
    private final MeteringMetrics metrics;
    private final UsageSink accessLog;
    private final UsageSink sink;
    private final ScheduledExecutorService flusher;

    /**
     * How metering runs.
     *
     * @param flushInterval how often usage is written durably (and byte-hours integrated)
     * @param minuteRetention how long minute rows are kept before they are rolled up into hours
     * @param accessLogDir folder of the access log file, or null
     * @param accessLogToLogger whether access-log lines go to the {@code granary.access} SLF4J logger instead
     * @param accessLogMaxBytes size at which the access log file is rotated
     */
    public record Options(
            Duration flushInterval,
            Duration minuteRetention,
            Path accessLogDir,
            boolean accessLogToLogger,
            long accessLogMaxBytes) {}

    private Metering(
            UsageAggregator usage,
            StorageMeter storage,
            MeteringMetrics metrics,
            UsageSink accessLog,
            ScheduledExecutorService flusher) {
        this.usage = usage;
        this.storage = storage;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.flusher = flusher;
        if (usage == null) {
            this.sink = UsageSink.NONE;
            return;
        }
        List<UsageSink> sinks = new ArrayList<>();
        for (UsageSink s : new UsageSink[] {usage, metrics, accessLog}) {
            if (s != null) {
                sinks.add(s);
            }
        }
        UsageSink[] all = sinks.toArray(UsageSink[]::new);
        boolean details = accessLog != null;
        this.sink = new UsageSink() {
            @Override
            public void record(UsageRecord record) {
                for (UsageSink s : all) {
                    try {
                        s.record(record);
                    } catch (RuntimeException e) { // metering never fails a request
                        LOG.warn("metering sink failed on request {}: {}", record.requestId(), e.toString());
                    }
                }
            }

            @Override
            public boolean wantsRequestDetails() {
                return details;
            }
        };
    }

    /** Starts metering over the engine's rows and figures. */
    public static Metering start(RowStore rows, StorageSource source, Clock clock, Options options) {
        UsageAggregator usage = new UsageAggregator(rows, clock, options.minuteRetention());
        StorageMeter storage = new StorageMeter(source, rows, clock);
        MeteringMetrics metrics = new MeteringMetrics(source);
        UsageSink accessLog = options.accessLogToLogger()
                ? AccessLogSink.toLogger()
                : options.accessLogDir() == null
                        ? null
                        : AccessLogSink.toFile(options.accessLogDir(), options.accessLogMaxBytes());
        ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "granary-metering-flush");
            t.setDaemon(true);
            return t;
        });
        Metering metering = new Metering(usage, storage, metrics, accessLog, flusher);
        long millis = options.flushInterval().toMillis();
        // Runs until close() shuts the executor down; flushQuietly logs its own failures, so the future has nothing
        // to report.
        var unused = flusher.scheduleWithFixedDelay(metering::flushQuietly, millis, millis, TimeUnit.MILLISECONDS);
        return metering;
    }

    /** No metering at all: a sink that drops every record (to measure what metering costs). */
    public static Metering off() {
        return new Metering(null, null, null, null, null);
    }

    /** Whether metering is on. */
    public boolean enabled() {
        return usage != null;
    }

    /** The sink the request pipeline records into. */
    public UsageSink sink() {
        return sink;
    }

    /** Writes usage and byte-hours now and rolls old minute rows up; throws if the rows cannot be written. */
    public void flush() {
        if (!enabled()) {
            return;
        }
        usage.flush();
        storage.sample();
        usage.rollUp();
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // Counts stay in memory and the next flush writes them: metering never blocks requests on storage.
            LOG.warn("metering flush failed, will retry: {}", e.toString());
        }
    }

    /** Usage of windows overlapping {@code [from, to)}, counts not yet flushed included. */
    public UsageReport usage(Instant from, Instant to, List<String> groupBy, String account, String bucket) {
        requireEnabled();
        return UsageReport.of(from, to, groupBy, account, bucket, usage.query(from, to));
    }

    /** Storage per bucket and per account with byte-hours; {@code rebuild} runs the consistency check first. */
    public String storageJson(Clock clock, boolean rebuild) {
        requireEnabled();
        List<StorageMeter.BucketReport> buckets = storage.report(rebuild);
        Map<String, double[]> accounts = new TreeMap<>();
        for (StorageMeter.BucketReport r : buckets) {
            StorageSource.BucketStorage s = r.storage();
            double[] a = accounts.computeIfAbsent(s.account(), k -> new double[4]);
            a[0] += s.bytes();
            a[1] += s.objects();
            a[2] += s.partBytes();
            a[3] += r.byteHours();
        }
        return ReportJson.write(json -> {
            json.writeStartObject();
            json.writeStringField("time", clock.instant().toString());
            json.writeArrayFieldStart("buckets");
            for (StorageMeter.BucketReport r : buckets) {
                StorageSource.BucketStorage s = r.storage();
                json.writeStartObject();
                json.writeStringField("bucket", s.bucket());
                json.writeStringField("account", s.account());
                json.writeNumberField("bytes", s.bytes());
                json.writeNumberField("objects", s.objects());
                json.writeNumberField("multipartBytes", s.partBytes());
                json.writeNumberField("multipartParts", s.parts());
                ReportJson.number(json, "byteHours", r.byteHours());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("accounts");
            for (Map.Entry<String, double[]> a : accounts.entrySet()) {
                json.writeStartObject();
                json.writeStringField("account", a.getKey());
                json.writeNumberField("bytes", (long) a.getValue()[0]);
                json.writeNumberField("objects", (long) a.getValue()[1]);
                json.writeNumberField("multipartBytes", (long) a.getValue()[2]);
                ReportJson.number(json, "byteHours", a.getValue()[3]);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** The Prometheus text exposition. */
    public String scrapeMetrics() {
        requireEnabled();
        return metrics.scrape();
    }

    private void requireEnabled() {
        if (!enabled()) {
            throw new IllegalStateException("metering is off (--metering=off)");
        }
    }

    /** Stops the flusher, writes usage one last time, closes the access log. */
    @Override
    public void close() {
        if (!enabled()) {
            return;
        }
        flusher.shutdown();
        try {
            flusher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("final metering flush failed; counts since the last flush are lost: {}", e.toString());
        }
        if (accessLog != null) {
            accessLog.close();
        }
        metrics.close();
    }
}
