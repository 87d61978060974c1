package dev.granary.bench.jmh;

import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ListObjectsV2 page of 1,000 keys from a random place in a bucket of 100,000 small objects, through
 * {@link RocksObjectStore#listObjects}: with {@code partitions=8} (the default) the page is a k-way merge of eight
 * partitions' sorted iterators; with {@code partitions=1} (baseline) it is one iterator's scan of the same keys.
 * The ratio is what the merge costs. Microseconds per page; populating the store takes a few seconds per trial.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ListingMergeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ListingMergeBenchmark {
    private static final int OBJECTS = 100_000;
    private static final int PAGE = 1000;
    private static final String BUCKET = "bench";

    @Param({"8", "1"})
    public int partitions;

    private Path dir;
    private RocksObjectStore store;
    private final Random random = new Random(1);

    @Setup
    public void setUp() throws IOException {
        dir = TempDirs.create("granary-listing-bench");
        // Unsynced: populating is setup, not the thing measured, and 100,000 fsyncs would take minutes.
        store = RocksObjectStore.open(
                dir, EngineOptions.defaults().withPartitions(partitions).withSyncWrites(false));
        store.createBucket(BUCKET, "bench", "us-east-1");
        byte[] body = new byte[64];
        for (int i = 0; i < OBJECTS; i++) {
            store.putObject(
                    new ObjectKey(BUCKET, key(i)), ObjectAttributes.empty(), new ByteArrayInputStream(body), 64, null);
        }
    }

    @TearDown
    public void tearDown() {
        store.close();
        TempDirs.delete(dir);
    }

    private static String key(int i) {
        return String.format("logs/%03d/%08d.json", i / 1000, i); // sorted order is creation order
    }

    /** One page of 1,000 keys after a random key. */
    @Benchmark
    public ListPage page() {
        String startAfter = key(random.nextInt(OBJECTS - PAGE - 1));
        ListPage page = store.listObjects(BUCKET, new ListQuery("", null, startAfter, PAGE));
        if (page.objects().size() != PAGE) {
            throw new IllegalStateException("a page of " + page.objects().size() + " keys");
        }
        return page;
    }
}
