package dev.granary.bench.jmh;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
import org.rocksdb.CompressionType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Put and get of one value through the storage engine ({@code granary}: {@link RocksObjectStore} with its default
 * 8 partitions, 4 KiB inline threshold and 1 MiB chunks) against raw RocksDB ({@code rocksdb}, baseline: one
 * {@code put}/{@code get} of the whole value in one instance with the same basic options: BlobDB for values of
 * 4 KiB and more, no compression, and the same WAL sync setting). One thread, ops/s; with {@code sync=true} each
 * put waits for its own fsync, so it shows the durable-write latency floor of this disk. Puts overwrite 256 keys
 * in turn, so the folder stays small; gets read them back in random order. The data lives in a temporary folder
 * under java.io.tmpdir, deleted at the end.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar StorageBenchmark} (add {@code -p sync=true} or
 * {@code -t 4} to narrow it down or to see group commit at work).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class StorageBenchmark {
    private static final int KEYS = 256;
    private static final String BUCKET = "bench";

    @Param({"granary", "rocksdb"})
    public String store;

    @Param({"4096", "1048576"})
    public int size;

    @Param({"true", "false"})
    public boolean sync;

    private Path dir;
    private byte[] value;
    private RocksObjectStore granary;
    private Options rocksOptions;
    private WriteOptions rocksWrite;
    private RocksDB rocks;
    private ObjectKey[] objectKeys;
    private byte[][] rawKeys;

    @Setup
    public void setUp() throws IOException, RocksDBException {
        dir = TempDirs.create("granary-storage-bench");
        value = new byte[size];
        new Random(1).nextBytes(value);
        objectKeys = new ObjectKey[KEYS];
        rawKeys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            objectKeys[i] = new ObjectKey(BUCKET, "object-" + i);
            rawKeys[i] = objectKeys[i].toString().getBytes(StandardCharsets.UTF_8);
        }
        if (store.equals("granary")) {
            granary = RocksObjectStore.open(dir, EngineOptions.defaults().withSyncWrites(sync));
            granary.createBucket(BUCKET, "bench", "us-east-1");
        } else {
            RocksDB.loadLibrary();
            rocksOptions = new Options()
                    .setCreateIfMissing(true)
                    .setEnableBlobFiles(true)
                    .setMinBlobSize(4096)
                    .setBlobCompressionType(CompressionType.NO_COMPRESSION)
                    .setCompressionType(CompressionType.NO_COMPRESSION);
            rocksWrite = new WriteOptions().setSync(sync);
            rocks = RocksDB.open(rocksOptions, dir.toString());
        }
        for (int i = 0; i < KEYS; i++) {
            put(i);
        }
    }

    @TearDown
    public void tearDown() {
        if (granary != null) {
            granary.close();
        }
        if (rocks != null) {
            rocks.close();
            rocksWrite.close();
            rocksOptions.close();
        }
        TempDirs.delete(dir);
    }

    /** Per-thread key choice, so concurrent threads (-t) do not share a counter. */
    @State(Scope.Thread)
    public static class Cursor {
        private final Random random = new Random(Thread.currentThread().getId());
        private int next = random.nextInt(KEYS);

        int nextKey() {
            next = (next + 1) % KEYS;
            return next;
        }

        int randomKey() {
            return random.nextInt(KEYS);
        }
    }

    /** Stores one value (overwriting an earlier one). */
    @Benchmark
    public Object put(Cursor cursor) throws IOException, RocksDBException {
        return put(cursor.nextKey());
    }

    /** Reads one whole value back. */
    @Benchmark
    public long get(Cursor cursor) throws IOException, RocksDBException {
        int i = cursor.randomKey();
        if (granary != null) {
            try (ObjectContent content = granary.getObject(objectKeys[i], 0, -1)) {
                return drain(content.stream());
            }
        }
        return rocks.get(rawKeys[i]).length;
    }

    private Object put(int i) throws IOException, RocksDBException {
        if (granary != null) {
            return granary.putObject(
                    objectKeys[i], ObjectAttributes.empty(), new ByteArrayInputStream(value), size, null);
        }
        rocks.put(rocksWrite, rawKeys[i], value);
        return rawKeys[i];
    }

    private static long drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 << 10];
        long total = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
