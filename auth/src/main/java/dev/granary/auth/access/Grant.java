package dev.granary.auth.access;

import java.util.Objects;

/**
 * One ACL entry.
 *
 * @param grantee who is granted
 * @param permission what they may do
 */
public record Grant(Grantee grantee, Permission permission) {
    /** Checks for nulls. */
    public Grant {
        Objects.requireNonNull(grantee, "grantee");
        Objects.requireNonNull(permission, "permission");
    }
}
