package dev.granary.auth.access;

/** What a bucket policy says about a request. */
public enum PolicyDecision {
    /** A statement allows the request and none denies it. */
    ALLOW,
    /** A statement explicitly denies the request; nothing else can allow it. */
    DENY,
    /** No statement applies to the request. */
    NONE
}
