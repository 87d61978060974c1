package dev.granary.api.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.SortedMap;

/**
 * One rule of a bucket's lifecycle configuration, as S3 has it.
 *
 * @param id the rule's id (made up when the configuration gave none)
 * @param enabled whether its Status is Enabled
 * @param filter which objects it applies to
 * @param expirationDays Expiration/Days, or null
 * @param expirationDate Expiration/Date (midnight UTC), or null
 * @param expiredObjectDeleteMarker Expiration/ExpiredObjectDeleteMarker
 * @param noncurrentDays NoncurrentVersionExpiration/NoncurrentDays, or null
 * @param newerNoncurrentVersions NoncurrentVersionExpiration/NewerNoncurrentVersions, or null
 * @param abortDays AbortIncompleteMultipartUpload/DaysAfterInitiation, or null
 */
public record LifecycleRule(
        String id,
        boolean enabled,
        Filter filter,
        Integer expirationDays,
        Instant expirationDate,
        boolean expiredObjectDeleteMarker,
        Integer noncurrentDays,
        Integer newerNoncurrentVersions,
        Integer abortDays) {

    /**
     * The objects a rule applies to: all conditions must hold.
     *
     * @param prefix key prefix ("" for every key)
     * @param tags tags the object must carry, each with this value
     * @param sizeGreaterThan the object must be larger, or null
     * @param sizeLessThan the object must be smaller, or null
     * @param legacy whether it was given as the rule's own {@code Prefix} (the older form), shown back that way
     */
    public record Filter(
            String prefix, SortedMap<String, String> tags, Long sizeGreaterThan, Long sizeLessThan, boolean legacy) {

        boolean matches(String key, Map<String, String> objectTags, long size) {
            if (!key.startsWith(prefix)) {
                return false;
            }
            for (Map.Entry<String, String> t : tags.entrySet()) {
                if (!t.getValue().equals(objectTags.get(t.getKey()))) {
                    return false;
                }
            }
            return (sizeGreaterThan == null || size > sizeGreaterThan) && (sizeLessThan == null || size < sizeLessThan);
        }

        /** Whether the filter names only a prefix (the only filter AbortIncompleteMultipartUpload may have). */
        boolean prefixOnly() {
            return tags.isEmpty() && sizeGreaterThan == null && sizeLessThan == null;
        }
    }

    /** Whether the rule applies to an object of this key, tags and size. */
    public boolean appliesTo(String key, Map<String, String> tags, long size) {
        return enabled && filter.matches(key, tags, size);
    }

    /**
     * When a current version made at {@code lastModified} expires under this rule, or null if the rule does not
     * expire current versions: the date, or S3's day count (the time plus the days, rounded up to midnight UTC).
     */
    public Instant expiryOf(Instant lastModified) {
        if (expirationDate != null) {
            return expirationDate;
        }
        return expirationDays == null ? null : afterDays(lastModified, expirationDays);
    }

    /** {@code start} plus {@code days}, rounded up to the next midnight UTC, as S3 counts lifecycle days. */
    static Instant afterDays(Instant start, int days) {
        Instant t = start.plus(Duration.ofDays(days));
        Instant midnight = t.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant();
        return midnight.equals(t) ? t : midnight.plus(Duration.ofDays(1));
    }
}
