package dev.granary.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

/**
 * One access key and the account it acts for.
 *
 * @param accessKey the access key id a client puts in its Credential scope
 * @param secretKey the secret the signature is derived from; never printed
 * @param accountId the owning account's id
 * @param displayName the owning account's display name
 * @param enabled false for a deactivated key, which authenticates nothing
 * @param sessionToken for short-lived session credentials ({@link SessionStore}), the token every request signed with
 *     them must carry ({@code x-amz-security-token}); null for a long-term key
 * @param expiresAt when session credentials stop working; null for a long-term key
 */
public record Credentials(
        String accessKey,
        String secretKey,
        String accountId,
        String displayName,
        boolean enabled,
        String sessionToken,
        Instant expiresAt) {

    /** Checks that no component is null, and that a session's token and expiration come together. */
    public Credentials {
        Objects.requireNonNull(accessKey, "accessKey");
        Objects.requireNonNull(secretKey, "secretKey");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(displayName, "displayName");
        if ((sessionToken == null) != (expiresAt == null)) {
            throw new IllegalArgumentException("a session token goes with an expiration, and only with one");
        }
    }

    /** Long-term credentials: no session token, no expiration. */
    public Credentials(String accessKey, String secretKey, String accountId, String displayName, boolean enabled) {
        this(accessKey, secretKey, accountId, displayName, enabled, null, null);
    }

    /**
     * Checks the session token a request signed with these credentials presents: none for a long-term key, the
     * session's own (compared in constant time) before it expires for session credentials.
     *
     * @param presented the request's {@code x-amz-security-token} (or OSS's security token), or null
     * @param now the server's time
     * @throws AuthException {@code InvalidToken}, {@code ExpiredToken}, or {@code InvalidAccessKeyId} for session
     *     credentials used without their token
     */
    public void checkSessionToken(String presented, Instant now) {
        if (sessionToken == null) {
            if (presented != null) {
                throw new AuthException(AuthError.INVALID_TOKEN);
            }
            return;
        }
        if (presented == null) {
            throw new AuthException(AuthError.INVALID_ACCESS_KEY_ID);
        }
        if (!MessageDigest.isEqual(
                sessionToken.getBytes(StandardCharsets.UTF_8), presented.strip().getBytes(StandardCharsets.UTF_8))) {
            throw new AuthException(AuthError.INVALID_TOKEN);
        }
        if (!now.isBefore(expiresAt)) {
            throw new AuthException(AuthError.EXPIRED_TOKEN);
        }
    }

    /** The principal these credentials authenticate. */
    public Principal principal() {
        return new Principal(accountId, displayName, accessKey);
    }

    /** Prints everything but the secret, so that credentials may appear in logs and assertion messages. */
    @Override
    public String toString() {
        return "Credentials[accessKey=" + accessKey + ", secretKey=****, accountId=" + accountId + ", displayName="
                + displayName + ", enabled=" + enabled + (sessionToken == null ? "" : ", session until " + expiresAt)
                + "]";
    }
}
