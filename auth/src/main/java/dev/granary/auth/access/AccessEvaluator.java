package dev.granary.auth.access;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import dev.granary.auth.SignableRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a request may do what it asks, combining what S3 combines: the bucket owner, the bucket policy,
 * the bucket ACL, the object ACL and Block Public Access. Called once per request by the API server after
 * authentication. Thread-safe.
 *
 * <p>The order is S3's: an explicit Deny in the bucket policy refuses; then the resource's owner is allowed
 * (the bucket owner for bucket operations and object writes, the object owner for other object operations); then
 * an Allow of the bucket policy or a grant of the relevant ACL allows; anything else is AccessDenied. As in S3
 * with ObjectOwnership ObjectWriter, an object belongs to the account that uploaded it: a bucket owner reads other
 * accounts' objects only through their ACLs, and the bucket policy governs only objects the bucket owner owns.
 */
public final class AccessEvaluator {

    private static final Set<String> LIST_OPERATIONS =
            Set.of("ListObjects", "ListObjectsV2", "ListObjectVersions", "ListMultipartUploads");

    private final Clock clock;

    /**
     * Creates an evaluator.
     *
     * @param clock the clock for aws:CurrentTime and aws:EpochTime
     */
    public AccessEvaluator(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One request, as routed and authenticated.
     *
     * @param requester who is asking
     * @param operation the S3 operation name, as {@link S3Operations} knows it
     * @param bucket the bucket, or null for service operations
     * @param key the object key, or null for bucket operations
     * @param versionId the object version the check is about, or null when it names none. It selects the
     *     {@code ...Version} action (s3:GetObjectVersion for a GetObject) and is the s3:versionid condition key.
     *     The caller sets it rather than this class reading it from {@code http}: a check a request implies (a
     *     DeleteObjects entry, the source of a copy) is about a version its request line does not name.
     * @param http the request as received, for headers and query condition keys
     * @param sourceIp the client's address (aws:SourceIp)
     * @param secureTransport whether the request came over TLS (aws:SecureTransport)
     * @param postForm whether this is a browser POST form upload (s3:authType "POST")
     * @param extraContext further condition keys and values, which override computed ones; may be empty
     */
    public record Request(
            Requester requester,
            String operation,
            String bucket,
            String key,
            String versionId,
            SignableRequest http,
            String sourceIp,
            boolean secureTransport,
            boolean postForm,
            Map<String, List<String>> extraContext) {

        /** Checks for nulls; an absent extra context becomes empty. */
        public Request {
            Objects.requireNonNull(requester, "requester");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(http, "http");
            extraContext = extraContext == null ? Map.of() : Map.copyOf(extraContext);
        }
    }

    /**
     * What access control needs to know about a bucket.
     *
     * @param owner the bucket's owner
     * @param acl the bucket's ACL
     * @param policy the bucket policy, or null when it has none
     * @param publicAccessBlock the effective Block Public Access settings (bucket merged with account)
     */
    public record BucketState(Owner owner, Acl acl, BucketPolicy policy, BlockPublicAccess publicAccessBlock) {
        /** Checks for nulls; absent settings become {@link BlockPublicAccess#NONE}. */
        public BucketState {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(acl, "acl");
            publicAccessBlock = publicAccessBlock == null ? BlockPublicAccess.NONE : publicAccessBlock;
        }
    }

    /**
     * What access control needs to know about an existing object.
     *
     * @param acl the object's ACL; its owner is the object's owner
     * @param tags the object's tags, for s3:ExistingObjectTag/&lt;key&gt;
     */
    public record ObjectState(Acl acl, Map<String, String> tags) {
        /** Checks for nulls; absent tags become empty. */
        public ObjectState {
            Objects.requireNonNull(acl, "acl");
            tags = tags == null ? Map.of() : Map.copyOf(tags);
        }
    }

    /** Why a request was allowed or denied, for logs and tests. */
    public enum Reason {
        /** The operation needs no access check (CORS preflight, health). */
        UNCHECKED,
        /** A service operation by a signed request. */
        AUTHENTICATED,
        /** A service operation by an unsigned request. */
        NOT_AUTHENTICATED,
        /** The requester owns the bucket. */
        BUCKET_OWNER,
        /** The requester owns the object. */
        OBJECT_OWNER,
        /** A bucket policy statement allows it. */
        BUCKET_POLICY,
        /** The bucket ACL grants it. */
        BUCKET_ACL,
        /** The object ACL grants it. */
        OBJECT_ACL,
        /** A bucket policy statement denies it. */
        EXPLICIT_DENY,
        /** Only the bucket owner's account may do it. */
        OWNER_ACCOUNT_ONLY,
        /** Nothing grants it. */
        NOT_GRANTED
    }

    /**
     * The outcome.
     *
     * @param allowed whether the request may proceed
     * @param reason why
     * @param action the IAM action that was checked, or null when none was
     */
    public record Decision(boolean allowed, Reason reason, String action) {
        /**
         * Passes an allowed decision.
         *
         * @throws AuthException AccessDenied (403) when not allowed
         */
        public void orThrow() {
            if (!allowed) {
                throw new AuthException(AuthError.ACCESS_DENIED);
            }
        }
    }

    /**
     * Decides a request.
     *
     * @param request the request
     * @param bucket the bucket's state; may be null only for service operations (ListBuckets, CreateBucket)
     * @param object the object's state, or null when the operation is not on an object or it does not exist
     * @return the decision
     * @throws IllegalArgumentException for an operation {@link S3Operations} does not know, or a bucket or object
     *     operation without a bucket
     */
    public Decision evaluate(Request request, BucketState bucket, ObjectState object) {
        S3Operations.OperationAccess access =
                S3Operations.forOperation(request.operation()).orElse(null);
        if (access == null) {
            return new Decision(true, Reason.UNCHECKED, null);
        }
        Requester who = request.requester();
        String action = access.action(request.versionId() != null);
        if (access.scope() == S3Operations.Scope.SERVICE) {
            return who.anonymous()
                    ? new Decision(false, Reason.NOT_AUTHENTICATED, action)
                    : new Decision(true, Reason.AUTHENTICATED, action);
        }
        if (bucket == null || request.bucket() == null) {
            throw new IllegalArgumentException(request.operation() + " needs a bucket");
        }
        boolean bucketOwner = owns(who, bucket.owner().id());
        if (access.ownerAccountOnly()) {
            if (!bucketOwner) {
                return new Decision(false, Reason.OWNER_ACCOUNT_ONLY, action);
            }
            if (who.userName() == null) {
                // S3 lets the owner account's root use the bucket policy operations even when the policy denies
                // it, so that a bad policy can always be replaced.
                return new Decision(true, Reason.BUCKET_OWNER, action);
            }
        }
        String resource = access.scope() == S3Operations.Scope.OBJECT && request.key() != null
                ? AccessRequest.objectArn(request.bucket(), request.key())
                : AccessRequest.bucketArn(request.bucket());
        BucketPolicy policy = bucket.policy();
        PolicyDecision byPolicy = policy == null
                ? PolicyDecision.NONE
                : policy.evaluate(new AccessRequest(who, action, resource, context(request, object)));
        if (byPolicy == PolicyDecision.DENY) {
            return new Decision(false, Reason.EXPLICIT_DENY, action);
        }
        BlockPublicAccess bpa = bucket.publicAccessBlock();
        boolean policyAllows =
                byPolicy == PolicyDecision.ALLOW && !(bpa.restrictPublicBuckets() && policy.isPublic() && !bucketOwner);

        if (access.scope() == S3Operations.Scope.OBJECT && access.aclTarget() != S3Operations.AclTarget.BUCKET) {
            Acl objectAcl = object == null ? null : object.acl();
            String objectOwner =
                    objectAcl == null ? bucket.owner().id() : objectAcl.owner().id();
            if (owns(who, objectOwner)) {
                return new Decision(true, objectAcl == null ? Reason.BUCKET_OWNER : Reason.OBJECT_OWNER, action);
            }
            if (policyAllows && objectOwner.equals(bucket.owner().id())) {
                return new Decision(true, Reason.BUCKET_POLICY, action);
            }
            if (objectAcl != null
                    && access.aclPermission() != null
                    && objectAcl.allows(who, access.aclPermission(), bpa.ignorePublicAcls())) {
                return new Decision(true, Reason.OBJECT_ACL, action);
            }
            return new Decision(false, Reason.NOT_GRANTED, action);
        }
        if (bucketOwner) {
            return new Decision(true, Reason.BUCKET_OWNER, action);
        }
        if (policyAllows) {
            return new Decision(true, Reason.BUCKET_POLICY, action);
        }
        if (access.aclTarget() == S3Operations.AclTarget.BUCKET
                && bucket.acl().allows(who, access.aclPermission(), bpa.ignorePublicAcls())) {
            return new Decision(true, Reason.BUCKET_ACL, action);
        }
        return new Decision(false, Reason.NOT_GRANTED, action);
    }

    /**
     * The condition keys of a request, as a bucket policy sees them.
     *
     * @param request the request
     * @param object the existing object, or null
     * @return values keyed by lower-case condition key
     */
    Map<String, List<String>> context(Request request, ObjectState object) {
        Map<String, List<String>> ctx = new HashMap<>();
        SignableRequest http = request.http();
        Requester who = request.requester();
        Instant now = clock.instant();
        put(ctx, "aws:CurrentTime", now.toString());
        put(ctx, "aws:EpochTime", Long.toString(now.getEpochSecond()));
        put(ctx, "aws:SourceIp", request.sourceIp());
        put(ctx, "aws:SecureTransport", Boolean.toString(request.secureTransport()));
        put(ctx, "aws:Referer", http.header("referer"));
        put(ctx, "aws:UserAgent", http.header("user-agent"));
        if (who.anonymous()) {
            put(ctx, "aws:PrincipalType", "Anonymous");
        } else if (who.userName() == null) {
            put(ctx, "aws:PrincipalType", "Account");
            put(ctx, "aws:userid", who.canonicalId());
            put(ctx, "aws:PrincipalAccount", who.canonicalId());
            put(ctx, "aws:PrincipalArn", "arn:aws:iam::" + who.canonicalId() + ":root");
        } else {
            put(ctx, "aws:PrincipalType", "User");
            put(ctx, "aws:username", who.userName());
            put(ctx, "aws:PrincipalAccount", who.canonicalId());
            put(ctx, "aws:PrincipalArn", "arn:aws:iam::" + who.canonicalId() + ":user/" + who.userName());
        }
        put(ctx, "s3:signatureversion", http.signatureVersion());
        put(ctx, "s3:authType", request.postForm() ? "POST" : http.authType());
        http.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-amz-") && !values.isEmpty()) {
                ctx.put("s3:" + lower, List.copyOf(values));
            }
        });
        Map<String, List<String>> query = http.queryParameters();
        if (LIST_OPERATIONS.contains(request.operation())) {
            for (String k : new String[] {"prefix", "delimiter", "max-keys"}) {
                if (query.containsKey(k)) {
                    ctx.put("s3:" + k, List.copyOf(query.get(k)));
                }
            }
        }
        put(ctx, "s3:versionid", request.versionId());
        if (object != null) {
            object.tags().forEach((k, v) -> put(ctx, "s3:ExistingObjectTag/" + k, v));
        }
        String tagging = http.header("x-amz-tagging");
        if (tagging != null) {
            List<String> keys = new ArrayList<>();
            for (String pair : tagging.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                put(ctx, "s3:RequestObjectTag/" + k, v);
                keys.add(k);
            }
            ctx.put("s3:requestobjecttagkeys", List.copyOf(keys));
        }
        request.extraContext().forEach((k, v) -> ctx.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        return ctx;
    }

    private static void put(Map<String, List<String>> ctx, String key, String value) {
        if (value != null) {
            ctx.put(key.toLowerCase(Locale.ROOT), List.of(value));
        }
    }

    private static boolean owns(Requester who, String ownerId) {
        return !who.anonymous() && who.canonicalId().equals(ownerId);
    }
}
