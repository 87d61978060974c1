package dev.granary.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.StoredForm;
import dev.granary.storage.UploadListing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Multipart uploads through the SPI: parts, completion's rules, listings. */
public abstract class MultipartContract extends StoreContract {
    private long minPart;

    private long minPart() {
        if (minPart == 0) {
            minPart = 2L * chunk;
        }
        return minPart;
    }

    private String start(String key) {
        return store.createUpload(key(key), OWNER, ObjectAttributes.empty()).uploadId();
    }

    private PartMeta part(String key, String uploadId, int number, byte[] data) throws IOException {
        return store.uploadPart(
                key(key), uploadId, number, new ByteArrayInputStream(data), data.length, null, Map.of());
    }

    private PartMeta part(String key, String uploadId, int number, byte[] data, Map<String, String> system)
            throws IOException {
        return store.uploadPart(
                key(key),
                uploadId,
                number,
                new ByteArrayInputStream(data),
                data.length,
                null,
                Map.of(),
                StoredForm.IDENTITY,
                system);
    }

    private static List<CompletedPart> completed(PartMeta... parts) {
        return Arrays.stream(parts)
                .map(p -> new CompletedPart(p.partNumber(), p.etag()))
                .toList();
    }

    private ObjectMeta complete(String key, String uploadId, List<CompletedPart> parts) {
        return store.completeUpload(key(key), uploadId, parts, minPart(), Map.of(), null);
    }

    @Test
    void aPartUploadedAgainWhileTheCompletionChoseItsPropertiesIsSeenByTheCompletion() throws IOException {
        String id = start("race");
        byte[] body = random((int) minPart(), 9);
        PartMeta first = part("race", id, 1, body, Map.of("iv", "first"));
        PartMeta last = part("race", id, 2, random(10, 10));

        List<String> seen = new ArrayList<>();
        ObjectMeta meta =
                store.completeUpload(key("race"), id, completed(first, last), minPart(), Map.of(), null, parts -> {
                    String iv = parts.get(0).system().get("iv");
                    seen.add(iv);
                    if (seen.size() == 1) { // another request uploads part 1 again, same bytes, right now
                        try {
                            part("race", id, 1, body, Map.of("iv", "second"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return Map.of("made-of", iv);
                });

        assertThat(seen).containsExactly("first", "second");
        assertThat(meta.attributes().system()).containsEntry("made-of", "second");
        assertThat(get("race")).isEqualTo(concatenate(body, random(10, 10)));
    }

    private static byte[] concatenate(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    @Test
    void completeRejectsMissingPartsWrongEtagsBadOrderAndSmallParts() throws IOException {
        String id = start("k");
        PartMeta m1 = part("k", id, 1, random((int) minPart(), 1));
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
        assertThat(meta.size()).isEqualTo(minPart() + 10);
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
        byte[] body = random((int) minPart(), 7);
        store.uploadPart(
                key("sys"),
                id,
                1,
                new ByteArrayInputStream(body),
                body.length,
                null,
                Map.of(),
                StoredForm.IDENTITY,
                Map.of("iv", "first"));
        PartMeta again = store.uploadPart(
                key("sys"),
                id,
                1,
                new ByteArrayInputStream(body),
                body.length,
                null,
                Map.of(),
                StoredForm.IDENTITY,
                Map.of("iv", "second"));
        PartMeta last = part("sys", id, 2, random(10, 8));
        assertThat(again.system()).containsExactly(Map.entry("iv", "second"));
        assertThat(store.listParts(key("sys"), id, 0, 10))
                .extracting(PartMeta::system)
                .containsExactly(Map.of("iv", "second"), Map.of());

        List<List<PartMeta>> seen = new ArrayList<>();
        ObjectMeta meta =
                store.completeUpload(key("sys"), id, completed(again, last), minPart(), Map.of(), null, parts -> {
                    seen.add(parts);
                    return Map.of("made-of", parts.get(0).system().get("iv"));
                });
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).extracting(PartMeta::partNumber).containsExactly(1, 2);
        assertThat(meta.attributes().system()).containsEntry("made-of", "second");
    }
}
