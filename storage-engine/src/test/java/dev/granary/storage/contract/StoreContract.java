package dev.granary.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every contract test shares: a store opened through its {@link StoreFixture} in a temporary folder with one
 * bucket, and helpers that use the SPI only.
 */
public abstract class StoreContract {
    protected static final String BUCKET = "bucket";
    protected static final String OWNER = "alice";

    @TempDir
    protected Path dir;

    protected ObjectStore store;
    protected int chunk;

    /** The store under test. */
    protected abstract StoreFixture fixture();

    @BeforeEach
    void openStore() {
        chunk = fixture().chunkSize();
        store = fixture().open(dir);
        store.createBucket(BUCKET, OWNER, "us-east-1");
    }

    @AfterEach
    void closeStore() throws Exception {
        if (store != null) {
            store.close();
        }
    }

    protected void reopen() throws Exception {
        store.close();
        store = fixture().open(dir);
    }

    // ---- helpers ----

    protected static ObjectKey key(String key) {
        return new ObjectKey(BUCKET, key);
    }

    protected ObjectMeta put(String key, byte[] data) throws IOException {
        return store.putObject(key(key), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length, null);
    }

    protected byte[] get(String key) throws IOException {
        return get(key, 0, -1);
    }

    protected byte[] get(String key, long offset, long length) throws IOException {
        try (ObjectContent content = store.getObject(key(key), offset, length)) {
            byte[] bytes = content.stream().readAllBytes();
            assertThat(bytes).hasSize((int) content.length());
            return bytes;
        }
    }

    protected static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * Yields {@code data} and puts {@code name -> value} into {@code checksums} when it reaches the end, as a
     * verifying aws-chunked stream does when it reads the trailer.
     */
    protected static InputStream withTrailer(byte[] data, Map<String, String> checksums, String name, String value) {
        return new FilterInputStream(new ByteArrayInputStream(data)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n < 0) {
                    checksums.put(name, value);
                }
                return n;
            }
        };
    }

    protected static Condition<Throwable> reason(Reason reason) {
        return new Condition<>(
                t -> t instanceof StorageException e && e.reason() == reason, "StorageException(%s)", reason);
    }
}
