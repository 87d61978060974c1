package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Bodies of known length from the file threshold up go to data files of their own, not to RocksDB. */
class DataFilesTest extends StoreTestSupport {
    private static final int THRESHOLD = 4 * CHUNK;
    private static final int LARGE = THRESHOLD + 3 * CHUNK + 12_345; // several chunks, the last one short

    @Override
    EngineOptions options() {
        return super.options().withFileThreshold(THRESHOLD);
    }

    /** The files under each partition's {@code objects} folder (not RocksDB's, which compaction changes meanwhile). */
    private List<Path> dataFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> partitions = Files.list(dir.resolve("partitions"))) {
            for (Path objects : partitions
                    .map(p -> p.resolve("objects"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> walk = Files.walk(objects)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
            }
        }
        return files;
    }

    @Test
    void largeBodyRoundTripsThroughOneFileAndSurvivesReopen() throws IOException {
        byte[] data = random(LARGE, 42);

        put("big", data);

        assertThat(get("big")).isEqualTo(data);
        assertThat(dataFiles()).hasSize(1);
        assertThat(Files.size(dataFiles().get(0))).isEqualTo(LARGE + chunks(LARGE) * Chunks.CRC_LENGTH);
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
        reopen();
        assertThat(get("big")).isEqualTo(data);
        // Ranges inside one chunk, across chunk boundaries, and the short last chunk.
        assertThat(get("big", 5, 10)).isEqualTo(Arrays.copyOfRange(data, 5, 15));
        assertThat(get("big", CHUNK - 3, CHUNK + 6)).isEqualTo(Arrays.copyOfRange(data, CHUNK - 3, 2 * CHUNK + 3));
        assertThat(get("big", LARGE - 100, 100)).isEqualTo(Arrays.copyOfRange(data, LARGE - 100, LARGE));
        // A body below the threshold, or of unknown length, stays in RocksDB.
        put("small", random(THRESHOLD - 1, 1));
        store.putObject(key("unknown"), ObjectAttributes.empty(), new ByteArrayInputStream(data), -1, null);
        assertThat(get("unknown")).isEqualTo(data);
        assertThat(dataFiles()).hasSize(1);
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(THRESHOLD - 1) + chunks(LARGE));
    }

    @Test
    void bodyThatFailsMidwayOrIsTooShortLeavesNoFileAndNoObject() throws Exception {
        byte[] data = random(LARGE, 7);

        assertThatThrownBy(() -> store.putObject(
                        key("broken"), ObjectAttributes.empty(), failingAfter(data), data.length + 10, null))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> store.putObject(
                        key("short"), ObjectAttributes.empty(), new ByteArrayInputStream(data), LARGE + 1, null))
                .is(reason(Reason.INCOMPLETE_BODY));
        assertThatThrownBy(() -> store.putObject(
                        key("long"), ObjectAttributes.empty(), new ByteArrayInputStream(data), LARGE - 1, null))
                .is(reason(Reason.INCOMPLETE_BODY));
        assertThatThrownBy(() -> store.putObject(
                        key("digest"), ObjectAttributes.empty(), new ByteArrayInputStream(data), LARGE, new byte[16]))
                .is(reason(Reason.BAD_DIGEST));

        assertThat(store.listObjects(BUCKET, new ListQuery("", null, "", 10)).objects())
                .isEmpty();
        awaitReclaimed();
        assertThat(dataFiles()).isEmpty();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void aDataFileThatCannotBeWrittenIsTheStoresFailureNotTheClients() throws Exception {
        // Where the data files' folder should be, a plain file: every create fails, as on a broken disk.
        try (Stream<Path> partitions = Files.list(dir.resolve("partitions"))) {
            for (Path partition : partitions.toList()) {
                Files.write(partition.resolve("objects"), new byte[] {0});
            }
        }
        byte[] data = random(LARGE, 11);

        assertThatThrownBy(() -> put("k", data)).is(reason(Reason.IO));

        assertThat(store.listObjects(BUCKET, new ListQuery("", null, "", 10)).objects())
                .isEmpty();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
        put("small", random(100, 1)); // bodies below the threshold do not need the folder
        assertThat(get("small")).isEqualTo(random(100, 1));
    }

    @Test
    void overwriteDeletesTheOldFileButNotUnderAStreamStillReadingIt() throws Exception {
        byte[] first = random(LARGE, 1);
        byte[] second = random(LARGE, 2);
        put("k", first);
        Path oldFile = dataFiles().get(0);

        try (ObjectContent reading = store.getObject(key("k"), 0, -1)) {
            InputStream in = reading.stream();
            byte[] head = in.readNBytes(10); // the file is open now
            put("k", second);
            // The stream's snapshot is older than the overwrite: the reclaimer keeps the file while it is held.
            assertThat(store.awaitReclaimed(Duration.ofMillis(500))).isFalse();
            assertThat(oldFile).exists();
            assertThat(concat(head, in.readAllBytes())).isEqualTo(first);
        }

        awaitReclaimed();
        assertThat(oldFile).doesNotExist();
        assertThat(dataFiles()).hasSize(1);
        assertThat(get("k")).isEqualTo(second);
        store.deleteObject(key("k"));
        awaitReclaimed();
        assertThat(dataFiles()).isEmpty();
    }

    @Test
    void aReclaimerPassBetweenAReadsSnapshotAndItsRegistrationKeepsTheFileTheReadNeeds() throws Exception {
        byte[] first = random(LARGE, 11);
        byte[] second = random(LARGE, 12);
        put("k", first);
        Path oldFile = dataFiles().get(0);
        Partition p = store.partitionsForTest().forObject(key("k"));
        // A pass of its own, run on this thread inside the race window: no timing decides the interleaving.
        Reclaimer pass = new Reclaimer(() -> List.of(p));
        int[] reclaimed = {-1};
        p.onSnapshotTaken(() -> {
            if (reclaimed[0] >= 0) {
                return; // the overwrite below takes no snapshot, but stay on the safe side
            }
            reclaimed[0] = 0;
            try {
                put("k", second); // queues the old version's file for reclamation
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reclaimed[0] = pass.reclaim(p);
        });

        try (ObjectContent content = store.getObject(key("k"), 0, -1)) {
            p.onSnapshotTaken(() -> {});
            // The snapshot predates the overwrite, so the read serves the old bytes, whole (it failed with
            // CORRUPT_DATA, a 500, when the pass deleted the file the snapshot still pointed to).
            assertThat(content.stream().readAllBytes()).isEqualTo(first);
            assertThat(reclaimed[0]).isZero();
            assertThat(oldFile).exists();
        }
        awaitReclaimed();
        assertThat(oldFile).doesNotExist();
        assertThat(get("k")).isEqualTo(second);
    }

    @Test
    void aLongDownloadHoldsBackOnlyItsOwnFile() throws Exception {
        byte[] a = random(LARGE, 5);
        put("a", a);
        put("b", random(LARGE, 6));
        String idOfA = hexIdOf("a");
        Path fileOfA = dataFiles().stream()
                .filter(p -> p.getFileName().toString().equals(idOfA))
                .findFirst()
                .orElseThrow();
        Path fileOfB =
                dataFiles().stream().filter(p -> !p.equals(fileOfA)).findFirst().orElseThrow();

        try (ObjectContent downloadOfA = store.getObject(key("a"), 0, -1)) {
            put("b", random(LARGE, 7)); // replaces b while a's (older) snapshot is held
            put("a", random(LARGE, 8)); // and a itself

            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(fileOfB) && System.nanoTime() < deadline) {
                store.awaitReclaimed(Duration.ofMillis(50));
            }
            assertThat(fileOfB).doesNotExist();
            assertThat(fileOfA).exists();
            assertThat(downloadOfA.stream().readAllBytes()).isEqualTo(a);
        }
        awaitReclaimed();
        assertThat(fileOfA).doesNotExist();
        assertThat(dataFiles()).hasSize(2);
    }

    private String hexIdOf(String key) {
        Partition p = store.partitionsForTest().forObject(key(key));
        return HexFormat.of()
                .formatHex(Versions.read(p, key(key)).segments().get(0).dataId());
    }

    /**
     * A scrub pass reads every data file the store references, as a GET would: a healthy store's files all read
     * whole; a standalone store has no other copy, so a damaged one is counted (and logged), never passed off as read.
     */
    @Test
    void aScrubPassReadsEveryDataFileAndCountsADamagedOneItCannotRepair() throws Exception {
        put("a", random(LARGE, 21));
        put("b", random(LARGE, 22));
        ScrubReport clean = store.scrub(Long.MAX_VALUE);
        assertThat(clean.files()).isEqualTo(2);
        assertThat(clean.bytes()).isEqualTo(2L * LARGE);
        assertThat(clean.repairedChunks()).isZero();
        assertThat(clean.unrepaired()).isZero();

        try (java.nio.channels.FileChannel channel =
                java.nio.channels.FileChannel.open(dataFiles().get(0), java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 10);
        }
        ScrubReport damaged = store.scrub(Long.MAX_VALUE);
        assertThat(damaged.files()).isEqualTo(1);
        assertThat(damaged.unrepaired()).isEqualTo(1);
        assertThat(damaged.repairedChunks()).isZero();
    }

    @Test
    void aCorruptedChunkInTheFileIsAnErrorNeverData() throws IOException {
        byte[] data = random(LARGE, 3);
        put("k", data);
        byte[] bad = new byte[Chunks.CRC_LENGTH + CHUNK];
        store.overwriteChunk(key("k"), 0, 1, bad);

        assertThat(get("k", 0, CHUNK)).isEqualTo(Arrays.copyOf(data, CHUNK));
        assertThatThrownBy(() -> get("k")).is(reason(Reason.CORRUPT_DATA));
        Files.delete(dataFiles().get(0));
        assertThatThrownBy(() -> get("k")).is(reason(Reason.CORRUPT_DATA));
    }

    @Test
    void aFileLeftByACrashedUploadIsReclaimedOnReopen() throws Exception {
        put("k", random(LARGE, 4));
        store.simulateCrashedFileUpload(key("k"));
        assertThat(dataFiles()).hasSize(2);

        reopen();
        awaitReclaimed();

        assertThat(dataFiles()).hasSize(1);
        assertThat(get("k")).isEqualTo(random(LARGE, 4));
    }

    @Test
    void multipartPartsInFilesJoinIntoOneObjectAndAbortDeletesThem() throws Exception {
        byte[] p1 = random(THRESHOLD + 5, 1);
        byte[] p2 = random(2 * CHUNK, 2); // below the threshold: chunks in RocksDB
        byte[] p3 = random(THRESHOLD, 3);
        String id =
                store.createUpload(key("mp"), OWNER, ObjectAttributes.empty()).uploadId();
        PartMeta m1 = part("mp", id, 1, p1);
        PartMeta m2 = part("mp", id, 2, p2);
        PartMeta m3 = part("mp", id, 3, p3);
        assertThat(dataFiles()).hasSize(2);

        store.completeUpload(
                key("mp"),
                id,
                List.of(
                        new CompletedPart(1, m1.etag()),
                        new CompletedPart(2, m2.etag()),
                        new CompletedPart(3, m3.etag())),
                2 * CHUNK,
                Map.of(),
                null);

        byte[] whole = concat(concat(p1, p2), p3);
        assertThat(get("mp")).isEqualTo(whole);
        int boundary = p1.length + p2.length;
        assertThat(get("mp", boundary - 7, 14)).isEqualTo(Arrays.copyOfRange(whole, boundary - 7, boundary + 7));

        String aborted = store.createUpload(key("other"), OWNER, ObjectAttributes.empty())
                .uploadId();
        part("other", aborted, 1, random(THRESHOLD, 9));
        assertThat(dataFiles()).hasSize(3);
        store.abortUpload(key("other"), aborted);
        awaitReclaimed();
        assertThat(dataFiles()).hasSize(2);
        assertThat(get("mp")).isEqualTo(whole);
    }

    @Test
    void chunksLargerThanOneReadPieceAreStoredWholeWithTheirChecksum() throws IOException {
        // A chunk is read in pieces of 64 KiB and written at once: a chunk size that is not a multiple of the
        // piece, a body trickling in 1,000 bytes at a time, and a short last chunk.
        int chunk = 200_003;
        byte[] data = random(2 * chunk + 70_001, 12);
        try (RocksObjectStore big =
                RocksObjectStore.open(dir.resolve("big"), new EngineOptions(2, true, INLINE, chunk, 1))) {
            big.createBucket(BUCKET, OWNER, "us-east-1");

            big.putObject(key("trickle"), ObjectAttributes.empty(), trickle(data), data.length, null);

            try (ObjectContent content = big.getObject(key("trickle"), 0, -1)) {
                assertThat(content.stream().readAllBytes()).isEqualTo(data);
            }
            try (ObjectContent content = big.getObject(key("trickle"), chunk - 5, 10)) {
                assertThat(content.stream().readAllBytes()).isEqualTo(Arrays.copyOfRange(data, chunk - 5, chunk + 5));
            }
            assertThatThrownBy(() ->
                            big.putObject(key("short"), ObjectAttributes.empty(), trickle(data), data.length + 1, null))
                    .is(reason(Reason.INCOMPLETE_BODY));
            assertThatThrownBy(() ->
                            big.putObject(key("long"), ObjectAttributes.empty(), trickle(data), data.length - 1, null))
                    .is(reason(Reason.INCOMPLETE_BODY));
        }
        try (Stream<Path> walk = Files.walk(dir.resolve("big"))) {
            // Each chunk's CRC32C, then its bytes (the failed uploads' files may not be reclaimed yet).
            List<Long> sizes = new ArrayList<>();
            for (Path f : walk.filter(f ->
                            f.getParent().getParent().getFileName().toString().equals("objects"))
                    .toList()) {
                sizes.add(Files.size(f));
            }
            assertThat(sizes).contains(data.length + 3L * Chunks.CRC_LENGTH);
        }
    }

    /** The bytes of {@code data}, at most 1,000 per read. */
    private static InputStream trickle(byte[] data) {
        return new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1_000));
            }
        };
    }

    private PartMeta part(String key, String uploadId, int number, byte[] data) throws IOException {
        return store.uploadPart(
                key(key), uploadId, number, new ByteArrayInputStream(data), data.length, null, Map.of());
    }
}
