package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.DeleteResult;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.StorageException;
import dev.granary.storage.VersionPage;
import dev.granary.storage.Versioning;
import dev.granary.storage.command.IdSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Versions in the engine: ids, history order across partitions, the migration of older objects. */
class VersioningTest extends StoreTestSupport {

    private List<String> listed() {
        List<String> out = new ArrayList<>();
        VersionPage page = store.listVersions(BUCKET, "", null, null, null, 1000);
        for (ObjectVersion v : page.versions()) {
            out.add(v.meta().key().key() + "@"
                    + (v.meta().deleteMarker() ? "marker" : v.meta().size()) + (v.latest() ? "*" : ""));
        }
        return out;
    }

    @Test
    void versionIdsSortNewestFirstAndAreChecked() {
        String older = VersionIds.next(
                null, IdSource.system().micros(), IdSource.system().versionSuffix());
        String newer = VersionIds.next(
                older, IdSource.system().micros(), IdSource.system().versionSuffix());
        assertThat(newer).hasSize(VersionIds.LENGTH).isLessThan(older);
        assertThat(VersionIds.isValid(newer)).isTrue();
        assertThat(VersionIds.isValid("null")).isFalse();
        assertThat(VersionIds.isValid(newer.toUpperCase(Locale.ROOT))).isFalse();
        assertThatThrownBy(() -> store.headObject(key("k"), "nonsense"))
                .isInstanceOfSatisfying(
                        StorageException.class,
                        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.INVALID_VERSION_ID));
    }

    @Test
    void historyAcrossPartitionsListsByKeyThenNewestFirst() throws IOException {
        store.setVersioning(BUCKET, Versioning.ENABLED);
        for (String k : List.of("b", "a", "c")) {
            put(k, new byte[1]);
            put(k, new byte[2]);
        }
        DeleteResult marker = store.deleteObject(key("b"));
        assertThat(marker.deleteMarker()).isTrue();

        assertThat(listed()).containsExactly("a@2*", "a@1", "b@marker*", "b@2", "b@1", "c@2*", "c@1");
        assertThatThrownBy(() -> store.headObject(key("b"))).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.reason()).isEqualTo(StorageException.Reason.DELETE_MARKER);
            assertThat(e.deleteMarker().versionId()).isEqualTo(marker.versionId());
        });
        // Usage counts the versions, not the marker.
        assertThat(store.usage(BUCKET).objects()).isEqualTo(6);
        assertThat(store.rebuildUsage(BUCKET).bytes()).isEqualTo(9);
    }

    @Test
    void aMigrationStoppedHalfWayFinishesWhenTheStoreOpens() throws IOException {
        put("old-1", new byte[] {1});
        put("old-2", new byte[] {2, 2});
        // What a crash right after the versioning change was committed leaves: the state and the migration mark,
        // the objects not yet moved.
        store.buckets().setVersioning(BUCKET, Versioning.ENABLED);
        assertThat(store.buckets().pendingMigrations()).containsExactly(BUCKET);

        reopen();

        assertThat(store.buckets().pendingMigrations()).isEmpty();
        assertThat(listed()).containsExactly("old-1@1*", "old-2@2*");
        ObjectMeta nullVersion = store.headObject(key("old-2"), ObjectMeta.NULL_VERSION);
        assertThat(nullVersion.versionId()).isEqualTo(ObjectMeta.NULL_VERSION);
        put("old-2", new byte[3]);
        assertThat(listed()).containsExactly("old-1@1*", "old-2@3*", "old-2@2");
        assertThat(store.rebuildUsage(BUCKET).bytes()).isEqualTo(6);
    }
}
