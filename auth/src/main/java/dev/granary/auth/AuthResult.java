package dev.granary.auth;

import java.util.Objects;

/**
 * The outcome of authenticating a request: who it acts for and how its body must be read.
 *
 * @param principal the authenticated principal, or the anonymous one
 * @param payloadMode how the body is encoded and protected
 * @param payloadSha256 the expected SHA-256 hex of the body for {@link PayloadMode#SIGNED_HEX}, else null
 * @param signing what chunk and trailer signature checks need; null unless the request was signed
 */
public record AuthResult(Principal principal, PayloadMode payloadMode, String payloadSha256, SigningContext signing) {

    /** Checks the components agree with each other. */
    public AuthResult {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(payloadMode, "payloadMode");
        if ((payloadMode == PayloadMode.SIGNED_HEX) != (payloadSha256 != null)) {
            throw new IllegalArgumentException("payloadSha256 is required for SIGNED_HEX and only for it");
        }
        if (payloadMode.hasChunkSignatures() && signing == null) {
            throw new IllegalArgumentException(payloadMode + " needs a signing context");
        }
    }

    /** Whether the request was unsigned. */
    public boolean isAnonymous() {
        return principal.isAnonymous();
    }
}
