package dev.granary.metering;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus metrics through Micrometer: requests by operation and status, body bytes in and out, latency
 * histograms by operation, storage per bucket, engine figures and JVM basics. Meters of the request path are
 * looked up in a map of their own, so a request costs a map read and a few striped-counter increments.
 */
public final class MeteringMetrics implements UsageSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MeteringMetrics.class);
    /** Engine figures exported, by the metric name they get. */
    private static final Map<String, String> ENGINE = Map.of(
            "partitions", "granary.engine.partitions",
            "rocksdb.total-sst-files-size", "granary.rocksdb.sst.files.size.bytes",
            "rocksdb.live-sst-files-size", "granary.rocksdb.live.sst.files.size.bytes",
            "rocksdb.total-blob-file-size", "granary.rocksdb.blob.files.size.bytes",
            "rocksdb.live-blob-file-size", "granary.rocksdb.live.blob.files.size.bytes",
            "rocksdb.estimate-pending-compaction-bytes", "granary.rocksdb.pending.compaction.bytes",
            "rocksdb.estimate-num-keys", "granary.rocksdb.estimated.keys",
            "rocksdb.cur-size-all-mem-tables", "granary.rocksdb.memtables.bytes");
    /** The data folder's disk, from the engine figures. */
    private static final List<DiskGauge> DISK = List.of(
            new DiskGauge("disk.free-bytes", "granary.disk.free.bytes", "Free space of the data folder's filesystem"),
            new DiskGauge("disk.total-bytes", "granary.disk.total.bytes", "Size of the data folder's filesystem"),
            new DiskGauge(
                    "disk.reserve-bytes",
                    "granary.disk.reserve.bytes",
                    "Free space writes leave for deletes and the database (--disk-reserve)"),
            new DiskGauge(
                    "disk.accepting-writes",
                    "granary.disk.accepting.writes",
                    "1 while writes are taken, 0 while the disk is full"),
            new DiskGauge(
                    "disk.stopped-partitions",
                    "granary.disk.stopped.partitions",
                    "Partitions whose database stopped writes after running out of space, until it resumes them"));

    /** A gauge of an engine figure about the disk. */
    private record DiskGauge(String figure, String metric, String description) {}

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final StorageSource storage;
    private final Map<String, OperationMeters> byOperation = new ConcurrentHashMap<>();
    private final MultiGauge storageBytes;
    private final MultiGauge storageObjects;
    private final MultiGauge partBytes;
    private volatile Map<String, Long> engine = Map.of();
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** An operation's meters; its request counters by status are made on first use. */
    private record OperationMeters(
            String operation,
            Counter bytesIn,
            Counter bytesOut,
            Timer duration,
            AtomicReferenceArray<Counter> byStatus) {}

    public MeteringMetrics(StorageSource storage) {
        this.storage = storage;
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        storageBytes = MultiGauge.builder("granary.storage.bytes")
                .description("Bytes of the current objects of a bucket")
                .baseUnit("bytes")
                .register(registry);
        storageObjects = MultiGauge.builder("granary.storage.objects")
                .description("Current objects of a bucket")
                .register(registry);
        partBytes = MultiGauge.builder("granary.storage.multipart.bytes")
                .description("Bytes of parts of multipart uploads in progress in a bucket")
                .baseUnit("bytes")
                .register(registry);
        ENGINE.forEach((property, name) -> Gauge.builder(name, () -> engine.getOrDefault(property, 0L))
                .description("RocksDB " + property + ", summed over partitions")
                .register(registry));
        for (DiskGauge disk : DISK) {
            Gauge.builder(disk.metric(), () -> engine.getOrDefault(disk.figure(), 0L))
                    .description(disk.description())
                    .register(registry);
        }
        FunctionCounter.builder("granary.writes.refused", this, m -> m.engine.getOrDefault("disk.writes-refused", 0L))
                .description("Writes refused because the disk was full (below the reserve, or out of space)")
                .register(registry);
    }

    @Override
    public void record(UsageRecord r) {
        OperationMeters op = byOperation.get(r.operation());
        if (op == null) {
            op = byOperation.computeIfAbsent(r.operation(), this::operationMeters);
        }
        op.bytesIn.increment((double) r.bytesIn());
        op.bytesOut.increment((double) r.bytesOut());
        op.duration.record(r.durationNanos(), TimeUnit.NANOSECONDS);
        int status = r.status() >= 100 && r.status() < 600 ? r.status() : 599;
        Counter counter = op.byStatus.get(status);
        if (counter == null) {
            counter = Counter.builder("granary.requests")
                    .description("S3 requests answered")
                    .tags(Tags.of("operation", r.operation(), "status", Integer.toString(status)))
                    .register(registry); // the registry returns the one meter of an id, so a race is harmless
            op.byStatus.set(status, counter);
        }
        counter.increment();
    }

    private OperationMeters operationMeters(String operation) {
        return new OperationMeters(
                operation,
                Counter.builder("granary.request.body.in.bytes")
                        .description("Request body bytes received (as sent on the wire)")
                        .tag("operation", operation)
                        .register(registry),
                Counter.builder("granary.request.body.out.bytes")
                        .description("Response body bytes sent")
                        .tag("operation", operation)
                        .register(registry),
                Timer.builder("granary.request.duration")
                        .description("Time from a request's arrival to the end of its response")
                        .tag("operation", operation)
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofNanos(100_000))
                        .maximumExpectedValue(Duration.ofMinutes(2))
                        .register(registry),
                new AtomicReferenceArray<>(600));
    }

    /** The Prometheus text exposition of every metric, storage and engine figures read now. */
    public String scrape() {
        try {
            List<MultiGauge.Row<?>> bytes = new ArrayList<>();
            List<MultiGauge.Row<?>> objects = new ArrayList<>();
            List<MultiGauge.Row<?>> parts = new ArrayList<>();
            for (StorageSource.BucketStorage b : storage.buckets()) {
                Tags tags = Tags.of("bucket", b.bucket(), "account", b.account());
                bytes.add(MultiGauge.Row.of(tags, b.bytes()));
                objects.add(MultiGauge.Row.of(tags, b.objects()));
                parts.add(MultiGauge.Row.of(tags, b.partBytes()));
            }
            storageBytes.register(bytes, true);
            storageObjects.register(objects, true);
            partBytes.register(parts, true);
            engine = storage.engineStats();
        } catch (RuntimeException e) {
            LOG.warn("cannot read storage figures for /metrics: {}", e.toString());
        }
        return registry.scrape();
    }

    /** Loads and initialises the classes a registry and its JVM meters use (start-up does it in parallel). */
    public static void warmUp() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        registry.close();
    }

    /** The content type of {@link #scrape}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
