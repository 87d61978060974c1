package dev.granary.storage.rocksdb;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ListPage;
import dev.granary.storage.ListQuery;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.PartMeta;
import dev.granary.storage.UploadListing;
import dev.granary.storage.VersionPage;
import dev.granary.storage.Versioning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.ReadOptions;

/**
 * Keys holding U+0000 (the byte the key layout separates fields with) and U+0001 (the escape byte): every key S3
 * accepts keeps its own versions, uploads and parts, and listings stay in UTF-8 binary order. One partition, so
 * that keys which could be confused share a RocksDB instance.
 */
class KeyEncodingTest extends StoreTestSupport {
    /** In UTF-8 binary order (all ASCII, so Java's order of strings too). */
    static final List<String> KEYS = List.of(
            "a",
            "a\u0000",
            "a\u0000\u0000",
            "a\u0000\u0001",
            "a\u0000b",
            "a\u0001",
            "a\u0001\u0000",
            "a\u0001\u0001",
            "a\u0001b",
            "a\u0002",
            "a/",
            "ab",
            "b\u0000");

    @Override
    EngineOptions options() {
        return super.options().withPartitions(1);
    }

    /** Written in reverse, so that no order comes from the order of writing. */
    private static List<String> reversed(List<String> keys) {
        List<String> copy = new ArrayList<>(keys);
        Collections.reverse(copy);
        return copy;
    }

    private String start(String key) {
        return store.createUpload(key(key), OWNER, ObjectAttributes.empty()).uploadId();
    }

    private PartMeta part(String key, String uploadId, int number, byte[] data) throws IOException {
        return store.uploadPart(
                key(key), uploadId, number, new ByteArrayInputStream(data), data.length, null, Map.of());
    }

    @Test
    void uploadsOfAKeyAndOfThatKeyFollowedByNulAndItsUploadIdKeepTheirOwnParts() throws IOException {
        String idOfA = start("a");
        String other = "a\u0000" + idOfA; // its parts' keys start with the part prefix of a's upload
        String idOfOther = start(other);
        byte[] partOfA = random(3 * CHUNK, 1);
        byte[] partOfOther = random(2 * CHUNK, 2);
        PartMeta a1 = part("a", idOfA, 1, partOfA);
        PartMeta other1 = part(other, idOfOther, 1, partOfOther);
        PartMeta other2 = part(other, idOfOther, 2, partOfOther);

        assertThat(store.listParts(key("a"), idOfA, 0, 100)).containsExactly(a1);
        assertThat(store.listParts(key(other), idOfOther, 0, 100)).containsExactly(other1, other2);

        // Completing a's upload discards the parts it did not list: none of the other upload's.
        store.completeUpload(key("a"), idOfA, List.of(new CompletedPart(1, a1.etag())), 1, Map.of(), null);
        assertThat(get("a")).isEqualTo(partOfA);
        assertThat(store.listParts(key(other), idOfOther, 0, 100)).containsExactly(other1, other2);
        store.completeUpload(
                key(other),
                idOfOther,
                List.of(new CompletedPart(1, other1.etag()), new CompletedPart(2, other2.etag())),
                1,
                Map.of(),
                null);
        assertThat(get(other)).isEqualTo(concat(partOfOther, partOfOther));
        assertThat(get("a")).isEqualTo(partOfA);

        // Aborting one upload leaves the other's parts alone too.
        String again = start("a");
        String otherAgain = "a\u0000" + again;
        String idOfOtherAgain = start(otherAgain);
        part("a", again, 1, partOfA);
        PartMeta kept = part(otherAgain, idOfOtherAgain, 1, partOfOther);
        store.abortUpload(key("a"), again);
        assertThat(store.listParts(key(otherAgain), idOfOtherAgain, 0, 100)).containsExactly(kept);
    }

    @Test
    void objectsWithNulAndEscapeBytesListInUtf8BinaryOrder() throws IOException {
        for (String key : reversed(KEYS)) {
            put(key, key.getBytes(UTF_8));
        }
        for (String key : KEYS) {
            assertThat(get(key)).isEqualTo(key.getBytes(UTF_8));
        }
        assertThat(listAll("", null)).containsExactlyElementsOf(KEYS);
        assertThat(listAll("a\u0000", null)).containsExactly("a\u0000", "a\u0000\u0000", "a\u0000\u0001", "a\u0000b");
        assertThat(listAll("a\u0001", null)).containsExactly("a\u0001", "a\u0001\u0000", "a\u0001\u0001", "a\u0001b");
        ListPage byNul = store.listObjects(BUCKET, new ListQuery("a", "\u0000", null, 1000));
        assertThat(byNul.commonPrefixes()).containsExactly("a\u0000", "a\u0001\u0000");
        assertThat(byNul.objects())
                .extracting(m -> m.key().key())
                .containsExactly("a", "a\u0001", "a\u0001\u0001", "a\u0001b", "a\u0002", "a/", "ab");
        assertThat(store.listObjects(BUCKET, new ListQuery("", null, "a\u0000\u0001", 3))
                        .objects())
                .extracting(m -> m.key().key())
                .containsExactly("a\u0000b", "a\u0001", "a\u0001\u0000");
        reopen();
        assertThat(listAll("", null)).containsExactlyElementsOf(KEYS);
    }

