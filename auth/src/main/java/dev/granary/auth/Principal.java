package dev.granary.auth;

import java.util.Objects;

/**
 * Who a request acts for, once authenticated.
 *
 * @param accountId the account id; empty for the anonymous principal
 * @param displayName the account's display name
 * @param accessKey the access key the request was signed with; empty for the anonymous principal
 */
public record Principal(String accountId, String displayName, String accessKey) {

    private static final Principal ANONYMOUS = new Principal("", "anonymous", "");

    /** Checks that no component is null. */
    public Principal {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(accessKey, "accessKey");
    }

    /** The principal of an unsigned request. */
    public static Principal anonymous() {
        return ANONYMOUS;
    }

    /** Whether this is the principal of an unsigned request. */
    public boolean isAnonymous() {
        return accountId.isEmpty();
    }
}
