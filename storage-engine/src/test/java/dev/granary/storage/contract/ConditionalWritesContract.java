package dev.granary.storage.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.DeleteResult;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Writes and deletes conditional on the version they act on, checked atomically with the commit: S3's If-Match and
 * If-None-Match on PutObject, and {@link WriteCondition#sameVersion} as a lifecycle expiration uses it (the
 * version read earlier goes, a version that replaced it meanwhile stays).
 */
public abstract class ConditionalWritesContract extends StoreContract {
    private static final byte[] SAME = {'s', 'a', 'm', 'e'};

    private List<ObjectVersion> versions() {
        return store.listVersions(BUCKET, "", null, null, null, 100).versions();
    }

    private ObjectMeta putIf(String key, byte[] data, WriteCondition condition) throws IOException {
        return store.putObject(
                key(key),
                ObjectAttributes.empty(),
                new ByteArrayInputStream(data),
                data.length,
                null,
                dev.granary.storage.StoredForm.IDENTITY,
                condition);
    }

    @Test
    void putIfNoneMatchStarCreatesTheKeyOnlyOnce() throws IOException {
        ObjectMeta created = putIf("k", SAME, WriteCondition.ifNoneMatch("*"));

        assertThatThrownBy(() -> putIf("k", new byte[] {1}, WriteCondition.ifNoneMatch("*")))
                .is(reason(Reason.PRECONDITION_FAILED));
        assertThat(store.headObject(key("k"))).isEqualTo(created);
        store.deleteObject(key("k"));
        assertThat(putIf("k", new byte[] {2}, WriteCondition.ifNoneMatch("*")).size())
                .isEqualTo(1);
    }

    @Test
    void putIfMatchReplacesOnlyTheVersionWithThatEtag() throws IOException {
        assertThatThrownBy(() -> putIf("k", SAME, WriteCondition.ifMatch("*")))
                .as("no object to match")
                .is(reason(Reason.PRECONDITION_FAILED));
        ObjectMeta first = put("k", SAME);

        assertThatThrownBy(() -> putIf("k", new byte[] {1}, WriteCondition.ifMatch("\"other\"")))
                .is(reason(Reason.PRECONDITION_FAILED));
        ObjectMeta second = putIf("k", new byte[] {1}, WriteCondition.ifMatch("\"x\", " + first.quotedEtag()));

        assertThat(store.headObject(key("k"))).isEqualTo(second);
        assertThatThrownBy(() -> putIf("k", SAME, WriteCondition.ifMatch(first.quotedEtag())))
                .as("the ETag seen is gone")
                .is(reason(Reason.PRECONDITION_FAILED));
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
