package dev.granary.auth.access;

/** An ACL permission, as S3 names it in grants and grant headers. */
public enum Permission {
    /** Every other permission. */
    FULL_CONTROL,
    /** List a bucket; read an object's data and metadata. */
    READ,
    /** Create, overwrite and delete objects in a bucket. */
    WRITE,
    /** Read the ACL. */
    READ_ACP,
    /** Write the ACL. */
    WRITE_ACP;

    /** The name in XML and JSON, which is the constant's name. */
    public String wireName() {
        return name();
    }

    /**
     * Whether holding this permission gives {@code needed}: FULL_CONTROL gives everything, any other only itself.
     *
     * @param needed the permission an operation needs
     * @return whether it is covered
     */
    public boolean covers(Permission needed) {
        return this == FULL_CONTROL || this == needed;
    }

    /**
     * Reads a wire name.
     *
     * @param name e.g. "READ_ACP"
     * @return the permission
     * @throws IllegalArgumentException for a name S3 does not know
     */
    public static Permission fromWire(String name) {
        return valueOf(name);
    }
}
