package dev.granary.auth.access;

import dev.granary.auth.Principal;
import java.util.Objects;

/**
 * Who is asking, as access control sees it.
 *
 * @param canonicalId the account's canonical id; empty for an anonymous requester
 * @param userName the user within the account, or null when the account itself (its root) signed
 * @param anonymous whether the request was unsigned
 */
public record Requester(String canonicalId, String userName, boolean anonymous) {

    /** The requester of an unsigned request. */
    public static final Requester ANONYMOUS = new Requester("", null, true);

    /** Checks the components agree: an anonymous requester has no id, a signed one has one. */
    public Requester {
        Objects.requireNonNull(canonicalId, "canonicalId");
        if (anonymous != canonicalId.isEmpty()) {
            throw new IllegalArgumentException("a requester is anonymous exactly when it has no canonical id");
        }
    }

    /**
     * The root of an account.
     *
     * @param canonicalId the account's canonical id
     * @return the requester
     */
    public static Requester account(String canonicalId) {
        return new Requester(canonicalId, null, false);
    }

    /**
     * The requester an authenticated principal acts as: its account, as its root.
     *
     * @param principal the principal from authentication
     * @return the requester, anonymous for the anonymous principal
     */
    public static Requester of(Principal principal) {
        return principal.isAnonymous() ? ANONYMOUS : account(principal.accountId());
    }
}
