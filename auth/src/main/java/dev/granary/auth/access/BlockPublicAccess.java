package dev.granary.auth.access;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;

/**
 * S3 Block Public Access settings of a bucket (or an account; {@link #merge} combines the two, since S3 applies
 * the most restrictive combination).
 *
 * @param blockPublicAcls refuse requests that would set a public ACL (PutBucketAcl, PutObjectAcl, PutObject and
 *     CreateBucket with a public canned ACL or grant)
 * @param ignorePublicAcls ignore AllUsers and AuthenticatedUsers grants when deciding access
 * @param blockPublicPolicy refuse PutBucketPolicy with a public policy
 * @param restrictPublicBuckets while the bucket policy is public, let it grant nothing to anyone outside the bucket
 *     owner's account
 */
public record BlockPublicAccess(
        boolean blockPublicAcls, boolean ignorePublicAcls, boolean blockPublicPolicy, boolean restrictPublicBuckets) {

    /** No blocking: the default of a bucket without a PublicAccessBlock configuration. */
    public static final BlockPublicAccess NONE = new BlockPublicAccess(false, false, false, false);
    /** All four settings on. */
    public static final BlockPublicAccess ALL = new BlockPublicAccess(true, true, true, true);

    /**
     * The combination of two levels of settings: each flag is on when either level has it on.
     *
     * @param other e.g. the account's settings
     * @return the effective settings
     */
    public BlockPublicAccess merge(BlockPublicAccess other) {
        return new BlockPublicAccess(
                blockPublicAcls || other.blockPublicAcls,
                ignorePublicAcls || other.ignorePublicAcls,
                blockPublicPolicy || other.blockPublicPolicy,
                restrictPublicBuckets || other.restrictPublicBuckets);
    }

    /**
     * Checks an ACL a request is about to set.
     *
     * @param acl the new ACL
     * @throws AuthException AccessDenied when BlockPublicAcls is on and the ACL is public
     */
    public void checkNewAcl(Acl acl) {
        if (blockPublicAcls && acl.isPublic()) {
            throw new AuthException(AuthError.ACCESS_DENIED);
        }
    }

    /**
     * Checks a policy a PutBucketPolicy is about to set.
     *
     * @param policy the new policy
     * @throws AuthException AccessDenied when BlockPublicPolicy is on and the policy is public
     */
    public void checkNewPolicy(BucketPolicy policy) {
        if (blockPublicPolicy && policy.isPublic()) {
            throw new AuthException(AuthError.ACCESS_DENIED);
        }
    }
}
