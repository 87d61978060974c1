package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
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
    void aCompletionWhosePartsKeepChangingGivesUpAfterThreeReadsAndChangesNothing() throws Exception {
        String id = start("k");
        byte[] body = random((int) MIN_PART, 3);
        PartMeta only = part("k", id, 1, body);
        int[] reads = {0};

        assertThatThrownBy(() -> store.completeUpload(
                        key("k"), id, List.of(new CompletedPart(1, only.etag())), MIN_PART, Map.of(), null, parts -> {
                            reads[0]++;
                            try {
                                part("k", id, 1, body); // uploaded again each time, under the completion
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                            return Map.of();
                        }))
                .is(reason(Reason.INVALID_PART));

        assertThat(reads[0]).isEqualTo(3);
        assertThat(store.getUpload(key("k"), id).uploadId()).isEqualTo(id);
        assertThatThrownBy(() -> store.headObject(key("k"))).is(reason(Reason.NO_SUCH_KEY));
        assertThat(complete("k", id, List.of(new CompletedPart(1, only.etag()))).size())
                .isEqualTo(MIN_PART);
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
