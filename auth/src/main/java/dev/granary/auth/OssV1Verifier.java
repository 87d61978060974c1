package dev.granary.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Verifies Alibaba Cloud OSS signature version 1 ({@link OssV1}): {@code Authorization: OSS AccessKeyId:Signature}
 * in the header, or {@code OSSAccessKeyId}, {@code Expires} and {@code Signature} in the query (a presigned URL).
 * Keys are the same as S3's; errors are OSS's codes, which are S3's names. Thread-safe.
 *
 * <p>Version 1 signs no payload digest, so every result is {@link PayloadMode#UNSIGNED}; Content-MD5, when sent, is
 * signed and still checked against the body by {@link PayloadDecoder}.
 */
public final class OssV1Verifier {

    private static final String HEADER_PREFIX = "OSS ";

    private final CredentialStore credentials;
    private final Clock clock;
    private final Duration maxSkew;

    /**
     * Creates a verifier.
     *
     * @param credentials where access keys are looked up
     * @param clock the server's clock
     * @param maxSkew how far a header-signed request's time may be from the clock (OSS allows 15 minutes)
     */
    public OssV1Verifier(CredentialStore credentials, Clock clock, Duration maxSkew) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    }

    /**
     * Whether a request is signed with OSS version 1, in the header or in the query.
     *
     * @param request the request as received
     * @return true when {@link #verify} is the method to authenticate it with
     */
    public static boolean isOssV1(SignableRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return authorization.strip().startsWith(HEADER_PREFIX);
        }
        return SigV2Verifier.find(SigV4.parseQuery(request.rawQuery(), false), "OSSAccessKeyId") != null;
    }

    /**
     * Authenticates an OSS version 1 request.
     *
     * @param request the request as received
     * @param virtualHostBucket the bucket the Host header names (virtual-hosted style), or null for path style
     * @return the principal, with an unsigned payload
     * @throws AuthException InvalidArgument, AccessDenied, InvalidAccessKeyId, RequestTimeTooSkewed or
     *     SignatureDoesNotMatch, as OSS answers
     */
    public AuthResult verify(SignableRequest request, String virtualHostBucket) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return verifyHeader(request, authorization.strip(), virtualHostBucket);
        }
        return verifyQuery(request, virtualHostBucket);
    }

    private AuthResult verifyHeader(SignableRequest request, String authorization, String bucket) {
        String rest = authorization.substring(HEADER_PREFIX.length()).strip();
        // Base64 has no ':', so the last one separates the key from the signature.
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT, "Authorization header is invalid: expected OSS AccessKeyId:Signature");
        }
        Credentials creds = SigV2Verifier.lookup(credentials, rest.substring(0, colon), request, clock);
        String signature = rest.substring(colon + 1).strip();
        String date = request.header("date");
        // ali-oss sends no Date (a browser may not set it) and signs x-oss-date in its place.
        String dateLine = date != null ? date.strip() : request.header("x-oss-date");
        Instant time = SigV2Verifier.requestTime(dateLine, "OSS authentication requires a valid Date or x-oss-date");
        if (Duration.between(time, clock.instant()).abs().compareTo(maxSkew) > 0) {
            throw new AuthException(AuthError.REQUEST_TIME_TOO_SKEWED);
        }
        return matched(creds, request, dateLine.strip(), bucket, signature);
    }

    private AuthResult verifyQuery(SignableRequest request, String bucket) {
        List<SigV4.QueryParam> params = SigV4.parseQuery(request.rawQuery(), false);
        String accessKey = SigV2Verifier.find(params, "OSSAccessKeyId");
        String expires = SigV2Verifier.find(params, "Expires");
        String signature = SigV2Verifier.find(params, "Signature");
        if (expires == null || signature == null) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED,
                    "Query-string authentication requires the Signature, Expires and OSSAccessKeyId parameters");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires.strip());
        } catch (NumberFormatException e) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Invalid Expires (seconds since epoch): " + expires);
        }
        Credentials creds = SigV2Verifier.lookup(credentials, accessKey, request, clock);
        if (clock.instant().getEpochSecond() > expiresAt) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired.");
        }
        return matched(creds, request, expires.strip(), bucket, signature);
    }

    private static AuthResult matched(
            Credentials creds, SignableRequest request, String dateLine, String bucket, String provided) {
        String expected = SigV2.sign(creds.secretKey(), OssV1.stringToSign(request, dateLine, bucket));
        if (!SigV2.signaturesMatch(expected, provided)) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
        }
        return new AuthResult(creds.principal(), PayloadMode.UNSIGNED, null, null);
    }
}
