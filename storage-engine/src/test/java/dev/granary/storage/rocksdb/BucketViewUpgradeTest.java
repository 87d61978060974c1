package dev.granary.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.IdSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * A data folder written before bucket views (its partitions have no CF {@code bucket_view}) gets a view of every
 * bucket in every partition when it is opened, once: its objects stay readable and each bucket keeps its
 * versioning behaviour.
 */
class BucketViewUpgradeTest extends StoreTestSupport {
    private static final String VERSIONED = "versioned";
    private static final String SUSPENDED = "suspended";
    private static final String GONE = "gone";

    @Test
    void aFolderWithoutBucketViewsGetsThemAtOpenAndKeepsObjectsAndVersioning() throws Exception {
        store.createBucket(VERSIONED, OWNER, "");
        store.setVersioning(VERSIONED, Versioning.ENABLED);
        store.createBucket(SUSPENDED, OWNER, "");
        store.setVersioning(SUSPENDED, Versioning.SUSPENDED);
        store.createBucket(GONE, OWNER, "");
        store.deleteBucket(GONE);
        byte[] large = random(3 * CHUNK + 5, 1);
        put("plain", "plain one".getBytes(UTF_8));
        put("large", large);
        ObjectMeta one = write(VERSIONED, "k", "one");
        ObjectMeta two = write(VERSIONED, "k", "two");
        ObjectMeta suspendedOne = write(SUSPENDED, "s", "s1");
        store.close();
        store = null;
        dropBucketViewFamilies(dir);

        store = RocksObjectStore.open(dir, options());

        assertThat(get("large")).isEqualTo(large);
        assertThat(read(BUCKET, "plain", null)).isEqualTo("plain one");
        assertThat(read(VERSIONED, "k", one.versionId())).isEqualTo("one");
        assertThat(read(VERSIONED, "k", two.versionId())).isEqualTo("two");
        assertThat(read(SUSPENDED, "s", ObjectMeta.NULL_VERSION)).isEqualTo("s1");
        assertThat(suspendedOne.versionId()).isEqualTo(ObjectMeta.NULL_VERSION);

        // Each bucket's versioning behaviour, now read from the views by every write.
        ObjectMeta three = write(VERSIONED, "k", "three");
        assertThat(versionIds(VERSIONED)).containsExactly(three.versionId(), two.versionId(), one.versionId());
        assertThat(write(BUCKET, "plain", "plain two").versionId()).isNull();
        assertThat(versionIds(BUCKET)).hasSize(2); // "large" and the one "plain"
        assertThat(write(SUSPENDED, "s", "s2").versionId()).isEqualTo(ObjectMeta.NULL_VERSION);
        assertThat(versionIds(SUSPENDED)).containsExactly(ObjectMeta.NULL_VERSION);
        assertThat(read(SUSPENDED, "s", null)).isEqualTo("s2");
        assertThatThrownBy(() -> write(GONE, "x", "x"))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NO_SUCH_BUCKET));
        store.close();
        store = null;

        try (Partitions partitions = Partitions.open(dir, options())) {
            assertThat(new Buckets(partitions, IdSource.system()).repairViews())
                    .as("a second open writes nothing")
                    .isZero();
            for (Partition p : partitions.all()) {
                assertThat(BucketView.read(p, BUCKET).versioning()).isEqualTo(Versioning.UNVERSIONED);
                assertThat(BucketView.read(p, VERSIONED).versioning()).isEqualTo(Versioning.ENABLED);
                assertThat(BucketView.read(p, SUSPENDED).versioning()).isEqualTo(Versioning.SUSPENDED);
                assertThat(BucketView.read(p, GONE)).isNull();
            }
        }
    }

    @Test
    void bucketCommandsKeepEveryPartitionsViewInStep() {
        store.createBucket(VERSIONED, OWNER, "");
        store.setVersioning(VERSIONED, Versioning.ENABLED);
        store.setVersioning(VERSIONED, Versioning.SUSPENDED);
        long created = store.getBucket(VERSIONED).created().toEpochMilli();
        store.deleteBucket(BUCKET);
        store.close();
        store = null;

        try (Partitions partitions = Partitions.open(dir, options())) {
            List<Long> epochs = new ArrayList<>();
            for (Partition p : partitions.all()) {
                BucketView view = BucketView.read(p, VERSIONED);
                assertThat(view.incarnation()).isEqualTo(created);
                assertThat(view.versioning()).isEqualTo(Versioning.SUSPENDED);
                epochs.add(view.versioningEpoch());
                assertThat(BucketView.read(p, BUCKET)).isNull();
            }
            assertThat(epochs).containsOnly(epochs.get(0));
            assertThat(epochs.get(0)).as("two changes after the creation").isGreaterThan(created * 1000 + 1);
        }
    }

    @Test
    void viewsThatDisagreeWithTheBucketRecordsAsACrashLeavesThemAreRepairedAtOpen() throws Exception {
        store.createBucket(VERSIONED, OWNER, "");
        store.setVersioning(VERSIONED, Versioning.ENABLED);
        long created = store.getBucket(VERSIONED).created().toEpochMilli();
        long bucketCreated = store.getBucket(BUCKET).created().toEpochMilli();
        store.close();
        store = null;
        long stale = Long.MAX_VALUE / 2;
        try (Partitions partitions = Partitions.open(dir, options())) {
            // A change of versioning that reached one partition only, a delete that dropped no view yet, a
            // creation that wrote no view yet.
            new PartitionService(partitions.all().get(1))
                    .apply(new Command.PutBucketView(VERSIONED, created, Versioning.SUSPENDED, stale));
            new PartitionService(partitions.all().get(2))
                    .apply(new Command.PutBucketView(GONE, 1, Versioning.ENABLED, 1));
            new PartitionService(partitions.all().get(3)).apply(new Command.DropBucketView(BUCKET, bucketCreated));
        }

        store = RocksObjectStore.open(dir, options());
        for (int i = 0; i < 8; i++) { // writes to several partitions, each reading its own view
            assertThat(write(VERSIONED, "k" + i, "v").versionId()).isNotEqualTo(ObjectMeta.NULL_VERSION);
            assertThat(write(BUCKET, "k" + i, "v").versionId()).isNull();
        }
        store.close();
        store = null;

        try (Partitions partitions = Partitions.open(dir, options())) {
            for (Partition p : partitions.all()) {
                assertThat(BucketView.read(p, VERSIONED))
                        .as("the record's state, with an epoch past the stale one")
                        .isEqualTo(new BucketView(created, Versioning.ENABLED, stale + 1));
                assertThat(BucketView.read(p, GONE)).isNull();
                assertThat(BucketView.read(p, BUCKET)).isNotNull();
            }
        }
    }

    private ObjectMeta write(String bucket, String key, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        return store.putObject(
                new ObjectKey(bucket, key),
                ObjectAttributes.empty(),
                new ByteArrayInputStream(bytes),
                bytes.length,
                null);
    }

    private String read(String bucket, String key, String versionId) throws IOException {
        try (ObjectContent content = store.getObject(new ObjectKey(bucket, key), versionId, 0, -1)) {
            return new String(content.stream().readAllBytes(), UTF_8);
        }
    }

    private List<String> versionIds(String bucket) {
        return store.listVersions(bucket, null, null, null, null, 1000).versions().stream()
                .map(ObjectVersion::meta)
                .map(ObjectMeta::versionId)
                .toList();
    }

    /** Makes each partition of a closed store look like one written before bucket views: no such column family. */
    private static void dropBucketViewFamilies(Path dataDir) throws IOException, RocksDBException {
        List<Path> folders;
        try (Stream<Path> list = Files.list(dataDir.resolve("partitions"))) {
            folders = list.sorted().toList();
        }
        assertThat(folders).hasSize(4);
        for (Path folder : folders) {
            List<byte[]> names;
            try (Options options = new Options()) {
                names = RocksDB.listColumnFamilies(options, folder.toString());
            }
            List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                ColumnFamilyOptions o = new ColumnFamilyOptions();
                if (Arrays.equals(name, Cf.STATS.nameBytes())) {
                    o.setMergeOperatorName("uint64add"); // its unflushed merges are replayed from the WAL
                }
                cfOptions.add(o);
                descriptors.add(new ColumnFamilyDescriptor(name, o));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions options = new DBOptions();
                    RocksDB db = RocksDB.open(options, folder.toString(), descriptors, handles)) {
                try {
                    for (int i = 0; i < names.size(); i++) {
                        if (Arrays.equals(names.get(i), Cf.BUCKET_VIEW.nameBytes())) {
                            db.dropColumnFamily(handles.get(i));
                        }
                    }
                } finally {
                    handles.forEach(ColumnFamilyHandle::close);
                }
            } finally {
                cfOptions.forEach(ColumnFamilyOptions::close);
            }
            try (Options options = new Options()) {
                assertThat(RocksDB.listColumnFamilies(options, folder.toString()))
                        .noneMatch(name -> Arrays.equals(name, Cf.BUCKET_VIEW.nameBytes()));
            }
        }
    }
}
