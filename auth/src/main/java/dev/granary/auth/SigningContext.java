package dev.granary.auth;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * What verifying an aws-chunked body's chunk and trailer signatures needs from the request's own signature.
 *
 * @param signingKey the derived SigV4 signing key (not the secret, but scoped to one day: never print it)
 * @param amzDate the request time in ISO 8601 basic format, as in x-amz-date
 * @param scope the credential scope, date/region/service/aws4_request
 * @param seedSignature the request's signature, which the first chunk's signature chains from
 */
@SuppressWarnings("ArrayRecordComponent") // copies the key in and out; never compared or hashed
public record SigningContext(byte[] signingKey, String amzDate, String scope, String seedSignature) {

    /** Checks that no component is null and keeps a private copy of the key. */
    public SigningContext {
        signingKey = Objects.requireNonNull(signingKey, "signingKey").clone();
        Objects.requireNonNull(amzDate, "amzDate");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(seedSignature, "seedSignature");
    }

    /** A copy of the signing key. */
    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    /** The signature of the next chunk after {@code previousSignature}, given the chunk's SHA-256 hex. */
    String chunkSignature(String previousSignature, String chunkSha256Hex) {
        return SigV4.signature(signingKey, SigV4.chunkStringToSign(amzDate, scope, previousSignature, chunkSha256Hex));
    }

    /** The trailer's signature after the final chunk's {@code previousSignature}. */
    String trailerSignature(String previousSignature, String trailerSha256Hex) {
        return SigV4.signature(
                signingKey, SigV4.trailerStringToSign(amzDate, scope, previousSignature, trailerSha256Hex));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SigningContext other
                && MessageDigest.isEqual(signingKey, other.signingKey)
                && amzDate.equals(other.amzDate)
                && scope.equals(other.scope)
                && seedSignature.equals(other.seedSignature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(amzDate, scope, seedSignature);
    }

    /** Leaves the signing key out. */
    @Override
    public String toString() {
        return "SigningContext[amzDate=" + amzDate + ", scope=" + scope + ", seedSignature=" + seedSignature + "]";
    }
}
