package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.DeleteResult;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.IdSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Deletes conditional on the version they act on ({@link WriteCondition#sameVersion}), as a lifecycle expiration
 * uses them: the version read earlier goes, a version that replaced it meanwhile stays.
 */
class ConditionalDeleteTest extends StoreTestSupport {
    private static final byte[] SAME = {'s', 'a', 'm', 'e'};

    private List<ObjectVersion> versions() {
        return store.listVersions(BUCKET, "", null, null, null, 100).versions();
    }

    /** Commits {@code record} as the key's current version the way a PUT does, with the time it carries. */
    private void commitAsPut(String key, ObjectRecord record) {
        ObjectKey objectKey = key(key);
        Partition p = store.partitionsForTest().forObject(objectKey);
        Versioning state = store.getBucket(BUCKET).versioning();
        IdSource ids = IdSource.system();
        Versions.Change change = Versions.put(p, objectKey, state, record, ids.micros(), ids.versionSuffix());
        p.commit("test put", change.writes()::addTo);
    }

    @Test
    void twoPutsOfTheSameBytesInOneMillisecondAreToldApart() {
        long millis = System.currentTimeMillis();
        ObjectRecord put =
                new ObjectRecord(SAME.length, md5Hex(SAME), millis, ObjectAttributes.empty(), false, SAME, List.of());
        commitAsPut("k", put);
        ObjectMeta seen = store.headObject(key("k"));
        commitAsPut("k", put); // a second PUT, same bytes, same millisecond by the clock

        ObjectMeta replacing = store.headObject(key("k"));
        assertThat(replacing.lastModified()).isAfter(seen.lastModified());
        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(seen)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(store.headObject(key("k"))).isEqualTo(replacing);
    }

    @Test
    void unversionedDeleteRemovesOnlyTheVersionSeen() throws IOException {
        ObjectMeta first = put("k", SAME);
        ObjectMeta second = put("k", SAME);
        assertThat(second.lastModified()).isAfter(first.lastModified());

        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(first)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(get("k")).isEqualTo(SAME);
        // What a listing shows ("null" as the version id) names the current version as well as a HEAD does.
        ObjectMeta listed = versions().get(0).meta();
        assertThat(listed.versionId()).isEqualTo(ObjectMeta.NULL_VERSION);
        assertThat(store.deleteObject(key("k"), null, WriteCondition.sameVersion(listed)))
                .isEqualTo(DeleteResult.UNVERSIONED);
        assertThat(store.isEmpty(BUCKET)).isTrue();
        // Nothing left to delete: the condition sees no version.
        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(second)))
                .is(reason(Reason.PRECONDITION_FAILED));
    }

    @Test
    void aChangeOfTagsMakesTheVersionAnotherOneToTheCondition() throws IOException {
        ObjectMeta seen = put("k", SAME);
        store.replaceAttributes(
                key("k"), seen.etag(), seen.attributes().withTags(new TreeMap<>(Map.of("keep", "yes"))));

        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(seen)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(get("k")).isEqualTo(SAME);
    }

    @Test
    void versionedDeleteMakesAMarkerOnlyOverTheVersionSeen() throws IOException {
        store.setVersioning(BUCKET, Versioning.ENABLED);
        ObjectMeta first = put("k", SAME);
        ObjectMeta second = put("k", SAME);

        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(first)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(versions())
                .extracting(v -> v.meta().versionId())
                .containsExactly(second.versionId(), first.versionId());

        // A noncurrent version is named by its id: it goes whatever became current since.
        DeleteResult removed = store.deleteObject(key("k"), first.versionId(), WriteCondition.sameVersion(first));
        assertThat(removed).isEqualTo(new DeleteResult(first.versionId(), false));

        DeleteResult marker = store.deleteObject(key("k"), null, WriteCondition.sameVersion(second));
        assertThat(marker.deleteMarker()).isTrue();
        // With a delete marker current, there is no current version for the condition to allow.
        assertThatThrownBy(() -> store.deleteObject(key("k"), null, WriteCondition.sameVersion(second)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(versions()).hasSize(2);
        // A delete marker named by its id is what the condition sees.
        ObjectMeta markerSeen = versions().get(0).meta();
        assertThat(markerSeen.deleteMarker()).isTrue();
        assertThat(store.deleteObject(key("k"), marker.versionId(), WriteCondition.sameVersion(markerSeen)))
                .isEqualTo(new DeleteResult(marker.versionId(), true));
        assertThat(versions()).extracting(v -> v.meta().versionId()).containsExactly(second.versionId());
    }

    @Test
    void suspendedNullVersionReplacedMeanwhileStays() throws IOException {
        store.setVersioning(BUCKET, Versioning.SUSPENDED);
        ObjectMeta first = put("k", SAME);
        ObjectMeta second = put("k", SAME); // replaces the null version
        assertThat(first.versionId()).isEqualTo(second.versionId()).isEqualTo(ObjectMeta.NULL_VERSION);

        assertThatThrownBy(
                        () -> store.deleteObject(key("k"), ObjectMeta.NULL_VERSION, WriteCondition.sameVersion(first)))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(store.headObject(key("k"), ObjectMeta.NULL_VERSION)).isEqualTo(second);

        store.deleteObject(key("k"), ObjectMeta.NULL_VERSION, WriteCondition.sameVersion(second));
        assertThat(versions()).isEmpty();
    }

    @Test
    void aBadVersionIdIsRefusedBeforeTheConditionIsAsked() {
        // A condition that refuses any version: had it been asked, the delete would fail with PRECONDITION_FAILED.
        assertThatThrownBy(() -> store.deleteObject(key("k"), "nonsense", new WriteCondition.IfMatch(List.of())))
                .is(reason(Reason.INVALID_VERSION_ID));
    }
}
