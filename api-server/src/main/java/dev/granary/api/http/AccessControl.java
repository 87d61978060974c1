package dev.granary.api.http;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.route.Route;
import dev.granary.api.route.S3Operation;
import dev.granary.auth.Principal;
import dev.granary.auth.access.AccessEvaluator;
import dev.granary.auth.access.AccessEvaluator.BucketState;
import dev.granary.auth.access.AccessEvaluator.Decision;
import dev.granary.auth.access.AccessEvaluator.ObjectState;
import dev.granary.auth.access.Acl;
import dev.granary.auth.access.BlockPublicAccess;
import dev.granary.auth.access.BucketPolicy;
import dev.granary.auth.access.Owner;
import dev.granary.auth.access.Requester;
import dev.granary.auth.access.S3Operations;
import dev.granary.storage.BucketInfo;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Access control of the API server: the bucket documents it needs (ACL, policy, Block Public Access), parsed once
 * and cached per bucket, and the decisions of {@link AccessEvaluator} for each request. A request on a bucket costs
 * a map lookup and, without a bucket policy, no JSON work; objects' ACLs are read only when the requester does
 * not own the object. GetObject and HeadObject are decided by their handler on the version it serves.
 *
 * <p>The cache is invalidated by the handlers that change the documents (and by CreateBucket and DeleteBucket):
 * one node owns its buckets' configuration, so there is nobody else to hear from.
 */
public final class AccessControl {
    /** Bucket config document: the bucket ACL as {@link Acl#toJson()}. */
    public static final String ACL_DOCUMENT = "acl";
    /** Bucket config document: the bucket policy as the client sent it. */
    public static final String POLICY_DOCUMENT = "policy";
    /** Bucket config document: the PublicAccessBlockConfiguration as four flags, e.g. {@code 1010}. */
    public static final String PUBLIC_ACCESS_BLOCK_DOCUMENT = "publicAccessBlock";
    /** Object system property: the object ACL as {@link Acl#toJson()}; absent for the default private ACL. */
    public static final String SYSTEM_ACL = "acl";
    /** Object system property: the canonical id of the account that uploaded the object. */
    public static final String SYSTEM_OWNER = "owner";

    private final ObjectStore store;
    private final AccessEvaluator evaluator;
    private final Function<String, String> displayNames;
    private final ConcurrentHashMap<String, BucketState> buckets = new ConcurrentHashMap<>();

    /**
     * @param store where buckets, their documents and objects live
     * @param clock the clock for policy conditions
     * @param displayNames an account's display name, or null for an unknown account
     */
    public AccessControl(ObjectStore store, Clock clock, Function<String, String> displayNames) {
        this.store = store;
        this.evaluator = new AccessEvaluator(clock);
        this.displayNames = displayNames;
    }

    /** An account as ACL documents name it: its canonical id and display name. */
    public Owner owner(String accountId) {
        String name = displayNames.apply(accountId);
        return new Owner(accountId, name == null ? accountId : name);
    }

    /** Whether a canonical id names an account of this server (bucket policies may name only those). */
    public boolean accountExists(String accountId) {
        return displayNames.apply(accountId) != null;
    }

    /**
     * A bucket's owner, ACL, policy and Block Public Access settings, from the cache.
     *
     * @throws StorageException NO_SUCH_BUCKET
     */
    public BucketState bucket(String bucket) {
        BucketState state = buckets.get(bucket);
        if (state != null) {
            return state;
        }
        // computeIfAbsent holds the entry while loading, so an invalidate() racing with a load waits for it and
        // then removes what it loaded: a stale document never outlives the change that replaced it.
        return buckets.computeIfAbsent(bucket, this::load);
    }

    /** Forgets what is cached about a bucket; call after its documents changed or it was created or deleted. */
    public void invalidate(String bucket) {
        buckets.remove(bucket);
    }

    private BucketState load(String bucket) {
        BucketInfo info = store.getBucket(bucket);
        Owner owner = owner(info.owner());
        Acl acl = document(bucket, ACL_DOCUMENT).map(Acl::fromJson).orElseGet(() -> Acl.privateAcl(owner));
        BucketPolicy policy = document(bucket, POLICY_DOCUMENT)
                .map(text -> BucketPolicy.parse(text, bucket))
                .orElse(null);
        BlockPublicAccess block = document(bucket, PUBLIC_ACCESS_BLOCK_DOCUMENT)
                .map(AccessControl::decodeBlock)
                .orElse(BlockPublicAccess.NONE);
        return new BucketState(owner, acl, policy, block);
    }

