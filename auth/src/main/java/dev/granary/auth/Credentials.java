package dev.granary.auth;

import java.util.Objects;

/**
 * One access key and the account it acts for.
 *
 * @param accessKey the access key id a client puts in its Credential scope
 * @param secretKey the secret the signature is derived from; never printed
 * @param accountId the owning account's id
 * @param displayName the owning account's display name
 * @param enabled false for a deactivated key, which authenticates nothing
 */
public record Credentials(String accessKey, String secretKey, String accountId, String displayName, boolean enabled) {

    /** Checks that no component is null. */
    public Credentials {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(displayName, "displayName");
    }

    /** The principal these credentials authenticate. */
    public Principal principal() {
        return new Principal(accountId, displayName, accessKey);
    }

    /** Prints everything but the secret, so that credentials may appear in logs and assertion messages. */
    @Override
    public String toString() {
        return "Credentials[accessKey=" + accessKey + ", secretKey=****, accountId=" + accountId + ", displayName="
                + displayName + ", enabled=" + enabled + "]";
    }
}
