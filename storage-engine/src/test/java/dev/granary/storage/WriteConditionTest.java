package dev.granary.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Conditions as data, with S3's reading of If-Match and If-None-Match entity-tag lists. */
class WriteConditionTest {
    private static final String ETAG = "0123456789abcdef0123456789abcdef";
    private static final ObjectMeta CURRENT = meta(ETAG, null, 1_000);

    private static ObjectMeta meta(String etag, String versionId, long millis) {
        return new ObjectMeta(
                new ObjectKey("b", "k"),
                3,
                etag,
                Instant.ofEpochMilli(millis),
                ObjectAttributes.empty(),
                List.of(),
                versionId,
                false);
    }

    @Test
    void entityTagListsAreSplitTrimmedUnquotedAndWeakTagsCompareAsStrong() {
        assertThat(WriteCondition.etags("\"a\", b ,W/\"c\",*, \"*\"")).containsExactly("a", "b", "c", "*");
        assertThat(WriteCondition.matches("\"" + ETAG + "\"", ETAG)).isTrue();
        assertThat(WriteCondition.matches(ETAG, ETAG)).isTrue();
        assertThat(WriteCondition.matches("W/\"" + ETAG + "\"", ETAG)).isTrue();
        assertThat(WriteCondition.matches("\"x\", \"" + ETAG + "\"", ETAG)).isTrue();
        assertThat(WriteCondition.matches("*", ETAG)).isTrue();
        assertThat(WriteCondition.matches("\"*\"", ETAG))
                .as("a quoted star is a tag")
                .isFalse();
        assertThat(WriteCondition.matches("\"x\",\"y\"", ETAG)).isFalse();
        assertThat(WriteCondition.matches("\"" + ETAG.toUpperCase(java.util.Locale.ROOT) + "\"", ETAG))
                .isFalse();
        assertThat(WriteCondition.matches("", ETAG)).isFalse();
    }

    @Test
    void ifMatchNeedsACurrentVersionWithOneOfTheTags() {
        assertThat(WriteCondition.ifMatch("\"" + ETAG + "\"").allows(CURRENT)).isTrue();
        assertThat(WriteCondition.ifMatch("*").allows(CURRENT)).isTrue();
        assertThat(WriteCondition.ifMatch("*").allows(null))
                .as("no object to match")
                .isFalse();
        assertThat(WriteCondition.ifMatch("\"other\"").allows(CURRENT)).isFalse();
    }

    @Test
    void ifNoneMatchAllowsNoCurrentVersionOrOneWithNoneOfTheTags() {
        assertThat(WriteCondition.ifNoneMatch("*").allows(null)).isTrue();
        assertThat(WriteCondition.ifNoneMatch("*").allows(CURRENT)).isFalse();
        assertThat(WriteCondition.ifNoneMatch("\"other\"").allows(CURRENT)).isTrue();
        assertThat(WriteCondition.ifNoneMatch("\"other\", \"" + ETAG + "\"").allows(CURRENT))
                .isFalse();
    }

    @Test
    void allOfNeedsEveryConditionAndNoneAllowsAnything() {
        WriteCondition both = new WriteCondition.AllOf(
                List.of(WriteCondition.ifMatch("\"" + ETAG + "\""), WriteCondition.ifNoneMatch("\"other\"")));
        assertThat(both.allows(CURRENT)).isTrue();
        assertThat(both.allows(null)).isFalse();
        assertThat(new WriteCondition.AllOf(List.of(WriteCondition.ifMatch("*"), WriteCondition.ifNoneMatch("*")))
                        .allows(CURRENT))
                .isFalse();
        assertThat(new WriteCondition.AllOf(List.of()).allows(null)).isTrue();
        assertThat(WriteCondition.NONE.allows(null)).isTrue();
        assertThat(WriteCondition.NONE.allows(CURRENT)).isTrue();
    }

    @Test
    void sameVersionAllowsOnlyThatVersionAndIsEqualData() {
        WriteCondition same = WriteCondition.sameVersion(CURRENT);

        assertThat(same.allows(CURRENT)).isTrue();
        assertThat(same.allows(meta(ETAG, ObjectMeta.NULL_VERSION, 1_000)))
                .as("a never-versioned object's id and \"null\" alike")
                .isTrue();
        assertThat(same.allows(meta(ETAG, null, 1_001))).as("rewritten later").isFalse();
        assertThat(same.allows(meta("other", null, 1_000))).isFalse();
        assertThat(same.allows(null)).isFalse();
        ObjectAttributes tagged = ObjectAttributes.empty().withTags(new TreeMap<>(java.util.Map.of("t", "v")));
        assertThat(same.allows(
                        new ObjectMeta(CURRENT.key(), 3, ETAG, CURRENT.lastModified(), tagged, List.of(), null, false)))
                .as("tags changed")
                .isFalse();
        assertThat(same).isEqualTo(WriteCondition.sameVersion(CURRENT));
    }
}
