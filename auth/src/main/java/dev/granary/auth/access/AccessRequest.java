package dev.granary.auth.access;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as a bucket policy sees it.
 *
 * @param requester who is asking
 * @param action the IAM action, such as {@code s3:GetObject}
 * @param resource the resource ARN, {@code arn:aws:s3:::bucket} or {@code arn:aws:s3:::bucket/key}
 * @param context condition keys and their values; keys are case-insensitive (stored lower-cased)
 */
public record AccessRequest(Requester requester, String action, String resource, Map<String, List<String>> context) {

    /** Checks for nulls and copies the context with lower-cased keys. */
    public AccessRequest {
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Map<String, List<String>> lower = new HashMap<>();
        if (context != null) {
            context.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        }
        context = Map.copyOf(lower);
    }

    /**
     * The values of a condition key.
     *
     * @param key the key, in any case
     * @return the values, or null when the request has no such key
     */
    public List<String> values(String key) {
        List<String> values = context.get(key.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values;
    }

    /**
     * The ARN of a bucket.
     *
     * @param bucket the bucket name
     * @return {@code arn:aws:s3:::bucket}
     */
    public static String bucketArn(String bucket) {
        return "arn:aws:s3:::" + bucket;
    }

    /**
     * The ARN of an object.
     *
     * @param bucket the bucket name
     * @param key the object key, as stored (not encoded)
     * @return {@code arn:aws:s3:::bucket/key}
     */
    public static String objectArn(String bucket, String key) {
        return "arn:aws:s3:::" + bucket + "/" + key;
    }
}
