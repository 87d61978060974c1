package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A real store in a temporary directory, with small chunks so multi-chunk objects stay cheap. */
abstract class StoreTestSupport {
    static final String BUCKET = "bucket";
    static final String OWNER = "alice";
    static final int CHUNK = 16 * 1024;
    static final int INLINE = 1024;

    @TempDir
    Path dir;

    RocksObjectStore store;

    /** Every body in RocksDB chunks; {@link DataFilesTest} lowers the file threshold. */
    EngineOptions options() {
        return new EngineOptions(4, true, INLINE, CHUNK, Long.MAX_VALUE);
    }

    @BeforeEach
    void openStore() {
        store = RocksObjectStore.open(dir, options());
        store.createBucket(BUCKET, OWNER, "us-east-1");
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    void reopen() {
        store.close();
        store = RocksObjectStore.open(dir, options());
    }

    static ObjectKey key(String key) {
        return new ObjectKey(BUCKET, key);
    }

    ObjectMeta put(String key, byte[] data) throws IOException {
        return store.putObject(key(key), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length, null);
    }

    byte[] get(String key) throws IOException {
        return get(key, 0, -1);
    }

    byte[] get(String key, long offset, long length) throws IOException {
        try (ObjectContent content = store.getObject(key(key), offset, length)) {
            byte[] bytes = content.stream().readAllBytes();
            assertThat(bytes).hasSize((int) content.length());
            return bytes;
        }
    }

    void awaitReclaimed() throws InterruptedException {
        assertThat(store.awaitReclaimed(Duration.ofSeconds(10)))
                .as("reclaimer drained")
                .isTrue();
    }

    /** Chunks a non-inline object of {@code size} bytes occupies. */
    static long chunks(long size) {
        return (size + CHUNK - 1) / CHUNK;
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static byte[] md5(byte[] data) {
        return BodyWriter.md5().digest(data);
    }

    static String md5Hex(byte[] data) {
        return HexFormat.of().formatHex(md5(data));
    }

    static MessageDigest newMd5() {
        return BodyWriter.md5();
    }

    /**
     * Yields {@code data} and puts {@code name -> value} into {@code checksums} when it reaches the end, as a
     * verifying aws-chunked stream does when it reads the trailer.
     */
    static InputStream withTrailer(byte[] data, Map<String, String> checksums, String name, String value) {
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

    /** Yields {@code data}, then fails: a client that disconnects mid-body. */
    static InputStream failingAfter(byte[] data) {
        return new InputStream() {
            private final ByteArrayInputStream in = new ByteArrayInputStream(data);

            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection reset");
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset");
                }
                return n;
            }
        };
    }

    static Condition<Throwable> reason(Reason reason) {
        return new Condition<>(
                t -> t instanceof StorageException e && e.reason() == reason, "StorageException(%s)", reason);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
