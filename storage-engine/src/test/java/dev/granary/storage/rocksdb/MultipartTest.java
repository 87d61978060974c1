package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.UploadListing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Multipart uploads on the real engine. */
class MultipartTest extends StoreTestSupport {
    static final long MIN_PART = 2 * CHUNK;

    private String start(String key) {
        return store.createUpload(key(key), OWNER, ObjectAttributes.empty()).uploadId();
    }

    private PartMeta part(String key, String uploadId, int number, byte[] data) throws IOException {
        return store.uploadPart(
                key(key), uploadId, number, new ByteArrayInputStream(data), data.length, null, Map.of());
    }

    private static List<CompletedPart> completed(PartMeta... parts) {
        return Arrays.stream(parts)
                .map(p -> new CompletedPart(p.partNumber(), p.etag()))
                .toList();
    }

    private ObjectMeta complete(String key, String uploadId, List<CompletedPart> parts) {
        return store.completeUpload(key(key), uploadId, parts, MIN_PART, Map.of(), null);
    }

    @Test
    void completeJoinsListedPartsWithTheAwsEtagAndDiscardsTheOthers() throws Exception {
        byte[] p1 = random((int) MIN_PART + 5, 1);
        byte[] p2 = random((int) MIN_PART, 2);
        byte[] p3 = random(777, 3);
        byte[] unlisted = random(3 * CHUNK, 4);
        put("k", random(2 * CHUNK, 5)); // the version the upload replaces
        String id = start("k");
        PartMeta m1 = part("k", id, 1, p1);
        part("k", id, 2, unlisted);
        PartMeta m3 = part("k", id, 3, p2);
        PartMeta m5 = part("k", id, 5, p3);
        Map<String, String> checksums = new TreeMap<>(Map.of("CRC32", "AAAAAA==-3"));

        ObjectMeta meta = store.completeUpload(key("k"), id, completed(m1, m3, m5), MIN_PART, checksums, "COMPOSITE");

        MessageDigest md5s = newMd5();
        for (byte[] p : List.of(p1, p2, p3)) {
            md5s.update(md5(p));
        }
        assertThat(meta.etag()).isEqualTo(HexFormat.of().formatHex(md5s.digest()) + "-3");
        assertThat(meta.partSizes()).containsExactly((long) p1.length, (long) p2.length, (long) p3.length);
        assertThat(meta.attributes().checksums()).isEqualTo(checksums);
        assertThat(meta.attributes().checksumType()).isEqualTo("COMPOSITE");
        byte[] whole = concat(concat(p1, p2), p3);
        assertThat(get("k")).isEqualTo(whole);
        assertThat(get("k", p1.length - 10, 20)).isEqualTo(Arrays.copyOfRange(whole, p1.length - 10, p1.length + 10));
        assertThat(store.headObject(key("k"))).isEqualTo(meta);
        assertThatThrownBy(() -> store.getUpload(key("k"), id)).is(reason(Reason.NO_SUCH_UPLOAD));

        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(p1.length) + chunks(p2.length) + chunks(p3.length));
        assertThat(store.countKeys(Cf.PARTS)).isZero();
        assertThat(store.countKeys(Cf.UPLOADS)).isZero();

