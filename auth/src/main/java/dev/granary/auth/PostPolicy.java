package dev.granary.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A verified POST policy (HTML form upload): who signed it and the conditions the form's fields and file must
 * meet, checked as S3 checks them. Made by {@link PostPolicyVerifier}.
 */
public final class PostPolicy {
    /**
     * Form fields no condition has to cover, as in S3 (and OSS's signing fields, which its forms carry alike);
     * {@code x-ignore-*} fields are exempt too.
     */
    private static final List<String> EXEMPT = List.of(
            "policy", "x-amz-signature", "file", "awsaccesskeyid", "signature", "ossaccesskeyid", "x-oss-signature");
    /**
     * S3 takes at most 20 KB of form fields before the file, the policy among them. A repeated key keeps its last
     * value, as it always has here.
     */
    private static final JsonReader JSON = JsonReader.lastDuplicateKeyWins(20 * 1024);

    private final Principal principal;
    private final Instant expiration;
    private final List<Condition> conditions;
    private final long minLength;
    private final long maxLength;

    /** One eq or starts-with condition on a field (lower-case, without the {@code $}). */
    private record Condition(String operator, String field, String value) {
        boolean holds(String actual) {
            String v = actual == null ? "" : actual;
            return operator.equals("eq") ? v.equals(value) : v.startsWith(value);
        }

        String describe() {
            return "[\"" + operator + "\", \"$" + field + "\", \"" + value + "\"]";
        }
    }

    private PostPolicy(
            Principal principal, Instant expiration, List<Condition> conditions, long minLength, long maxLength) {
        this.principal = principal;
        this.expiration = expiration;
        this.conditions = conditions;
        this.minLength = minLength;
        this.maxLength = maxLength;
    }

    /**
     * Parses a policy document (the base64 form field).
     *
     * @throws AuthException {@code InvalidPolicyDocument} when it is not base64 JSON of S3's policy shape
     */
    static PostPolicy parse(Principal principal, String policyBase64) {
        Object doc;
        try {
            doc = JSON.parse(new String(Base64.getMimeDecoder().decode(policyBase64), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw invalid("Invalid Policy: Invalid JSON.");
        }
        if (!(map.get("expiration") instanceof String exp)) {
            throw invalid("Invalid Policy: Policy missing expiration.");
        }
        Instant expiration;
        try {
            expiration = Instant.parse(exp);
        } catch (DateTimeParseException e) {
            throw invalid("Invalid Policy: Invalid 'expiration' value: '" + exp + "'");
        }
        if (!(map.get("conditions") instanceof List<?> list)) {
            throw invalid("Invalid Policy: Policy missing conditions.");
        }
        List<Condition> conditions = new ArrayList<>();
        long min = 0;
        long max = Long.MAX_VALUE;
        for (Object c : list) {
            if (c instanceof Map<?, ?> simple) {
                // {"bucket": "b"} is short for ["eq", "$bucket", "b"].
                if (simple.size() != 1) {
                    throw invalid(
                            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
                }
                Map.Entry<?, ?> e = simple.entrySet().iterator().next();
                if (!(e.getValue() instanceof String value)) {
                    throw invalid("Invalid Policy: Invalid Simple-Condition: value must be a string.");
                }
                conditions.add(new Condition("eq", ((String) e.getKey()).toLowerCase(Locale.ROOT), value));
            } else if (c instanceof List<?> parts && !parts.isEmpty() && parts.get(0) instanceof String op) {
                String operator = op.toLowerCase(Locale.ROOT);
                if (operator.equals("content-length-range")) {
                    if (parts.size() != 3
                            || !(parts.get(1) instanceof Number lo)
                            || !(parts.get(2) instanceof Number hi)) {
                        throw invalid("Invalid Policy: Invalid content-length-range condition.");
                    }
                    min = Math.max(min, lo.longValue());
                    max = Math.min(max, hi.longValue());
                } else if (operator.equals("eq") || operator.equals("starts-with")) {
                    if (parts.size() != 3
                            || !(parts.get(1) instanceof String field)
                            || !field.startsWith("$")
                            || !(parts.get(2) instanceof String value)) {
                        throw invalid("Invalid Policy: Invalid " + op + " condition.");
                    }
                    conditions.add(new Condition(operator, field.substring(1).toLowerCase(Locale.ROOT), value));
                } else {
                    throw invalid("Invalid Policy: Invalid Condition: unknown operation '" + op + "'.");
                }
            } else {
                throw invalid("Invalid Policy: Invalid Condition.");
            }
        }
        return new PostPolicy(principal, expiration, List.copyOf(conditions), min, max);
    }

    /** Who signed the policy: the upload acts for them. */
    public Principal principal() {
        return principal;
    }

    /** The smallest file the policy allows, in bytes (0 without a content-length-range). */
    public long minLength() {
        return minLength;
    }

    /** The largest file the policy allows, in bytes ({@link Long#MAX_VALUE} without a content-length-range). */
    public long maxLength() {
        return maxLength;
    }

    /**
     * Checks the form against the policy, as S3 does before it stores the file: not expired, every condition
     * met, and every field covered by a condition.
     *
     * @param bucket the bucket the form was posted to (the {@code $bucket} of conditions)
     * @param fields the form fields before the file, names lower-cased, the key with {@code ${filename}} replaced
     * @param now the server's time
     * @throws AuthException {@code AccessDenied} "Invalid according to Policy: ..." as S3 words it
     */
    public void check(String bucket, Map<String, String> fields, Instant now) {
        Objects.requireNonNull(bucket, "bucket");
        if (!now.isBefore(expiration)) {
            throw denied("Policy expired.");
        }
        for (Condition c : conditions) {
            String actual = c.field().equals("bucket") ? bucket : fields.get(c.field());
            if (!c.holds(actual)) {
                throw denied("Policy Condition failed: " + c.describe());
            }
        }
        for (String field : fields.keySet()) {
            // A declared checksum of the file is checked against the file itself, not against the policy.
            if (EXEMPT.contains(field) || field.startsWith("x-ignore-") || field.startsWith("x-amz-checksum-")) {
                continue;
            }
            boolean covered = conditions.stream().anyMatch(c -> c.field().equals(field));
            if (!covered) {
                throw denied("Extra input fields: " + field);
            }
        }
    }

    private static AuthException denied(String what) {
        return new AuthException(AuthError.ACCESS_DENIED, "Invalid according to Policy: " + what);
    }

    private static AuthException invalid(String message) {
        return new AuthException(AuthError.INVALID_POLICY_DOCUMENT, message);
    }
}
