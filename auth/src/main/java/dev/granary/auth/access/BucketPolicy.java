package dev.granary.auth.access;

import dev.granary.auth.JsonReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed, validated bucket policy: immutable and thread-safe. {@link #parse} checks a document the way
 * PutBucketPolicy does; {@link #evaluate} decides a request the way S3 evaluates a resource policy (an explicit
 * Deny wins over any Allow); {@link #isPublic} answers GetBucketPolicyStatus and Block Public Access.
 */
public final class BucketPolicy {

    /** The largest policy S3 accepts, in bytes. */
    public static final int MAX_SIZE = 20 * 1024;

    /**
     * A repeated key keeps its last value, as in Granary so far: whether S3 refuses such a document is not
     * established, and refusing would break policies that work today.
     */
    private static final JsonReader JSON = JsonReader.lastDuplicateKeyWins(MAX_SIZE);
    /** Beyond this many digits of scale a number condition value keeps its exponent (see {@link #numberText}). */
    private static final int MAX_PLAIN_SCALE = 1000;

    private static final String ARN_PREFIX = "arn:aws:s3:::";
    private static final Set<String> TOP_LEVEL = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT_FIELDS = Set.of(
            "Sid",
            "Effect",
            "Principal",
            "NotPrincipal",
            "Action",
            "NotAction",
            "Resource",
            "NotResource",
            "Condition");

    private final String text;
    private final String version;
    private final String id;
    private final List<PolicyStatement> statements;
    private final boolean isPublic;

    private BucketPolicy(String text, String version, String id, List<PolicyStatement> statements) {
        this.text = text;
        this.version = version;
        this.id = id;
        this.statements = List.copyOf(statements);
        this.isPublic = statements.stream().anyMatch(PolicyStatement::isPublic);
    }

    /**
     * Parses and validates a policy for a bucket.
     *
     * @param json the policy document
     * @param bucket the bucket the policy is put on: every resource must be in it
     * @return the policy
     * @throws MalformedPolicyException with AWS's message when S3 would refuse the document
     */
    public static BucketPolicy parse(String json, String bucket) {
        return parse(json, bucket, account -> true);
    }

    /**
     * Parses and validates a policy for a bucket, checking that every account it names exists, as S3 does
     * ("Invalid principal in policy" for an unknown one).
     *
     * @param json the policy document
     * @param bucket the bucket the policy is put on: every resource must be in it
     * @param accountExists whether a canonical id (or account id) names an account of this server
     * @return the policy
     * @throws MalformedPolicyException with AWS's message when S3 would refuse the document
     */
    public static BucketPolicy parse(String json, String bucket, Predicate<String> accountExists) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(accountExists, "accountExists");
        if (json == null || json.isBlank()) {
            throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
        }
        if (json.getBytes(StandardCharsets.UTF_8).length > MAX_SIZE) {
            throw new MalformedPolicyException("Policy exceeds the maximum allowed document size.");
        }
        Object doc;
        try {
            doc = JSON.parse(json);
        } catch (IllegalArgumentException e) {
            throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw new MalformedPolicyException("Policies must be valid JSON and the first byte must be '{'");
        }
        for (Object key : map.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new MalformedPolicyException("Unknown field " + key);
            }
        }
        String version = "2008-10-17";
        if (map.containsKey("Version")) {
            if (!(map.get("Version") instanceof String v) || !(v.equals("2012-10-17") || v.equals("2008-10-17"))) {
                throw new MalformedPolicyException("The policy must contain a valid version string");
            }
            version = v;
        }
        String id = null;
        if (map.containsKey("Id")) {
            if (!(map.get("Id") instanceof String s)) {
                throw new MalformedPolicyException("Invalid policy syntax.");
            }
            id = s;
        }
        Object statement = map.get("Statement");
        if (statement == null) {
            throw new MalformedPolicyException("Missing required field Statement");
        }
        List<?> list = statement instanceof List<?> l ? l : List.of(statement);
        if (list.isEmpty()) {
            throw new MalformedPolicyException("Missing required field Statement");
        }
        List<PolicyStatement> statements = new ArrayList<>();
        Set<String> sids = new HashSet<>();
        for (Object s : list) {
            if (!(s instanceof Map<?, ?> st)) {
                throw new MalformedPolicyException("Invalid policy syntax.");
            }
            PolicyStatement parsed = statement(st, bucket, version.equals("2012-10-17"), accountExists);
            if (parsed.sid() != null && !sids.add(parsed.sid())) {
                throw new MalformedPolicyException("Statement IDs (SID) in a single policy must be unique.");
            }
            statements.add(parsed);
        }
        return new BucketPolicy(json, version, id, statements);
    }

    private static PolicyStatement statement(
            Map<?, ?> st, String bucket, boolean variables, Predicate<String> accountExists) {
        for (Object key : st.keySet()) {
            if (!STATEMENT_FIELDS.contains(key)) {
                throw new MalformedPolicyException("Unknown field " + key);
            }
        }
        String sid = null;
        if (st.containsKey("Sid")) {
            if (!(st.get("Sid") instanceof String s)) {
                throw new MalformedPolicyException("Invalid policy syntax.");
            }
            sid = s;
        }
        Object effect = st.get("Effect");
        if (effect == null) {
            throw new MalformedPolicyException("Missing required field Effect");
        }
        if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
            throw new MalformedPolicyException("Invalid effect: " + effect);
        }
        boolean notPrincipal = exactlyOne(st, "Principal", "NotPrincipal");
        PolicyPrincipal principal = PolicyPrincipal.parse(st.get(notPrincipal ? "NotPrincipal" : "Principal"));
        for (String account : principal.accountIds()) {
            if (!accountExists.test(account)) {
                throw new MalformedPolicyException("Invalid principal in policy");
            }
        }

        boolean notAction = exactlyOne(st, "Action", "NotAction");
        List<String> actions = strings(st.get(notAction ? "NotAction" : "Action"), "Action");
        for (String a : actions) {
            if (!validAction(a)) {
                throw new MalformedPolicyException("Policy has invalid action");
            }
        }
        boolean notResource = exactlyOne(st, "Resource", "NotResource");
        List<String> resources = strings(st.get(notResource ? "NotResource" : "Resource"), "Resource");
        for (String r : resources) {
            if (!inBucket(r, bucket)) {
                throw new MalformedPolicyException("Policy has invalid resource");
            }
        }
        if (!notAction && !notResource) {
            checkActionsApply(actions, resources);
        }
        List<PolicyCondition> conditions = new ArrayList<>();
        if (st.containsKey("Condition")) {
            if (!(st.get("Condition") instanceof Map<?, ?> block)) {
                throw new MalformedPolicyException("Invalid policy syntax.");
            }
            for (Map.Entry<?, ?> op : block.entrySet()) {
                if (!(op.getValue() instanceof Map<?, ?> keys) || keys.isEmpty()) {
                    throw new MalformedPolicyException("Invalid policy syntax.");
                }
                for (Map.Entry<?, ?> k : keys.entrySet()) {
                    conditions.add(PolicyCondition.of(
                            (String) op.getKey(), (String) k.getKey(), conditionValues(k.getValue()), variables));
                }
            }
        }
        return new PolicyStatement(
                sid,
                "Allow".equals(effect),
                principal,
                notPrincipal,
                actions,
                notAction,
                resources,
                notResource,
                conditions,
                variables);
    }

    /** Whether the statement uses the Not form of a field; exactly one of the pair must be present. */
    private static boolean exactlyOne(Map<?, ?> st, String field, String notField) {
        boolean plain = st.containsKey(field);
        boolean not = st.containsKey(notField);
        if (plain && not) {
            throw new MalformedPolicyException("Invalid policy syntax.");
        }
        if (!plain && !not) {
            throw new MalformedPolicyException("Missing required field " + field);
        }
        return not;
    }

    private static List<String> strings(Object value, String field) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw new MalformedPolicyException("Invalid policy syntax.");
                }
                out.add(s);
            }
            return out;
        }
        throw new MalformedPolicyException("Missing required field " + field);
    }

    /** Condition values may be strings, numbers or booleans, alone or in an array. */
    private static List<String> conditionValues(Object value) {
        List<?> list = value instanceof List<?> l ? l : List.of(value == null ? List.of() : value);
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof String s) {
                out.add(s);
            } else if (o instanceof Number n) {
                out.add(numberText(n));
            } else if (o instanceof Boolean b) {
                out.add(b.toString());
            } else {
                throw new MalformedPolicyException("Invalid policy syntax.");
            }
        }
        if (out.isEmpty()) {
            throw new MalformedPolicyException("Invalid policy syntax.");
        }
        return out;
    }

    /**
     * A number as a condition value: in plain digits ({@code 1e2} is "100"), except that a number with a huge
     * exponent keeps it ({@code 1e999999999} would be a billion digits in plain form; as "1E+999999999" it still
     * compares as the same number).
     */
    private static String numberText(Number n) {
        if (n instanceof BigDecimal d) {
            return Math.abs((long) d.scale()) <= MAX_PLAIN_SCALE ? d.toPlainString() : d.toString();
        }
        return n.toString(); // Integer, Long or BigInteger: plain already
    }

    private static boolean validAction(String action) {
        if (action.equals("*")) {
            return true;
        }
        if (!action.regionMatches(true, 0, "s3:", 0, 3)) {
            return false;
        }
        return Glob.hasWildcard(action) ? S3Actions.matchesAny(action) : S3Actions.typeOf(action) != null;
    }

    /** Whether a resource pattern names the bucket or objects in it (its bucket part may use wildcards). */
    private static boolean inBucket(String resource, String bucket) {
        if (!resource.startsWith(ARN_PREFIX)) {
            return false;
        }
        String rest = resource.substring(ARN_PREFIX.length());
        int slash = rest.indexOf('/');
        String bucketPart = slash < 0 ? rest : rest.substring(0, slash);
        if (PolicyVariables.hasVariables(bucketPart)) {
            return false;
        }
        return !bucketPart.isEmpty() && Glob.matches(bucketPart, bucket, false);
    }

    /** S3 refuses a statement with a literal action that none of its resources is of the right type for. */
    private static void checkActionsApply(List<String> actions, List<String> resources) {
        boolean bucketResource = false;
        boolean objectResource = false;
        for (String r : resources) {
            String rest = r.substring(ARN_PREFIX.length());
            if (rest.indexOf('/') >= 0) {
                objectResource = true;
            } else if (rest.indexOf('*') >= 0) {
                // "arn:aws:s3:::my*" names the bucket and every object in it.
                bucketResource = true;
                objectResource = true;
            } else {
                bucketResource = true;
            }
        }
        for (String a : actions) {
            if (Glob.hasWildcard(a)) {
                continue;
            }
            S3Actions.ResourceType type = S3Actions.typeOf(a);
            boolean applies = switch (type) {
                case BUCKET -> bucketResource;
                case OBJECT -> objectResource;
                case ACCOUNT -> false;
            };
            if (!applies) {
                throw new MalformedPolicyException("Action does not apply to any resource(s) in statement");
            }
        }
    }

    /**
     * Decides a request: {@link PolicyDecision#DENY} when a Deny statement applies, else
     * {@link PolicyDecision#ALLOW} when an Allow statement applies, else {@link PolicyDecision#NONE}.
     *
     * @param request the request
     * @return the decision
     */
    public PolicyDecision evaluate(AccessRequest request) {
        boolean allowed = false;
        for (PolicyStatement s : statements) {
            if (s.appliesTo(request)) {
                if (!s.allow()) {
                    return PolicyDecision.DENY;
                }
                allowed = true;
            }
        }
        return allowed ? PolicyDecision.ALLOW : PolicyDecision.NONE;
    }

    /**
     * Whether the policy is public in AWS's sense (GetBucketPolicyStatus {@code IsPublic}; Block Public Access):
     * some statement allows a wildcard principal without a condition confining it to fixed accounts, VPCs, or
     * CIDR blocks of /8 (IPv4) or /32 (IPv6) or longer.
     */
    public boolean isPublic() {
        return isPublic;
    }

    /** The document as it was put, for GetBucketPolicy. */
    public String text() {
        return text;
    }

    /** The policy language version: "2012-10-17" or "2008-10-17" (the default when the document has none). */
    public String version() {
        return version;
    }

    /** The policy's Id, or null. */
    public String id() {
        return id;
    }

    /** The statements, in document order. */
    public List<PolicyStatement> statements() {
        return statements;
    }
}