        reopen();
        assertThat(get("k")).isEqualTo(whole);
    }

    @Test
    void completeRejectsMissingPartsWrongEtagsBadOrderAndSmallParts() throws IOException {
        String id = start("k");
        PartMeta m1 = part("k", id, 1, random((int) MIN_PART, 1));
        PartMeta m2 = part("k", id, 2, random(10, 2));
        PartMeta m3 = part("k", id, 3, random(10, 3));

        assertThatThrownBy(() -> complete("k", id, List.of(new CompletedPart(1, m1.etag()), new CompletedPart(4, "x"))))
                .is(reason(Reason.INVALID_PART));
        assertThatThrownBy(() -> complete("k", id, List.of(new CompletedPart(1, m2.etag()))))
                .is(reason(Reason.INVALID_PART));
        assertThatThrownBy(() -> complete("k", id, completed(m2, m1))).is(reason(Reason.INVALID_PART_ORDER));
        assertThatThrownBy(() -> complete("k", id, completed(m1, m1))).is(reason(Reason.INVALID_PART_ORDER));
        assertThatThrownBy(() -> complete("k", id, completed(m1, m2, m3))).is(reason(Reason.ENTITY_TOO_SMALL));
        assertThatThrownBy(() -> complete("k", "nope", completed(m1))).is(reason(Reason.NO_SUCH_UPLOAD));

        // Nothing was consumed by the failures: a valid completion still works, quoted ETags included.
        ObjectMeta meta =
                complete("k", id, List.of(new CompletedPart(1, m1.etag()), new CompletedPart(2, m2.quotedEtag())));
        assertThat(meta.size()).isEqualTo(MIN_PART + 10);
    }

    @Test
    void abortDiscardsTheUploadAndItsData() throws Exception {
        String id = start("k");
        part("k", id, 1, random(3 * CHUNK, 1));
        part("k", id, 2, random(CHUNK, 2));

        store.abortUpload(key("k"), id);

        assertThatThrownBy(() -> store.getUpload(key("k"), id)).is(reason(Reason.NO_SUCH_UPLOAD));
        assertThatThrownBy(() -> store.abortUpload(key("k"), id)).is(reason(Reason.NO_SUCH_UPLOAD));
        assertThatThrownBy(() -> part("k", id, 1, new byte[1])).is(reason(Reason.NO_SUCH_UPLOAD));
        assertThatThrownBy(() -> store.listParts(key("k"), id, 0, 10)).is(reason(Reason.NO_SUCH_UPLOAD));
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PARTS)).isZero();
    }

    @Test
    void replacingAPartReclaimsTheOldOne() throws Exception {
        String id = start("k");
        part("k", id, 1, random(3 * CHUNK, 1));
        byte[] second = random(CHUNK + 1, 2);

        PartMeta replaced = part("k", id, 1, second);

        assertThat(store.listParts(key("k"), id, 0, 10)).containsExactly(replaced);
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isEqualTo(chunks(second.length));
    }

    @Test
    void failedPartUploadLeavesNoData() throws Exception {
        String id = start("k");
        byte[] data = random(2 * CHUNK, 1);

        assertThatThrownBy(() -> store.uploadPart(
                        key("k"), id, 1, new ByteArrayInputStream(data), data.length, md5(new byte[1]), Map.of()))
                .is(reason(Reason.BAD_DIGEST));

        assertThat(store.listParts(key("k"), id, 0, 10)).isEmpty();
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }

    @Test
    void partChecksumsAreReadAfterTheBody() throws IOException {
        String id = start("k");
        Map<String, String> checksums = new TreeMap<>();
        byte[] data = random(100, 1);
        PartMeta part =
                store.uploadPart(key("k"), id, 7, withTrailer(data, checksums, "SHA256", "abc="), -1, null, checksums);

        assertThat(part.checksums()).containsEntry("SHA256", "abc=");
        assertThat(store.listParts(key("k"), id, 0, 10).get(0).checksums()).containsEntry("SHA256", "abc=");
    }

    @Test
    void listPartsPagesByPartNumberAndFetchesOneMore() throws IOException {
        String id = start("k");
        for (int n : new int[] {5, 1, 3, 2, 4}) {
            part("k", id, n, new byte[] {(byte) n});
        }

        assertThat(store.listParts(key("k"), id, 0, 2))
                .extracting(PartMeta::partNumber)
                .containsExactly(1, 2, 3);
        assertThat(store.listParts(key("k"), id, 2, 2))
                .extracting(PartMeta::partNumber)
                .containsExactly(3, 4, 5);
        assertThat(store.listParts(key("k"), id, 4, 2))
                .extracting(PartMeta::partNumber)
                .containsExactly(5);
        assertThat(store.listParts(key("k"), id, 5, 2)).isEmpty();
        assertThat(store.listParts(key("k"), id, 0, 10).get(0).size()).isEqualTo(1);
    }

    @Test
    void uploadIdsOfOneKeySortByCreation() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(start("k"));
        }

        assertThat(ids).isSorted().doesNotHaveDuplicates();
        assertThat(ids.get(0)).matches("[0-9a-f]+");
        UploadListing listing = store.listUploads(BUCKET, "", null, null, null, 100);
        assertThat(listing.uploads()).extracting(MultipartUpload::uploadId).containsExactlyElementsOf(ids);
    }

    @Test
    void listUploadsSupportsPrefixDelimiterAndMarkers() {
        String a1 = start("a/1");
        String a2 = start("a/2");
        String b1 = start("b");
        String b2 = start("b");
        String c = start("c/x");
        String d = start("d");

        UploadListing all = store.listUploads(BUCKET, "", null, "", null, 100);
        assertThat(all.uploads())
                .extracting(u -> u.key().key() + ":" + u.uploadId())
                .containsExactly("a/1:" + a1, "a/2:" + a2, "b:" + b1, "b:" + b2, "c/x:" + c, "d:" + d);
        assertThat(all.uploads().get(0).owner()).isEqualTo(OWNER);
        assertThat(all.truncated()).isFalse();

        UploadListing grouped = store.listUploads(BUCKET, "", "/", null, null, 100);
        assertThat(grouped.commonPrefixes()).containsExactly("a/", "c/");
        assertThat(grouped.uploads()).extracting(MultipartUpload::uploadId).containsExactly(b1, b2, d);

        UploadListing prefixed = store.listUploads(BUCKET, "a/", "/", null, null, 100);
        assertThat(prefixed.uploads()).extracting(MultipartUpload::uploadId).containsExactly(a1, a2);

        UploadListing page1 = store.listUploads(BUCKET, "", "/", null, null, 2);
        assertThat(page1.commonPrefixes()).containsExactly("a/");
        assertThat(page1.uploads()).extracting(MultipartUpload::uploadId).containsExactly(b1);
        assertThat(page1.truncated()).isTrue();
        assertThat(page1.nextKeyMarker()).isEqualTo("b");
        assertThat(page1.nextUploadIdMarker()).isEqualTo(b1);

        UploadListing page2 = store.listUploads(BUCKET, "", "/", page1.nextKeyMarker(), page1.nextUploadIdMarker(), 2);
        assertThat(page2.uploads()).extracting(MultipartUpload::uploadId).containsExactly(b2);
        assertThat(page2.commonPrefixes()).containsExactly("c/");
        assertThat(page2.nextKeyMarker()).isEqualTo("c/");
        assertThat(page2.nextUploadIdMarker()).isNull();

        UploadListing page3 = store.listUploads(BUCKET, "", "/", page2.nextKeyMarker(), null, 2);
        assertThat(page3.uploads()).extracting(MultipartUpload::uploadId).containsExactly(d);
        assertThat(page3.truncated()).isFalse();

        UploadListing afterKey = store.listUploads(BUCKET, "", null, "b", null, 100);
        assertThat(afterKey.uploads()).extracting(MultipartUpload::uploadId).containsExactly(c, d);
    }

    @Test
    void aPartKeepsItsOwnSystemPropertiesAndCompletionSeesThePartsItLinks() throws Exception {
        String id = start("sys");
        byte[] body = random((int) MIN_PART, 7);
        store.uploadPart(
                key("sys"),
                id,
                1,
                new ByteArrayInputStream(body),
                body.length,
                null,
                Map.of(),
                dev.granary.storage.StoredForm.IDENTITY,
                Map.of("iv", "first"));
        PartMeta again = store.uploadPart(
                key("sys"),
                id,
                1,
                new ByteArrayInputStream(body),
                body.length,
                null,
                Map.of(),
                dev.granary.storage.StoredForm.IDENTITY,
                Map.of("iv", "second"));
        PartMeta last = part("sys", id, 2, random(10, 8));
        assertThat(again.system()).containsExactly(Map.entry("iv", "second"));
        assertThat(store.listParts(key("sys"), id, 0, 10))
                .extracting(PartMeta::system)
                .containsExactly(Map.of("iv", "second"), Map.of());

        List<List<PartMeta>> seen = new ArrayList<>();
        ObjectMeta meta =
                store.completeUpload(key("sys"), id, completed(again, last), MIN_PART, Map.of(), null, parts -> {
                    seen.add(parts);
                    return Map.of("made-of", parts.get(0).system().get("iv"));
                });
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).extracting(PartMeta::partNumber).containsExactly(1, 2);
        assertThat(meta.attributes().system()).containsEntry("made-of", "second");
    }

    @Test
    void aPartRecordOfFormat3HasNoSystemProperties() {
        Segment segment = new Segment(new byte[16], 5, 1024, false);
        byte[] old = Codec.encode(Codec.VERSION_WITH_VERSIONS, out -> {
            out.writeInt(3);
            Codec.writeString(out, "etag");
            out.writeLong(1234L);
            Codec.writeMap(out, Map.of("CRC32", "x"));
            Codec.writeSegment(out, segment);
        });
        PartRecord decoded = PartRecord.decode(old, "part 3");
        assertThat(decoded.partNumber()).isEqualTo(3);
        assertThat(decoded.checksums()).containsEntry("CRC32", "x");
        assertThat(decoded.system()).isEmpty();
        PartRecord now = new PartRecord(3, "etag", 1234L, Map.of(), segment, Map.of("iv", "v"));
        assertThat(PartRecord.decode(now.encode(), "part 3").system()).containsExactly(Map.entry("iv", "v"));
    }
}