    /** Every key, a page of one at a time. */
    private List<String> listAll(String prefix, String delimiter) {
        List<String> keys = new ArrayList<>();
        String after = null;
        while (true) {
            ListPage page = store.listObjects(BUCKET, new ListQuery(prefix, delimiter, after, 1));
            page.objects().forEach(m -> keys.add(m.key().key()));
            if (!page.truncated()) {
                return keys;
            }
            after = page.nextStartAfter();
        }
    }

    @Test
    void versionsOfKeysWithNulAndEscapeBytesListByKeyThenNewestFirst() throws IOException {
        store.setVersioning(BUCKET, Versioning.ENABLED);
        List<String> expected = new ArrayList<>();
        for (String key : reversed(KEYS)) {
            put(key, new byte[1]);
            put(key, new byte[2]);
        }
        for (String key : KEYS) {
            expected.add(key + "@2");
            expected.add(key + "@1");
            assertThat(store.headObject(key(key)).size()).isEqualTo(2);
        }

        VersionPage all = store.listVersions(BUCKET, "", null, null, null, 1000);
        assertThat(describe(all.versions())).containsExactlyElementsOf(expected);
        // A page at a time, resuming from the markers each page gives.
        List<String> paged = new ArrayList<>();
        String keyMarker = null;
        String versionMarker = null;
        for (int pages = 0; pages <= expected.size(); pages++) {
            VersionPage page = store.listVersions(BUCKET, "", null, keyMarker, versionMarker, 1);
            paged.addAll(describe(page.versions()));
            if (!page.truncated()) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        // After all versions of a key: the next key, even one that extends it by U+0000.
        assertThat(describe(store.listVersions(BUCKET, "", null, "a", null, 2).versions()))
                .containsExactly("a\u0000@2", "a\u0000@1");
        assertThat(describe(store.listVersions(BUCKET, "a\u0000", null, null, null, 1000)
                        .versions()))
                .containsExactly(
                        "a\u0000@2",
                        "a\u0000@1",
                        "a\u0000\u0000@2",
                        "a\u0000\u0000@1",
                        "a\u0000\u0001@2",
                        "a\u0000\u0001@1",
                        "a\u0000b@2",
                        "a\u0000b@1");

        // Removing every version of "a" leaves the versions of the keys it prefixes.
        for (ObjectVersion v :
                store.listVersions(BUCKET, "a", null, null, null, 2).versions()) {
            store.deleteObject(key("a"), v.meta().versionId());
        }
        assertThat(describe(store.listVersions(BUCKET, "a", null, null, null, 2).versions()))
                .containsExactly("a\u0000@2", "a\u0000@1");
        assertThat(store.headObject(key("a\u0000")).size()).isEqualTo(2);
    }

    private static List<String> describe(List<ObjectVersion> versions) {
        return versions.stream()
                .map(v -> v.meta().key().key() + "@" + v.meta().size())
                .toList();
    }

    @Test
    void uploadsOfKeysWithNulAndEscapeBytesListInOrder() {
        List<String> expected = new ArrayList<>();
        for (String key : reversed(KEYS)) {
            start(key);
        }
        expected.addAll(KEYS);
        UploadListing all = store.listUploads(BUCKET, "", null, null, null, 1000);
        assertThat(all.uploads()).extracting(u -> u.key().key()).containsExactlyElementsOf(expected);
        List<String> paged = new ArrayList<>();
        String keyMarker = null;
        String uploadMarker = null;
        for (int pages = 0; pages <= expected.size(); pages++) {
            UploadListing page = store.listUploads(BUCKET, "", null, keyMarker, uploadMarker, 1);
            page.uploads().forEach(u -> paged.add(u.key().key()));
            if (!page.truncated()) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            uploadMarker = page.nextUploadIdMarker();
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        // Without an upload id marker, listing goes on after every upload of the marker key, with the next key.
        assertThat(store.listUploads(BUCKET, "", null, "a", null, 1).uploads())
                .extracting(MultipartUpload::key)
                .extracting(k -> k.key())
                .containsExactly("a\u0000");
        assertThat(store.listUploads(BUCKET, "a\u0001", null, null, null, 1000).uploads())
                .extracting(u -> u.key().key())
                .containsExactly("a\u0001", "a\u0001\u0000", "a\u0001\u0001", "a\u0001b");
    }

    @Test
    void aDataFolderFromBeforeTheEscapingOpensWithEveryKeyIntact() throws IOException {
        store.createBucket("versioned", OWNER, "us-east-1");
        store.setVersioning("versioned", Versioning.ENABLED);
        for (String key : KEYS) {
            put(key, key.getBytes(UTF_8));
            for (int size = 1; size <= 2; size++) {
                store.putObject(
                        new ObjectKey("versioned", key),
                        ObjectAttributes.empty(),
                        new ByteArrayInputStream(new byte[size]),
                        size,
                        null);
            }
        }
        String idOfA = start("a");
        String other = "a\u0000" + idOfA;
        String idOfOther = start(other);
        PartMeta partOfA = part("a", idOfA, 1, random(CHUNK, 1));
        PartMeta partOfOther = part(other, idOfOther, 3, random(CHUNK, 2));
        String idOfEscape = start("a\u0001");
        PartMeta partOfEscape = part("a\u0001", idOfEscape, 2, random(CHUNK, 3));
        List<String> versions = describe(
                store.listVersions("versioned", "", null, null, null, 1000).versions());
        assertThat(versions).hasSize(2 * KEYS.size());

        int rewritten = toLayoutWithoutEscapes();
        assertThat(rewritten).isPositive();
        Partition p = store.partitionsForTest().all().get(0);
        assertThat(p.get(Cf.META, Keys.concat(Keys.bucketPrefix(BUCKET), Keys.utf8("a\u0001\u0001")), "test"))
                .as("stored as plain UTF-8, as before the escaping")
                .isNotNull();
        reopen();

        for (String key : KEYS) {
            assertThat(get(key)).isEqualTo(key.getBytes(UTF_8));
        }
        assertThat(listAll("", null)).containsExactlyElementsOf(KEYS);
        assertThat(describe(store.listVersions("versioned", "", null, null, null, 1000)
                        .versions()))
                .containsExactlyElementsOf(versions);
        assertThat(store.listUploads(BUCKET, "", null, null, null, 1000).uploads())
                .extracting(u -> u.key().key())
                .containsExactly("a", other, "a\u0001");
        assertThat(store.listParts(key("a"), idOfA, 0, 100)).containsExactly(partOfA);
        assertThat(store.listParts(key(other), idOfOther, 0, 100)).containsExactly(partOfOther);
        assertThat(store.listParts(key("a\u0001"), idOfEscape, 0, 100)).containsExactly(partOfEscape);
        assertThat(store.usage(BUCKET).parts()).isEqualTo(3);
        // Upgraded once: the layout is recorded, and the next open has nothing to do.
        assertThat(KeyFormat.upgrade(store.partitionsForTest().all().get(0))).isZero();
    }

    /**
     * Rewrites every object key of the (one) partition to its plain UTF-8 and drops the layout record: the data
     * folder as a version without the escaping left it. Returns how many entries changed.
     */
    private int toLayoutWithoutEscapes() {
        Partition p = store.partitionsForTest().all().get(0);
        List<Object[]> moves = new ArrayList<>();
        for (Cf cf : List.of(Cf.META, Cf.VERSIONS, Cf.UPLOADS, Cf.PARTS)) {
            try (ReadOptions options = new ReadOptions();
                    Partition.Cursor it = p.iterator(cf, options)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] raw = it.key();
                    int start = Keys.keyEnd(raw, 0) + 1;
                    int end = cf == Cf.META
                            ? raw.length
                            : cf == Cf.VERSIONS ? raw.length - VersionIds.LENGTH - 1 : Keys.keyEnd(raw, start);
                    byte[] plain = Keys.concat(
                            Arrays.copyOfRange(raw, 0, start),
                            Keys.utf8(Keys.decodeKey(raw, start, end)),
                            Arrays.copyOfRange(raw, end, raw.length));
                    if (!Arrays.equals(plain, raw)) {
                        moves.add(new Object[] {cf, raw, plain, it.value()});
                    }
                }
            }
        }
        p.commit("back to plain keys", batch -> {
            for (Object[] m : moves) {
                batch.delete(p.cf((Cf) m[0]), (byte[]) m[1]);
            }
            for (Object[] m : moves) {
                batch.put(p.cf((Cf) m[0]), (byte[]) m[2], (byte[]) m[3]);
            }
            batch.delete(p.cf(Cf.SYSTEM), Keys.utf8(KeyFormat.RECORD));
        });
        return moves.size();
    }
}
