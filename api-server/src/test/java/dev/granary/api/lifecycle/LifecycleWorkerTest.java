package dev.granary.api.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.Versioning;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lifecycle pass racing a client's write, on the real engine: the client's PUT lands between the pass's read of
 * a version and its delete (the worker's hook), and must survive, whatever versioning state the bucket is in.
 */
class LifecycleWorkerTest {
    private static final String BUCKET = "lc";
    private final Clock daysAhead = Clock.fixed(Instant.now().plus(Duration.ofDays(3)), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private RocksObjectStore store;

    @BeforeEach
    void open() {
        store = RocksObjectStore.open(dir, new EngineOptions(2, true, 1024, 16 * 1024));
        store.createBucket(BUCKET, "alice", "us-east-1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ObjectMeta put(String key, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            return store.putObject(
                    new ObjectKey(BUCKET, key),
                    ObjectAttributes.empty(),
                    new ByteArrayInputStream(bytes),
                    bytes.length,
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String get(String key) throws IOException {
        try (ObjectContent content = store.getObject(new ObjectKey(BUCKET, key), 0, -1)) {
            return new String(content.stream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void rule(String action) {
        String xml = "<LifecycleConfiguration><Rule><ID>r</ID><Status>Enabled</Status><Filter><Prefix></Prefix>"
                + "</Filter>" + action + "</Rule></LifecycleConfiguration>";
        store.putBucketConfig(BUCKET, LifecycleConfiguration.CONFIG_NAME, xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A pass as of three days from now whose hook overwrites {@code key} once, between its read and delete. */
    private LifecycleWorker.Result passOverwriting(String key, String body, List<ObjectMeta> written) {
        Consumer<ObjectMeta> overwrite = evaluated -> {
            if (evaluated.key().key().equals(key) && written.isEmpty()) {
                written.add(put(key, body));
            }
        };
        return new LifecycleWorker(store, store.system(), daysAhead, overwrite).run();
    }

    /**
     * Scheduled passes run only while the worker's condition says so when their turn comes (in a cluster: on the node
     * leading the catalog partition), so that one pass, not one per node, acts on the objects.
     */
    @Test
    void scheduledPassesRunOnlyWhereTheConditionHolds() throws Exception {
        put("doc", "old");
        rule("<Expiration><Days>1</Days></Expiration>");
        java.util.concurrent.atomic.AtomicBoolean here = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        LifecycleWorker worker = new LifecycleWorker(store, store.system(), daysAhead);
        try {
            worker.start(Duration.ofMillis(20), () -> {
                asked.incrementAndGet();
                return here.get();
            });
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (asked.get() < 5) {
                assertThat(System.nanoTime()).as("passes came due").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(get("doc")).as("no pass ran while elsewhere").isEqualTo("old");
            here.set(true);
            while (true) {
                try {
                    store.headObject(new ObjectKey(BUCKET, "doc"));
                } catch (dev.granary.storage.StorageException e) {
                    assertThat(e.reason()).isEqualTo(dev.granary.storage.StorageException.Reason.NO_SUCH_KEY);
                    break;
                }
                assertThat(System.nanoTime()).as("a pass ran here").isLessThan(deadline);
                Thread.sleep(10);
            }
        } finally {
            worker.close();
        }
    }

    @Test
    void anOverwriteBetweenTheReadAndTheExpirationSurvivesInAnUnversionedBucket() throws IOException {
        put("doc", "old");
        rule("<Expiration><Days>1</Days></Expiration>");
        List<ObjectMeta> written = new ArrayList<>();

        LifecycleWorker.Result pass = passOverwriting("doc", "fresh upload", written);

        assertThat(written).hasSize(1);
        assertThat(get("doc")).isEqualTo("fresh upload");
        assertThat(pass.expired()).isZero();
        assertThat(store.headObject(new ObjectKey(BUCKET, "doc")).etag())
                .isEqualTo(written.get(0).etag());
        // The next pass judges the new object on its own age: too young.
        assertThat(new LifecycleWorker(store, store.system(), Clock.systemUTC())
                        .run()
                        .expired())
                .isZero();
        assertThat(get("doc")).isEqualTo("fresh upload");
    }

    @Test
    void anOverwriteBetweenTheReadAndTheExpirationStaysCurrentInAVersionedBucket() throws IOException {
        store.setVersioning(BUCKET, Versioning.ENABLED);
        put("doc", "old");
        rule("<Expiration><Days>1</Days></Expiration>");
        List<ObjectMeta> written = new ArrayList<>();

        LifecycleWorker.Result pass = passOverwriting("doc", "fresh upload", written);

        assertThat(get("doc")).isEqualTo("fresh upload");
        assertThat(pass.expired()).isZero();
        // No delete marker went on top of the new version: it is current and served.
        List<ObjectVersion> versions =
                store.listVersions(BUCKET, "", null, null, null, 100).versions();
        assertThat(versions).extracting(v -> v.meta().deleteMarker()).containsExactly(false, false);
        assertThat(versions.get(0).meta().versionId()).isEqualTo(written.get(0).versionId());
    }

    @Test
    void aNewNullVersionBetweenTheReadAndTheNoncurrentExpirationSurvives() throws IOException {
        put("doc", "before versioning"); // becomes the key's null version
        store.setVersioning(BUCKET, Versioning.ENABLED);
        put("doc", "versioned"); // the null version is noncurrent from now on
        store.setVersioning(BUCKET, Versioning.SUSPENDED);
        rule("<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration>");
        List<ObjectMeta> written = new ArrayList<>();

        // The pass judges the old null version; meanwhile a PUT (versioning suspended) replaces it by a new
        // null version, the current one, which "delete version null" would then remove.
        LifecycleWorker.Result pass = passOverwriting("doc", "fresh upload", written);

        assertThat(written).hasSize(1);
        assertThat(get("doc")).isEqualTo("fresh upload");
        assertThat(pass.versionsRemoved()).isZero();
        assertThat(store.headObject(new ObjectKey(BUCKET, "doc"), ObjectMeta.NULL_VERSION)
                        .etag())
                .isEqualTo(written.get(0).etag());
    }
}