    private Optional<String> document(String bucket, String name) {
        return store.getBucketConfig(bucket, name).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** The stored form of Block Public Access settings: four 0/1 flags in the XML's order. */
    public static String encodeBlock(BlockPublicAccess b) {
        return (b.blockPublicAcls() ? "1" : "0")
                + (b.ignorePublicAcls() ? "1" : "0")
                + (b.blockPublicPolicy() ? "1" : "0")
                + (b.restrictPublicBuckets() ? "1" : "0");
    }

    /** Reads {@link #encodeBlock}'s form. */
    public static BlockPublicAccess decodeBlock(String s) {
        return new BlockPublicAccess(s.charAt(0) == '1', s.charAt(1) == '1', s.charAt(2) == '1', s.charAt(3) == '1');
    }

    /** Whether a bucket has a PublicAccessBlock configuration of its own. */
    public boolean hasPublicAccessBlock(String bucket) {
        return store.getBucketConfig(bucket, PUBLIC_ACCESS_BLOCK_DOCUMENT).isPresent();
    }

    /**
     * An object's owner: the uploader recorded in its system properties, else (objects from before ACLs) the
     * bucket owner.
     */
    public Owner objectOwner(ObjectMeta meta, BucketState bucket) {
        String id = meta.attributes().system().get(SYSTEM_OWNER);
        return id == null || id.equals(bucket.owner().id()) ? bucket.owner() : owner(id);
    }

    /** An object's ACL: the stored one, else the private ACL of its owner. */
    public Acl objectAcl(ObjectMeta meta, BucketState bucket) {
        String json = meta.attributes().system().get(SYSTEM_ACL);
        return json != null ? Acl.fromJson(json) : Acl.privateAcl(objectOwner(meta, bucket));
    }

    /** What the evaluator needs of an existing object. */
    public ObjectState objectState(ObjectMeta meta, BucketState bucket) {
        return new ObjectState(objectAcl(meta, bucket), meta.attributes().tags());
    }

    /**
     * The pipeline's check, after authentication and before the handler. A missing bucket is NoSuchBucket for
     * everyone, as in AWS. DeleteObjects and PostObject are decided by their handlers (per key; after the form's
     * signature), CopyObject and UploadPartCopy check their source in their handler too. GetObject and HeadObject
     * are decided once their handler has the version it serves ({@link S3Request#checkObjectAccess}).
     *
     * @throws S3Exception AccessDenied
     */
    void authorize(S3Request request) {
        Route route = request.route();
        S3Operation op = route.operation();
        Principal principal = request.principal();
        switch (op) {
            case HEALTH, CORS_PREFLIGHT, POST_OBJECT -> {
                return;
            }
            case METHOD_NOT_ALLOWED, UNSUPPORTED_BUCKET_SUBRESOURCE, UNSUPPORTED_OBJECT_SUBRESOURCE -> {
                // Nothing to decide; answered with an error by their handler, but not to strangers.
                if (principal.isAnonymous()) {
                    throw new S3Exception(S3Error.ACCESS_DENIED);
                }
                if (route.bucket() != null
                        && !bucket(route.bucket()).owner().id().equals(principal.accountId())) {
                    throw new S3Exception(S3Error.ACCESS_DENIED);
                }
                return;
            }
            default -> {
                // decided below
            }
        }
        Requester who = Requester.of(principal);
        if (route.bucket() == null || op == S3Operation.CREATE_BUCKET) {
            require(evaluator.evaluate(request(request, who, op.awsName(), null, null, null, false), null, null));
            return;
        }
        BucketState bucket = bucket(route.bucket());
        if (op == S3Operation.DELETE_OBJECTS) {
            return; // per key, in its handler; the bucket must exist (checked above)
        }
        // The version the request line names: the handlers act on the same one (Limits.versionId).
        String versionId = request.query("versionId");
        if (op == S3Operation.GET_OBJECT || op == S3Operation.HEAD_OBJECT) {
            // Decided by the handler on the version it opens and serves (S3Request.checkObjectAccess), not on a
            // read of its own here: an overwrite between that read and the handler's open would be served under
            // the decision made for the version it replaced.
            request.objectCheck(meta -> checkRead(request, who, bucket, versionId, meta));
            return;
        }
        ObjectState object = route.key() != null && needsObject(op)
                ? existingObject(route.bucket(), route.key(), versionId, bucket)
                : null;
        AccessEvaluator.Request asked =
                request(request, who, op.awsName(), route.bucket(), route.key(), versionId, false);
        require(evaluator.evaluate(asked, bucket, object));
    }

    /**
     * Decides a GetObject or HeadObject on the version its handler opened.
     *
     * @param meta the version, or null when it could not be read (no such key or version, a delete marker)
     */
    private void checkRead(S3Request request, Requester who, BucketState bucket, String versionId, ObjectMeta meta) {
        Route route = request.route();
        if (meta != null && bucket.policy() == null && !who.anonymous()) {
            // The hot path: without a bucket policy nothing can deny an object's owner its own object, which spares
            // the ACL's JSON and the evaluator (an object belongs to its uploader, else to the bucket owner).
            String uploader = meta.attributes()
                    .system()
                    .getOrDefault(SYSTEM_OWNER, bucket.owner().id());
            if (uploader.equals(who.canonicalId())) {
                return;
            }
        }
        ObjectState object = meta == null ? null : objectState(meta, bucket);
        AccessEvaluator.Request asked =
                request(request, who, route.operation().awsName(), route.bucket(), route.key(), versionId, false);
        require(evaluator.evaluate(asked, bucket, object));
        boolean bucketOwner =
                !who.anonymous() && who.canonicalId().equals(bucket.owner().id());
        if (meta == null && !bucketOwner) {
            // As S3: a missing key is NoSuchKey only to a caller who may list the bucket, AccessDenied to others
            // (so that nobody learns which keys exist without s3:ListBucket).
            check(request, who, "ListObjects", route.bucket(), null, null, null);
        }
    }

    /** Whether an operation's access depends on the object (its ACL or owner). */
    private static boolean needsObject(S3Operation op) {
        Optional<S3Operations.OperationAccess> access = S3Operations.forOperation(op.awsName());
        return access.isPresent()
                && access.get().scope() == S3Operations.Scope.OBJECT
                && access.get().aclTarget() != S3Operations.AclTarget.BUCKET;
    }

    /** The object a request addresses, or null when it does not exist (its handler then says so). */
    private ObjectState existingObject(String bucket, String key, String versionId, BucketState state) {
        try {
            return objectState(store.headObject(new ObjectKey(bucket, key), versionId), state);
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.NO_SUCH_BUCKET) {
                throw e;
            }
            return null;
        }
    }

