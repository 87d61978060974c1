package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ListQuery;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of objects and buckets: chunks, reclamation, recovery, corruption. The SPI-only part of the
 * contract is {@link dev.granary.storage.contract.ObjectsContract} ({@link StandaloneObjectsContractTest}).
 */
class RocksObjectStoreTest extends StoreTestSupport {

    @Test
    void smallObjectIsStoredInlineAndRoundTrips() throws IOException {
        byte[] data = random(INLINE, 1);

        ObjectMeta meta = put("small", data);

        assertThat(meta.etag()).isEqualTo(md5Hex(data));
        assertThat(get("small")).isEqualTo(data);
        assertThat(get("small", 10, 20)).isEqualTo(Arrays.copyOfRange(data, 10, 30));
        assertThat(store.countKeys(Cf.DATA)).isZero();
    }

    @Test
    void onlyAnObjectKeptInItsRecordIsHandedOutFromMemory() throws IOException {
        byte[] small = random(INLINE, 4);
        put("in-record", small);
        put("chunked", random(INLINE + 1, 5));

        try (ObjectContent content =
                store.getObjectIfInMemory(key("in-record"), null).orElseThrow()) {
            assertThat(content.meta().size()).isEqualTo(INLINE);
            assertThat(content.stream().readAllBytes()).isEqualTo(small);
        }
        assertThat(store.getObjectIfInMemory(key("chunked"), null)).isEmpty();
        assertThatThrownBy(() -> store.getObjectIfInMemory(key("missing"), null))
                .isInstanceOf(StorageException.class)
                .extracting(e -> ((StorageException) e).reason())
                .isEqualTo(Reason.NO_SUCH_KEY);
    }

    @Test
    void multiChunkObjectRoundTrips() throws IOException {
        byte[] data = random(2 * 1024 * 1024 + 512 * 1024 + 7, 2);

        ObjectMeta meta = put("large", data);

        assertThat(meta.size()).isEqualTo(data.length);
        assertThat(meta.etag()).isEqualTo(md5Hex(data));
        assertThat(meta.partSizes()).isEmpty();
        assertThat(get("large")).isEqualTo(data);
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(data.length));
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void unknownLengthBodyRoundTrips() throws IOException {
        byte[] data = random(3 * CHUNK, 3);

        store.putObject(key("k"), ObjectAttributes.empty(), new ByteArrayInputStream(data), -1, md5(data));

        assertThat(get("k")).isEqualTo(data);
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(3);
    }

