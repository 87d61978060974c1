package dev.granary.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.StorageUsage;
import dev.granary.storage.StoredForm;
import dev.granary.storage.Versioning;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Appends through the SPI (OSS's AppendObject): objects made and grown by appends, positions, what refuses one. */
public abstract class AppendContract extends StoreContract {

    /** What the checksum function was given at each append: the appended-to object's size, or -1 for none. */
    private final List<Long> seen = new ArrayList<>();

    private ObjectMeta append(String key, long position, byte[] data) throws IOException {
        return store.appendObject(
                key(key),
                position,
                ObjectAttributes.empty(),
                new ByteArrayInputStream(data),
                data.length,
                null,
                StoredForm.IDENTITY,
                (appendedTo, appended) -> {
                    assertThat(appended).isEqualTo(data.length);
                    seen.add(appendedTo == null ? -1L : appendedTo.size());
                    long before = appendedTo == null
                            ? 0
                            : Long.parseLong(appendedTo.attributes().checksums().getOrDefault("LENGTH", "0"));
                    return Map.of("LENGTH", Long.toString(before + data.length));
                });
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void appendsMakeAnObjectAndGrowItAcrossChunksAndARestart() throws Exception {
        byte[] first = random(100, 1);
        byte[] second = random(2 * chunk + 7, 2);
        byte[] third = new byte[0];
        byte[] fourth = random(33, 4);

        ObjectMeta made = append("log", 0, first);
        assertThat(made.size()).isEqualTo(first.length);
        assertThat(made.appendable()).isTrue();
        assertThat(made.attributes().checksums()).containsEntry("LENGTH", "100");
        ObjectMeta grown = append("log", first.length, second);
        assertThat(grown.size()).isEqualTo(first.length + second.length);
        assertThat(grown.etag()).isNotEqualTo(made.etag()).endsWith("-2");
        assertThat(grown.lastModified()).isAfter(made.lastModified());
        append("log", grown.size(), third);
        ObjectMeta last = append("log", grown.size(), fourth);
        assertThat(seen).containsExactly(-1L, 100L, grown.size(), grown.size());
        assertThat(last.attributes().checksums()).containsEntry("LENGTH", Long.toString(last.size()));

        byte[] whole = concat(first, second, third, fourth);
        assertThat(get("log")).isEqualTo(whole);
        assertThat(get("log", 90, 2L * chunk)).isEqualTo(java.util.Arrays.copyOfRange(whole, 90, 90 + 2 * chunk));
        reopen();
        assertThat(get("log")).isEqualTo(whole);
        assertThat(store.headObject(key("log")).appendable()).isTrue();
        if (store instanceof StorageUsage usage) { // a usage the metering reads: the appended bytes, one object
            assertThat(usage.usage(BUCKET).bytes()).isEqualTo(whole.length);
            assertThat(usage.usage(BUCKET).objects()).isEqualTo(1);
        }
    }

    @Test
    void aPositionOtherThanTheLengthIsRefusedAndChangesNothing() throws IOException {
        assertThatThrownBy(() -> append("gap", 5, random(10, 5))).is(reason(Reason.POSITION_NOT_EQUAL_TO_LENGTH));
        assertThatThrownBy(() -> store.headObject(key("gap"))).is(reason(Reason.NO_SUCH_KEY));
        byte[] body = random(10, 6);
        append("gap", 0, body);
        assertThatThrownBy(() -> append("gap", 0, random(10, 7))).is(reason(Reason.POSITION_NOT_EQUAL_TO_LENGTH));
        assertThatThrownBy(() -> append("gap", 11, random(10, 8))).is(reason(Reason.POSITION_NOT_EQUAL_TO_LENGTH));
        assertThat(get("gap")).isEqualTo(body);
        if (store instanceof StorageUsage usage) {
            assertThat(usage.usage(BUCKET).bytes()).isEqualTo(body.length);
        }
    }

    @Test
    void anObjectNotMadeByAppendsTakesNoneAndAPutReplacesAnAppendableOne() throws IOException {
        byte[] body = random(50, 9);
        put("plain", body);
        assertThatThrownBy(() -> append("plain", 50, random(5, 10))).is(reason(Reason.OBJECT_NOT_APPENDABLE));
        assertThat(get("plain")).isEqualTo(body);

        append("was-appendable", 0, random(20, 11));
        put("was-appendable", body);
        assertThat(store.headObject(key("was-appendable")).appendable()).isFalse();
        assertThatThrownBy(() -> append("was-appendable", 50, random(5, 12))).is(reason(Reason.OBJECT_NOT_APPENDABLE));
        store.deleteObject(key("was-appendable"));
        append("was-appendable", 0, body);
        assertThat(get("was-appendable")).isEqualTo(body);
    }

    @Test
    void inAVersionedBucketAnAppendChangesTheCurrentVersionInPlace() throws IOException {
        store.setVersioning(BUCKET, Versioning.ENABLED);
        byte[] first = random(40, 13);
        byte[] second = random(chunk + 1, 14);
        ObjectMeta made = append("versioned", 0, first);
        ObjectMeta grown = append("versioned", first.length, second);
        assertThat(grown.versionId()).isEqualTo(made.versionId()).isNotNull();
        assertThat(store.listVersions(BUCKET, "versioned", null, null, null, 10).versions())
                .singleElement()
                .satisfies(v -> assertThat(v.meta().size()).isEqualTo(first.length + second.length));
        assertThat(get("versioned")).isEqualTo(concat(first, second));

        store.deleteObject(key("versioned")); // a delete marker over it: the next append at 0 makes a new version
        ObjectMeta again = append("versioned", 0, first);
        assertThat(again.versionId()).isNotEqualTo(made.versionId());
        assertThat(get("versioned")).isEqualTo(first);
        try (var old = store.getObject(key("versioned"), made.versionId(), 0, -1)) {
            assertThat(old.stream().readAllBytes()).isEqualTo(concat(first, second));
        }
        assertThat(new TreeMap<>(again.attributes().checksums())).containsEntry("LENGTH", "40");
    }
}
