package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.StoredForm;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Bodies stored in another form (the API layer's encryption): digested as sent, stored as transformed. */
class StoredFormTest extends StoreTestSupport {
    /** A length-preserving stand-in for a cipher. */
    private static final StoredForm XOR = body -> new FilterInputStream(body) {
        @Override
        public int read() throws IOException {
            int b = in.read();
            return b < 0 ? b : b ^ 0x5a;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            for (int i = 0; i < n; i++) {
                b[off + i] ^= 0x5a;
            }
            return n;
        }
    };

    private static byte[] xor(byte[] data) {
        byte[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= 0x5a;
        }
        return out;
    }

    @Test
    void etagAndContentMd5AreOfTheBodyAsSentWhileTheTransformedBytesAreStored() throws IOException {
        for (byte[] data : List.of(random(INLINE / 2, 1), random(3 * CHUNK + 5, 2))) {
            InputStream body = new ByteArrayInputStream(data);
            ObjectMeta meta = store.putObject(key("k"), ObjectAttributes.empty(), body, data.length, md5(data), XOR);
            assertThat(meta.etag()).isEqualTo(md5Hex(data));
            assertThat(meta.size()).isEqualTo(data.length);
            assertThat(get("k")).isEqualTo(xor(data));
        }
        byte[] data = random(100, 3);
        assertThatThrownBy(() -> store.putObject(
                        key("k"), ObjectAttributes.empty(), new ByteArrayInputStream(data), 100, md5(xor(data)), XOR))
                .is(reason(Reason.BAD_DIGEST));
    }

    @Test
    void partsAreTransformedAndCompletionAddsSystemProperties() throws IOException {
        TreeMap<String, String> system = new TreeMap<>(Map.of("sse.mode", "S3", "acl", "private"));
        String uploadId = store.createUpload(
                        key("m"), OWNER, ObjectAttributes.empty().withSystem(system))
                .uploadId();
        byte[] p1 = random(2 * CHUNK, 4);
        PartMeta part = store.uploadPart(
                key("m"), uploadId, 1, new ByteArrayInputStream(p1), p1.length, null, new TreeMap<>(), XOR);
        assertThat(part.etag()).isEqualTo(md5Hex(p1));

        ObjectMeta meta = store.completeUpload(
                key("m"),
                uploadId,
                List.of(new CompletedPart(1, part.etag())),
                0,
                Map.of(),
                null,
                Map.of("sse.parts", "1"));
        assertThat(meta.attributes().system())
                .containsExactlyInAnyOrderEntriesOf(Map.of("sse.mode", "S3", "acl", "private", "sse.parts", "1"));
        assertThat(store.headObject(key("m")).attributes().system()).containsEntry("sse.parts", "1");
        assertThat(get("m")).isEqualTo(xor(p1));
    }
}
