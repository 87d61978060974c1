package dev.granary.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A condition on the version a write or delete acts on, checked right before the change commits, so that no other
 * write to the key can come between the check and the commit (S3's conditional writes, If-Match and If-None-Match
 * on PutObject; a lifecycle expiration that must remove only the version it judged).
 *
 * <p>A condition is data, not code: it travels inside a write command (and, in a cluster, through a partition's
 * log) and every replica evaluates it the same way against its own state.
 */
public sealed interface WriteCondition
        permits WriteCondition.None,
                WriteCondition.IfMatch,
                WriteCondition.IfNoneMatch,
                WriteCondition.AllOf,
                WriteCondition.SameVersion {
    /** No condition. */
    WriteCondition NONE = new None();

    /**
     * Whether the write may replace (or the delete remove) {@code current}.
     *
     * @param current the version acted on, or null when there is none (see the method taking the condition)
     */
    boolean allows(ObjectMeta current);

    /** No condition: allows anything. */
    record None() implements WriteCondition {
        @Override
        public boolean allows(ObjectMeta current) {
            return true;
        }
    }

    /**
     * If-Match: there is a current version and its ETag is one of {@code etags} ({@code *} matches any).
     *
     * @param etags entity tags without quotes or {@code W/}, as {@link #etags} parses them
     */
    record IfMatch(List<String> etags) implements WriteCondition {
        /** Keeps an immutable copy of {@code etags}. */
        public IfMatch {
            etags = List.copyOf(etags);
        }

        @Override
        public boolean allows(ObjectMeta current) {
            return current != null && matches(etags, current.etag());
        }
    }

    /**
     * If-None-Match: there is no current version, or its ETag is none of {@code etags} ({@code *} matches any, so
     * {@code If-None-Match: *} allows only a write that creates the key).
     *
     * @param etags entity tags without quotes or {@code W/}, as {@link #etags} parses them
     */
    record IfNoneMatch(List<String> etags) implements WriteCondition {
        /** Keeps an immutable copy of {@code etags}. */
        public IfNoneMatch {
            etags = List.copyOf(etags);
        }

        @Override
        public boolean allows(ObjectMeta current) {
            return current == null || !matches(etags, current.etag());
        }
    }

    /**
     * Every one of {@code conditions} holds.
     *
     * @param conditions the conditions, checked in order
     */
    record AllOf(List<WriteCondition> conditions) implements WriteCondition {
        /** Keeps an immutable copy of {@code conditions}. */
        public AllOf {
            conditions = List.copyOf(conditions);
        }

        @Override
        public boolean allows(ObjectMeta current) {
            for (WriteCondition condition : conditions) {
                if (!condition.allows(current)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Allows only the very version that was read earlier: see {@link #sameVersion}. The attributes are kept whole
     * rather than as a digest: they are small, and equality of records needs no canonical encoding here.
     *
     * @param shownVersionId the version id as S3 shows it ({@code null} the string for a never-versioned object)
     * @param etag its ETag
     * @param size its size
     * @param lastModifiedMillis its modification time
     * @param deleteMarker whether it is a delete marker
     * @param attributes its attributes
     */
    record SameVersion(
            String shownVersionId,
            String etag,
            long size,
            long lastModifiedMillis,
            boolean deleteMarker,
            ObjectAttributes attributes)
            implements WriteCondition {
        /** Checks that no field is missing. */
        public SameVersion {
            Objects.requireNonNull(shownVersionId, "shownVersionId");
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(attributes, "attributes");
        }

        @Override
        public boolean allows(ObjectMeta current) {
            return current != null
                    && shownId(current).equals(shownVersionId)
                    && current.deleteMarker() == deleteMarker
                    && current.etag().equals(etag)
                    && current.size() == size
                    && current.lastModified().toEpochMilli() == lastModifiedMillis
                    && current.attributes().equals(attributes);
        }
    }

    /**
     * Allows only the very version {@code seen}, read earlier: same version id (a never-versioned object's null
     * id and {@code "null"} alike, as S3 shows both), ETag, size, modification time, attributes and delete-marker
     * flag. A store gives each new version of a key a later modification time than the newest one before it
     * ({@link ObjectStore}), so no later write of the key passes for {@code seen}, not even a PUT of the same
     * bytes within the same millisecond, and neither does a change of its tags or metadata.
     */
    static WriteCondition sameVersion(ObjectMeta seen) {
        Objects.requireNonNull(seen, "seen");
        return new SameVersion(
                shownId(seen),
                seen.etag(),
                seen.size(),
                seen.lastModified().toEpochMilli(),
                seen.deleteMarker(),
                seen.attributes());
    }

    /** If-Match with the entity tags of an {@code If-Match} header ({@link #etags}). */
    static WriteCondition ifMatch(String header) {
        return new IfMatch(etags(header));
    }

    /** If-None-Match with the entity tags of an {@code If-None-Match} header ({@link #etags}). */
    static WriteCondition ifNoneMatch(String header) {
        return new IfNoneMatch(etags(header));
    }

    /**
     * The entity tags of an If-Match or If-None-Match header, as S3 reads them: a comma-separated list, each entry
     * trimmed, a weak {@code W/} prefix dropped (S3 compares weakly), surrounding double quotes removed; {@code *}
     * stays {@code *} and matches any ETag.
     */
    static List<String> etags(String header) {
        List<String> etags = new ArrayList<>();
        for (String candidate : header.split(",", -1)) {
            String c = candidate.trim();
            if (c.startsWith("W/")) {
                c = c.substring(2);
            }
            if (c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"")) {
                c = c.substring(1, c.length() - 1);
                if (c.equals("*")) {
                    continue; // a quoted "*" is an entity tag, not the wildcard, and no ETag of ours is "*"
                }
            }
            etags.add(c);
        }
        return etags;
    }

    /** Whether a comma-separated list of entity tags (quoted or not, {@code *} for any) contains {@code etag}. */
    static boolean matches(String header, String etag) {
        return matches(etags(header), etag);
    }

    private static boolean matches(List<String> etags, String etag) {
        for (String candidate : etags) {
            if (candidate.equals("*") || candidate.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    private static String shownId(ObjectMeta meta) {
        return meta.versionId() == null ? ObjectMeta.NULL_VERSION : meta.versionId();
    }
}
