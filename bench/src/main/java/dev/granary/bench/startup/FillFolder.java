package dev.granary.bench.startup;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Fills a data folder with objects through the storage API, for {@code bench/startup.sh}: one bucket owned by the
 * root account, {@code count} objects of {@code size} bytes, written with relaxed sync (the folder is closed
 * cleanly at the end, which makes it durable).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.granary.bench.startup.FillFolder DIR [count] [size]}.
 */
public final class FillFolder {
    private FillFolder() {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        EngineOptions defaults = EngineOptions.defaults();
        EngineOptions relaxed =
                new EngineOptions(defaults.partitions(), false, defaults.inlineThreshold(), defaults.chunkSize());
        byte[] body = new byte[size];
        new Random(1).nextBytes(body);
        try (RocksObjectStore store = RocksObjectStore.open(dir, relaxed)) {
            store.createBucket("startup", dev.granary.Granary.ROOT_ACCOUNT_ID, "");
            for (int i = 0; i < count; i++) {
                store.putObject(
                        new ObjectKey("startup", String.format("objects/%08d", i)),
                        ObjectAttributes.empty(),
                        new ByteArrayInputStream(body),
                        size,
                        null);
            }
        }
        System.out.println("filled " + dir + " with " + count + " objects of " + size + " bytes");
    }
}
