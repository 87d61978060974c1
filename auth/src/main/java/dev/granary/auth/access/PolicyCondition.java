package dev.granary.auth.access;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One condition of a statement: an operator applied to one condition key and the policy's values for it, e.g.
 * {@code "StringLike": {"s3:prefix": ["home/*"]}}. Evaluated as IAM does: several policy values are ORed (for a
 * negated operator the key must match none of them), an absent key fails a positive operator and satisfies a
 * negated one, {@code ...IfExists} holds when the key is absent, {@code Null} tests presence, and the
 * {@code ForAnyValue:} / {@code ForAllValues:} qualifiers compare each of a multi-valued key's values.
 *
 * @param operator the operator as written in the policy
 * @param kind the base operator
 * @param qualifier the set qualifier, or {@link Qualifier#NONE}
 * @param ifExists whether the operator ends in {@code IfExists}
 * @param key the condition key as written (matched case-insensitively)
 * @param values the policy's values, as strings
 * @param variables whether policy variables are substituted in string and ARN values (version 2012-10-17)
 */
public record PolicyCondition(
        String operator,
        Kind kind,
        Qualifier qualifier,
        boolean ifExists,
        String key,
        List<String> values,
        boolean variables) {

    /** Keys whose fixed values confine a statement to known parties, per AWS's definition of "public". */
    private static final Set<String> RESTRICTING_KEYS = Set.of(
            "aws:sourceip",
            "aws:sourcearn",
            "aws:sourcevpc",
            "aws:sourcevpce",
            "aws:sourceowner",
            "aws:sourceaccount",
            "aws:userid",
            "aws:principalorgid",
            "aws:principalaccount",
            "aws:principalarn",
            "aws:principalorgpaths",
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
            "s3:dataaccesspointarn",
            "s3:dataaccesspointaccount");

    /** The set qualifier of a multi-valued key. */
    public enum Qualifier {
        /** No qualifier: the key is treated as single-valued (any of its values may match). */
        NONE,
        /** {@code ForAnyValue:}: at least one of the request's values must match. */
        FOR_ANY_VALUE,
        /** {@code ForAllValues:}: every one of the request's values must match (true when there are none). */
        FOR_ALL_VALUES
    }

    /** The base condition operators of IAM. */
    public enum Kind {
        STRING_EQUALS("StringEquals", false),
        STRING_NOT_EQUALS("StringNotEquals", true),
        STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", false),
        STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", true),
        STRING_LIKE("StringLike", false),
        STRING_NOT_LIKE("StringNotLike", true),
        NUMERIC_EQUALS("NumericEquals", false),
        NUMERIC_NOT_EQUALS("NumericNotEquals", true),
        NUMERIC_LESS_THAN("NumericLessThan", false),
        NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", false),
        NUMERIC_GREATER_THAN("NumericGreaterThan", false),
        NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", false),
        DATE_EQUALS("DateEquals", false),
        DATE_NOT_EQUALS("DateNotEquals", true),
        DATE_LESS_THAN("DateLessThan", false),
        DATE_LESS_THAN_EQUALS("DateLessThanEquals", false),
        DATE_GREATER_THAN("DateGreaterThan", false),
        DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", false),
        BOOL("Bool", false),
        BINARY_EQUALS("BinaryEquals", false),
        IP_ADDRESS("IpAddress", false),
        NOT_IP_ADDRESS("NotIpAddress", true),
        ARN_EQUALS("ArnEquals", false),
        ARN_LIKE("ArnLike", false),
        ARN_NOT_EQUALS("ArnNotEquals", true),
        ARN_NOT_LIKE("ArnNotLike", true),
        NULL("Null", false);

        private final String policyName;
        private final boolean negated;

        Kind(String policyName, boolean negated) {
            this.policyName = policyName;
            this.negated = negated;
        }

        /** The operator's name in a policy. */
        public String policyName() {
            return policyName;
        }

        /** Whether the operator asks for the key not to match. */
        public boolean negated() {
            return negated;
        }

        static Kind named(String name) {
            for (Kind k : values()) {
                if (k.policyName.equals(name)) {
                    return k;
                }
            }
            return null;
        }

        /** Whether values of this operator may hold policy variables. */
        boolean takesVariables() {
            return name().startsWith("STRING_") || name().startsWith("ARN_");
        }

        /** Whether values of this operator are wildcard patterns. */
        boolean isPattern() {
            return this == STRING_LIKE || this == STRING_NOT_LIKE || name().startsWith("ARN_");
        }

        /** The positive comparison of one request value with one policy value (negation is applied outside). */
        boolean compare(String actual, String expected) {
            return switch (this) {
                case STRING_EQUALS, STRING_NOT_EQUALS, BINARY_EQUALS -> actual.equals(expected);
                case STRING_EQUALS_IGNORE_CASE, STRING_NOT_EQUALS_IGNORE_CASE -> actual.equalsIgnoreCase(expected);
                case STRING_LIKE, STRING_NOT_LIKE, ARN_EQUALS, ARN_LIKE, ARN_NOT_EQUALS, ARN_NOT_LIKE ->
                    Glob.matches(expected, actual, false);
                case NUMERIC_EQUALS, NUMERIC_NOT_EQUALS -> compareNumbers(actual, expected, c -> c == 0);
                case NUMERIC_LESS_THAN -> compareNumbers(actual, expected, c -> c < 0);
                case NUMERIC_LESS_THAN_EQUALS -> compareNumbers(actual, expected, c -> c <= 0);
                case NUMERIC_GREATER_THAN -> compareNumbers(actual, expected, c -> c > 0);
                case NUMERIC_GREATER_THAN_EQUALS -> compareNumbers(actual, expected, c -> c >= 0);
                case DATE_EQUALS, DATE_NOT_EQUALS -> compareDates(actual, expected, c -> c == 0);
                case DATE_LESS_THAN -> compareDates(actual, expected, c -> c < 0);
                case DATE_LESS_THAN_EQUALS -> compareDates(actual, expected, c -> c <= 0);
                case DATE_GREATER_THAN -> compareDates(actual, expected, c -> c > 0);
                case DATE_GREATER_THAN_EQUALS -> compareDates(actual, expected, c -> c >= 0);
                case BOOL -> actual.equalsIgnoreCase(expected);
                case IP_ADDRESS, NOT_IP_ADDRESS -> {
                    IpRange range = IpRange.parse(expected);
                    yield range != null && range.contains(actual);
                }
                case NULL -> throw new IllegalStateException("Null is evaluated on presence");
            };
        }
    }

    /** Checks for nulls and copies the values. */
    public PolicyCondition {
        values = List.copyOf(values);
    }

    /**
     * Parses an operator name such as {@code ForAnyValue:StringLikeIfExists}.
     *
     * @param operator the name as written in the policy
     * @param key the condition key
     * @param values the policy's values
     * @return the condition
     * @throws MalformedPolicyException for an operator IAM does not know
     */
    static PolicyCondition of(String operator, String key, List<String> values) {
        return of(operator, key, values, false);
    }

    /**
     * Parses a condition of a policy that may use policy variables.
     *
     * @param variables whether the policy's version substitutes variables
     * @return the condition
     */
    static PolicyCondition of(String operator, String key, List<String> values, boolean variables) {
        String rest = operator;
        Qualifier qualifier = Qualifier.NONE;
        if (rest.startsWith("ForAnyValue:")) {
            qualifier = Qualifier.FOR_ANY_VALUE;
            rest = rest.substring("ForAnyValue:".length());
        } else if (rest.startsWith("ForAllValues:")) {
            qualifier = Qualifier.FOR_ALL_VALUES;
            rest = rest.substring("ForAllValues:".length());
        }
        boolean ifExists = false;
        Kind kind = Kind.named(rest);
        if (kind == null && rest.endsWith("IfExists")) {
            ifExists = true;
            kind = Kind.named(rest.substring(0, rest.length() - "IfExists".length()));
        }
        if (kind == null || (kind == Kind.NULL && (ifExists || qualifier != Qualifier.NONE))) {
            throw new MalformedPolicyException("Unknown condition operator " + operator);
        }
        if (kind == Kind.NULL || kind == Kind.BOOL) {
            for (String v : values) {
                if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                    throw new MalformedPolicyException("Invalid Condition value for " + operator + ": " + v);
                }
            }
        }
        if (kind == Kind.IP_ADDRESS || kind == Kind.NOT_IP_ADDRESS) {
            for (String v : values) {
                if (IpRange.parse(v) == null) {
                    throw new MalformedPolicyException("Invalid IP address or CIDR: " + v);
                }
            }
        }
        return new PolicyCondition(operator, kind, qualifier, ifExists, key, values, variables);
    }

    /**
     * Whether the condition holds for a request.
     *
     * @param request the request, with its condition context
     * @return the outcome
     */
    public boolean holds(AccessRequest request) {
        List<String> actual = request.values(key);
        if (kind == Kind.NULL) {
            boolean absent = actual == null;
            return values.stream().anyMatch(v -> Boolean.parseBoolean(v.toLowerCase(Locale.ROOT)) == absent);
        }
        if (actual == null) {
            if (ifExists || qualifier == Qualifier.FOR_ALL_VALUES) {
                return true;
            }
            return qualifier == Qualifier.NONE && kind.negated();
        }
        return switch (qualifier) {
            case FOR_ALL_VALUES -> actual.stream().allMatch(v -> kind.negated() != matchesAny(v, request));
            case FOR_ANY_VALUE -> actual.stream().anyMatch(v -> kind.negated() != matchesAny(v, request));
            case NONE ->
                kind.negated()
                        ? actual.stream().noneMatch(v -> matchesAny(v, request))
                        : actual.stream().anyMatch(v -> matchesAny(v, request));
        };
    }

    private boolean matchesAny(String actual, AccessRequest request) {
        for (String value : values) {
            String expected = value;
            if (variables && kind.takesVariables() && PolicyVariables.hasVariables(value)) {
                PolicyVariables.Resolved resolved = PolicyVariables.resolve(value, request);
                if (resolved == null) {
                    continue;
                }
                if (kind.isPattern()) {
                    if (resolved.matches(actual, false)) {
                        return true;
                    }
                    continue;
                }
                expected = resolved.text();
            }
            if (kind.compare(actual, expected)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether this condition confines a statement to known parties (AWS's test for a non-public policy): a
     * positive operator with fixed values on a key such as aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID or
     * aws:userid, or aws:SourceIp limited to CIDR blocks of /8 or longer (IPv4) or /32 or longer (IPv6).
     */
    boolean restrictsPrincipal() {
        String lowerKey = key.toLowerCase(Locale.ROOT);
        if (kind.negated()
                || ifExists
                || qualifier == Qualifier.FOR_ALL_VALUES
                || !RESTRICTING_KEYS.contains(lowerKey)) {
            return false;
        }
        if (lowerKey.equals("aws:sourceip")) {
            return kind == Kind.IP_ADDRESS
                    && values.stream().map(IpRange::parse).allMatch(r -> r != null && r.isNarrow());
        }
        return switch (kind) {
            case STRING_EQUALS, STRING_EQUALS_IGNORE_CASE, ARN_EQUALS -> true;
            case STRING_LIKE, ARN_LIKE -> values.stream().noneMatch(Glob::hasWildcard);
            default -> false;
        };
    }

    private interface Comparison {
        boolean test(int comparison);
    }

    private static boolean compareNumbers(String actual, String expected, Comparison test) {
        try {
            return test.test(new BigDecimal(actual.strip()).compareTo(new BigDecimal(expected.strip())));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean compareDates(String actual, String expected, Comparison test) {
        Instant a = instant(actual);
        Instant b = instant(expected);
        return a != null && b != null && test.test(a.compareTo(b));
    }

    /** An ISO 8601 date or date-time, or epoch seconds (aws:EpochTime). */
    static Instant instant(String text) {
        String t = text.strip();
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(t));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                return null;
            }
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // Next form.
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // Next form.
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
