package dev.granary.auth.access;

import java.util.Objects;

/**
 * The owner of a bucket or an object.
 *
 * @param id the owner's canonical id
 * @param displayName the owner's display name (may be empty)
 */
public record Owner(String id, String displayName) {
    /** Checks for nulls. */
    public Owner {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(displayName, "displayName");
    }

    /** The owner as a canonical-user grantee. */
    public Grantee.CanonicalUser asGrantee() {
        return new Grantee.CanonicalUser(id, displayName);
    }
}
