package dev.granary.auth.access;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import java.util.ArrayList;
import java.util.List;

/** The canned ACLs of the {@code x-amz-acl} header, expanded into grants as S3's table of canned ACLs does. */
public enum CannedAcl {
    /** Owner FULL_CONTROL; nobody else anything (the default). */
    PRIVATE("private"),
    /** Owner FULL_CONTROL; AllUsers READ. */
    PUBLIC_READ("public-read"),
    /** Owner FULL_CONTROL; AllUsers READ and WRITE. */
    PUBLIC_READ_WRITE("public-read-write"),
    /** Owner FULL_CONTROL; EC2 READ for AMI bundles, a grantee Granary has no counterpart for. */
    AWS_EXEC_READ("aws-exec-read"),
    /** Owner FULL_CONTROL; AuthenticatedUsers READ. */
    AUTHENTICATED_READ("authenticated-read"),
    /** Object owner FULL_CONTROL; bucket owner READ. On a bucket, the same as private. */
    BUCKET_OWNER_READ("bucket-owner-read"),
    /** Object owner and bucket owner FULL_CONTROL. On a bucket, the same as private. */
    BUCKET_OWNER_FULL_CONTROL("bucket-owner-full-control"),
    /** Owner FULL_CONTROL; LogDelivery WRITE and READ_ACP (on a bucket; on an object, the same as private). */
    LOG_DELIVERY_WRITE("log-delivery-write");

    private final String headerValue;

    CannedAcl(String headerValue) {
        this.headerValue = headerValue;
    }

    /** The value of x-amz-acl. */
    public String headerValue() {
        return headerValue;
    }

    /**
     * Reads an x-amz-acl value.
     *
     * @param value the header value
     * @return the canned ACL
     * @throws AuthException InvalidArgument for a value S3 does not know
     */
    public static CannedAcl fromHeader(String value) {
        String v = value.strip();
        for (CannedAcl c : values()) {
            if (c.headerValue.equals(v)) {
                return c;
            }
        }
        throw new AuthException(AuthError.INVALID_ARGUMENT, "Invalid canned ACL: " + value);
    }

    /**
     * Expands the canned ACL.
     *
     * @param owner the resource's owner (the bucket's creator, or the object's uploader)
     * @param bucketOwner the owner of the bucket, for the bucket-owner-* ACLs of objects
     * @param forBucket whether the ACL is for a bucket rather than an object
     * @return the ACL
     */
    public Acl toAcl(Owner owner, Owner bucketOwner, boolean forBucket) {
        List<Grant> grants = new ArrayList<>();
        grants.add(new Grant(owner.asGrantee(), Permission.FULL_CONTROL));
        switch (this) {
            case PUBLIC_READ -> grants.add(new Grant(new Grantee.Group(Grantee.ALL_USERS), Permission.READ));
            case PUBLIC_READ_WRITE -> {
                grants.add(new Grant(new Grantee.Group(Grantee.ALL_USERS), Permission.READ));
                grants.add(new Grant(new Grantee.Group(Grantee.ALL_USERS), Permission.WRITE));
            }
            case AUTHENTICATED_READ ->
                grants.add(new Grant(new Grantee.Group(Grantee.AUTHENTICATED_USERS), Permission.READ));
            case BUCKET_OWNER_READ, BUCKET_OWNER_FULL_CONTROL -> {
                if (!forBucket && !bucketOwner.id().equals(owner.id())) {
                    grants.add(new Grant(
                            bucketOwner.asGrantee(),
                            this == BUCKET_OWNER_READ ? Permission.READ : Permission.FULL_CONTROL));
                }
            }
            case LOG_DELIVERY_WRITE -> {
                if (forBucket) {
                    grants.add(new Grant(new Grantee.Group(Grantee.LOG_DELIVERY), Permission.WRITE));
                    grants.add(new Grant(new Grantee.Group(Grantee.LOG_DELIVERY), Permission.READ_ACP));
                }
            }
            case PRIVATE, AWS_EXEC_READ -> {
                // Owner only.
            }
        }
        return new Acl(owner, grants);
    }
}
