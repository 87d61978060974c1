package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.Versioning;
import dev.granary.storage.command.IdSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store takes every time and id of a write from its {@link IdSource}: a seeded one makes them predictable. */
class SeededIdsTest {
    private static final Clock FROZEN = Clock.fixed(Instant.parse("2026-05-01T00:00:00.000123Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void versionIdsAndTimesComeFromTheIdSourceAndStayOrderedUnderAFrozenClock() throws IOException {
        ObjectMeta first;
        ObjectMeta second;
        try (RocksObjectStore store = RocksObjectStore.open(
                dir, new EngineOptions(2, true, 1024, 4096), new IdSource(FROZEN, new Random(5)))) {
            store.createBucket("b", "o", "");
            store.setVersioning("b", Versioning.ENABLED);
            first = put(store, new byte[] {1});
            second = put(store, new byte[] {2});
        }

        // The same draws, in the same order: a small body takes no data id, only a version suffix.
        IdSource same = new IdSource(FROZEN, new Random(5));
        long micros = same.micros();
        String firstId = VersionIds.next(null, micros, same.versionSuffix());
        String secondId = VersionIds.next(firstId, micros, same.versionSuffix());
        assertThat(first.versionId()).isEqualTo(firstId);
        assertThat(second.versionId()).isEqualTo(secondId).isLessThan(firstId);
        assertThat(secondId.substring(0, 16)).isEqualTo(String.format("%016x", Long.MAX_VALUE - (micros + 1)));
        assertThat(first.lastModified()).isEqualTo(Instant.ofEpochMilli(FROZEN.millis()));
        assertThat(second.lastModified()).isEqualTo(Instant.ofEpochMilli(FROZEN.millis() + 1));
    }

    @Test
    void aLegacyObjectGetsTheSameNullVersionIdWhoeverMovesIt() {
        ObjectKey key = new ObjectKey("b", "k\u0000ey");

        String id = VersionIds.forLegacy(key, 1_700_000_000_123L);

        assertThat(id).isEqualTo(VersionIds.forLegacy(new ObjectKey("b", "k\u0000ey"), 1_700_000_000_123L));
        assertThat(VersionIds.isValid(id)).isTrue();
        assertThat(id.substring(0, 16)).isEqualTo(String.format("%016x", Long.MAX_VALUE - 1_700_000_000_123_000L));
        assertThat(id).isNotEqualTo(VersionIds.forLegacy(new ObjectKey("b", "k"), 1_700_000_000_123L));
        assertThat(id).isNotEqualTo(VersionIds.forLegacy(key, 1_700_000_000_124L));
    }

    private static ObjectMeta put(RocksObjectStore store, byte[] data) throws IOException {
        return store.putObject(
                new ObjectKey("b", "k"), ObjectAttributes.empty(), new ByteArrayInputStream(data), data.length, null);
    }
}
