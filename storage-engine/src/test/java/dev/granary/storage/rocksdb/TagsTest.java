package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Object tags in the stored attributes: format compatibility and durability. */
class TagsTest extends StoreTestSupport {

    @Test
    void recordWrittenBeforeTagsExistedDecodesWithoutTags() {
        ObjectAttributes attributes = new ObjectAttributes(
                "text/plain", null, null, null, null, null, new TreeMap<>(Map.of("m", "v")), new TreeMap<>(), null);
        byte[] old = Codec.encode(Codec.VERSION_WITHOUT_TAGS, out -> {
            out.writeLong(3);
            Codec.writeString(out, "etag");
            out.writeLong(1234);
            Codec.writeAttributesWithoutTags(out, attributes);
            out.writeBoolean(false);
            out.writeByte(0); // inline
            Codec.writeBytes(out, new byte[] {1, 2, 3});
        });

        ObjectRecord decoded = ObjectRecord.decode(old, "old record");

        assertThat(decoded.attributes().contentType()).isEqualTo("text/plain");
        assertThat(decoded.attributes().userMetadata()).containsExactly(Map.entry("m", "v"));
        assertThat(decoded.attributes().tags()).isEmpty();
        assertThat(decoded.inline()).containsExactly(1, 2, 3);
        assertThat(decoded.lastModified()).isEqualTo(1234);
    }

    @Test
    void tagsRoundTripThroughTheCodec() {
        ObjectAttributes attributes = ObjectAttributes.empty().withTags(new TreeMap<>(Map.of("a", "1", "b", "")));
        ObjectRecord record = new ObjectRecord(0, "e", 1, attributes, false, new byte[0], List.of());

        assertThat(ObjectRecord.decode(record.encode(), "r").attributes().tags())
                .containsExactly(Map.entry("a", "1"), Map.entry("b", ""));
    }

    @Test
    void tagsSurviveReopenAndChangingThemKeepsLastModified() throws IOException {
        ObjectMeta put = put("k", new byte[] {1, 2, 3});

        ObjectMeta tagged = store.replaceAttributes(
                key("k"), put.etag(), put.attributes().withTags(new TreeMap<>(Map.of("project", "granary"))));
        reopen();

        ObjectMeta stored = store.headObject(key("k"));
        assertThat(stored.attributes().tags()).containsExactly(Map.entry("project", "granary"));
        assertThat(stored.lastModified()).isEqualTo(put.lastModified()).isEqualTo(tagged.lastModified());
        assertThat(get("k")).containsExactly(1, 2, 3);
    }
}