    @Test
    void skipJumpsWithoutReadingChunks() throws IOException {
        byte[] data = random(4 * CHUNK, 5);
        put("k", data);
        store.overwriteChunk(key("k"), 0, 1, new byte[] {0, 0, 0, 0, 1}); // never read below

        try (ObjectContent content = store.getObject(key("k"), 0, -1)) {
            InputStream in = content.stream();
            assertThat(in.read()).isEqualTo(data[0] & 0xFF);
            assertThat(in.skip(2L * CHUNK)).isEqualTo(2L * CHUNK);
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 2 * CHUNK + 1, data.length));
        }
    }

    @Test
    void overwriteReplacesContentAndReclaimsOldData() throws Exception {
        byte[] first = random(6 * CHUNK, 7);
        byte[] second = random(2 * CHUNK + 1, 8);
        put("k", first);

        ObjectMeta meta = put("k", second);

        assertThat(get("k")).isEqualTo(second);
        assertThat(store.headObject(key("k"))).isEqualTo(meta);
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(second.length));
        assertThat(store.countKeys(Cf.GC)).isZero();
    }

    @Test
    void deleteRemovesObjectAndReclaimsData() throws Exception {
        put("k", random(3 * CHUNK, 9));

        store.deleteObject(key("k"));
        store.deleteObject(key("k")); // a missing key deletes fine

        assertThatThrownBy(() -> store.headObject(key("k"))).is(reason(Reason.NO_SUCH_KEY));
        assertThatThrownBy(() -> store.getObject(key("k"), 0, -1)).is(reason(Reason.NO_SUCH_KEY));
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isZero();
    }

    @Test
    void openReadKeepsSeeingTheVersionItStartedWith() throws Exception {
        byte[] first = random(4 * CHUNK, 10);
        put("k", first);

        try (ObjectContent content = store.getObject(key("k"), 0, -1)) {
            byte[] start = content.stream().readNBytes(10);
            put("k", random(4 * CHUNK, 11));
            store.deleteObject(key("k"));
            awaitReclaimed();

            byte[] rest = content.stream().readAllBytes();
            assertThat(concat(start, rest)).isEqualTo(first);
        }
    }

    @Test
    void bodyThatFailsMidwayCommitsNothingAndLeavesNoGarbage() throws Exception {
        byte[] old = random(2 * CHUNK, 12);
        put("k", old);

        assertThatThrownBy(() -> store.putObject(
                        key("k"), ObjectAttributes.empty(), failingAfter(random(5 * CHUNK + 3, 13)), -1, null))
                .isInstanceOf(IOException.class);

        assertThat(get("k")).isEqualTo(old);
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(old.length));
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void bodyShorterOrLongerThanItsLengthFailsWithIncompleteBody() throws Exception {
        byte[] data = random(3 * CHUNK, 14);

        assertThatThrownBy(() -> store.putObject(
                        key("short"), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length + 1, null))
                .is(reason(Reason.INCOMPLETE_BODY));
        assertThatThrownBy(() -> store.putObject(
                        key("long"), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length - 1, null))
                .is(reason(Reason.INCOMPLETE_BODY));
        assertThatThrownBy(() -> store.putObject(
                        key("tiny"), ObjectAttributes.empty(), new ByteArrayInputStream(data, 0, 5), 10, null))
                .is(reason(Reason.INCOMPLETE_BODY));

        assertThatThrownBy(() -> store.headObject(key("short"))).is(reason(Reason.NO_SUCH_KEY));
        assertThatThrownBy(() -> store.headObject(key("long"))).is(reason(Reason.NO_SUCH_KEY));
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void contentMd5MismatchFailsWithBadDigestAndKeepsTheOldVersion() throws Exception {
        byte[] old = random(100, 15);
        put("k", old);
        byte[] data = random(3 * CHUNK, 16);

        assertThatThrownBy(() -> store.putObject(
                        key("k"), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length, md5(old)))
                .is(reason(Reason.BAD_DIGEST));

        assertThat(get("k")).isEqualTo(old);
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void flippedChunkFailsTheReadWithCorruptData() throws IOException {
        byte[] data = random(3 * CHUNK, 17);
        put("k", data);
        byte[] corrupt = Chunks.encode(Arrays.copyOfRange(data, CHUNK, 2 * CHUNK), CHUNK);
        corrupt[100] ^= 1; // one flipped bit in the second chunk's bytes; its stored CRC32C stays
        store.overwriteChunk(key("k"), 0, 1, corrupt);

        assertThat(get("k", 0, CHUNK)).isEqualTo(Arrays.copyOf(data, CHUNK));
        try (ObjectContent content = store.getObject(key("k"), 0, -1)) {
            assertThatThrownBy(() -> content.stream().readAllBytes()).is(reason(Reason.CORRUPT_DATA));
        }
    }

    @Test
    void recoveryReclaimsDataOfUploadsInterruptedByACrash() throws Exception {
        store.simulateCrashedUpload(key("k"));
        assertThat(store.countKeys(Cf.PENDING)).isEqualTo(1);

        reopen();

        awaitReclaimed();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
        assertThat(store.countKeys(Cf.DATA)).isZero();
    }

    @Test
    void reopeningWithAnotherPartitionCountFailsNamingBoth() {
        store.close();

        assertThatThrownBy(() -> RocksObjectStore.open(dir, options().withPartitions(3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 partitions")
                .hasMessageContaining("ask for 3");
        store = RocksObjectStore.open(dir, options());
        assertThat(store.getBucket(BUCKET)).isNotNull();
    }

    @Test
    void dataStaysReadableWhenTheChunkSizeChangesBetweenOpens() throws IOException {
        byte[] data = random(3 * CHUNK + 11, 21);
        put("k", data);
        store.close();

        store = RocksObjectStore.open(dir, new EngineOptions(4, true, INLINE, 4096));

        assertThat(get("k")).isEqualTo(data);
        assertThat(get("k", CHUNK - 5, 4096)).isEqualTo(Arrays.copyOfRange(data, CHUNK - 5, CHUNK - 5 + 4096));
        byte[] next = random(2 * 4096 + 1, 22);
        put("k2", next);
        assertThat(get("k2")).isEqualTo(next);
    }

    // ---- buckets ----

    @Test
    void deleteBucketRequiresItEmptyAndAbortsItsUploads() throws Exception {
        put("k", new byte[] {1});
        String uploadId =
                store.createUpload(key("u"), OWNER, ObjectAttributes.empty()).uploadId();
        store.uploadPart(key("u"), uploadId, 1, new ByteArrayInputStream(random(CHUNK, 1)), CHUNK, null, Map.of());

        assertThatThrownBy(() -> store.deleteBucket(BUCKET)).is(reason(Reason.BUCKET_NOT_EMPTY));
        assertThat(store.isEmpty(BUCKET)).isFalse();
        store.deleteObject(key("k"));
        assertThat(store.isEmpty(BUCKET)).isTrue();
        store.deleteBucket(BUCKET);

        assertThatThrownBy(() -> store.getBucket(BUCKET)).is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.deleteBucket(BUCKET)).is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> put("k", new byte[1])).is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.headObject(key("k"))).is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.deleteObject(key("k"))).is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.listObjects(BUCKET, new ListQuery("", null, "", 1)))
                .is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.createUpload(key("u"), OWNER, ObjectAttributes.empty()))
                .is(reason(Reason.NO_SUCH_BUCKET));
        assertThatThrownBy(() -> store.getUpload(key("u"), uploadId)).is(reason(Reason.NO_SUCH_UPLOAD));
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PARTS)).isZero();

        reopen();
        assertThatThrownBy(() -> store.getBucket(BUCKET)).is(reason(Reason.NO_SUCH_BUCKET));
        store.createBucket(BUCKET, "bob", "");
        assertThat(store.getBucket(BUCKET).owner()).isEqualTo("bob");
    }
}
