package dev.granary.bench.jmh;

import dev.granary.metering.Metering;
import dev.granary.metering.RequestClass;
import dev.granary.metering.RowStore;
import dev.granary.metering.StorageSource;
import dev.granary.metering.UsageRecord;
import dev.granary.metering.UsageSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metering adds to one request: building the usage record and handing it to the sink, as the request
 * pipeline does, from two threads at once (the counters are shared). {@code off} is the baseline: a server without
 * metering builds no record at all. {@code on} is the default pipeline (usage aggregation and Prometheus meters).
 * Divide the difference by a request's server CPU time from {@code bench/load} (hundreds of microseconds for a
 * 4 KiB GET) to get metering's share.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar MeteringBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
@Fork(1)
public class MeteringBenchmark {

    @Param({"off", "on"})
    public String metering;

    private Metering pipeline;
    private UsageSink sink;
    private final String[] buckets = {"photos", "logs", "backups", "web"};
    private final String[] operations = {"GetObject", "PutObject", "HeadObject", "DeleteObject"};

    @Setup
    public void setUp() {
        RowStore rows = new RowStore() {
            @Override
            public void apply(Map<String, byte[]> writes) {}

            @Override
            public boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes) {
                return true;
            }

            @Override
            public void scan(String from, String to, BiConsumer<String, byte[]> visitor) {}
        };
        StorageSource source = new StorageSource() {
            @Override
            public List<BucketStorage> buckets() {
                return List.of();
            }

            @Override
            public BucketStorage rebuild(String bucket) {
                return new BucketStorage(bucket, "owner", 0, 0, 0, 0);
            }

            @Override
            public Map<String, Long> engineStats() {
                return Map.of();
            }
        };
        pipeline = metering.equals("on")
                ? Metering.start(
                        rows,
                        source,
                        Clock.systemUTC(),
                        new Metering.Options(Duration.ofSeconds(10), Duration.ofHours(24), null, false, 0))
                : Metering.off();
        sink = pipeline.sink();
    }

    @TearDown
    public void tearDown() {
        pipeline.close();
    }

    /** One request's worth of metering, as RootHandler does it. */
    @Benchmark
    public void request() {
        if (sink == UsageSink.NONE) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int i = random.nextInt(4);
        // A fresh bucket string per request, as the router makes one.
        String bucket = new String(buckets[i].toCharArray());
        long start = System.nanoTime();
        sink.record(new UsageRecord(
                "0123456789ABCDEF",
                Instant.now(),
                "owner",
                "owner",
                bucket,
                "key",
                operations[i],
                i == 1 ? RequestClass.WRITE : RequestClass.READ,
                i == 3 ? 204 : 200,
                null,
                i == 1 ? 4096 : 0,
                i == 0 ? 4096 : 0,
                System.nanoTime() - start + 300_000,
                null,
                null,
                null,
                null,
                null,
                null,
                false));
    }
}