    /**
     * Decides one more operation a request implies (the source of a copy, each key of DeleteObjects, a form
     * upload).
     *
     * @param request the request
     * @param who the requester (for a form upload, the form's signer)
     * @param operation the S3 operation name, as {@link S3Operations} knows it
     * @param bucket the bucket
     * @param key the key, or null
     * @param versionId the version the check is about, or null when it names none: a DeleteObjects entry's, a copy
     *     source's, not the request line's (which names none of these)
     * @param object the existing object, or null
     * @throws S3Exception AccessDenied
     * @throws StorageException NO_SUCH_BUCKET
     */
    public void check(
            S3Request request,
            Requester who,
            String operation,
            String bucket,
            String key,
            String versionId,
            ObjectState object) {
        if (!allowed(request, who, operation, bucket, key, versionId, object)) {
            throw new S3Exception(S3Error.ACCESS_DENIED);
        }
    }

    /** Like {@link #check} but answers instead of throwing. */
    public boolean allowed(
            S3Request request,
            Requester who,
            String operation,
            String bucket,
            String key,
            String versionId,
            ObjectState object) {
        boolean postForm = operation.equals("PostObject");
        return evaluator
                .evaluate(request(request, who, operation, bucket, key, versionId, postForm), bucket(bucket), object)
                .allowed();
    }

    private static AccessEvaluator.Request request(
            S3Request request,
            Requester who,
            String operation,
            String bucket,
            String key,
            String versionId,
            boolean postForm) {
        return new AccessEvaluator.Request(
                who,
                operation,
                bucket,
                key,
                versionId,
                request.signable(),
                request.sourceIp(),
                request.secure(),
                postForm,
                Map.of());
    }

    private static void require(Decision decision) {
        if (!decision.allowed()) {
            throw new S3Exception(S3Error.ACCESS_DENIED);
        }
    }
}
