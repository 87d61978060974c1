package dev.granary.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Verifies AWS Signature Version 2 on S3 requests, for old clients: {@code Authorization: AWS AKID:signature} in
 * the header, or {@code AWSAccessKeyId}, {@code Expires} and {@code Signature} in the query. Errors are S3's.
 * Thread-safe.
 *
 * <p>SigV2 signs no payload digest, so every result is {@link PayloadMode#UNSIGNED}; Content-MD5, when sent, is
 * signed and still checked against the body by {@link PayloadDecoder}.
 */
public final class SigV2Verifier {

    private static final String HEADER_PREFIX = "AWS ";

    private final CredentialStore credentials;
    private final Clock clock;
    private final Duration maxSkew;

    /**
     * Creates a verifier.
     *
     * @param credentials where access keys are looked up
     * @param clock the server's clock
     * @param maxSkew how far a header-signed request's time may be from the clock
     */
    public SigV2Verifier(CredentialStore credentials, Clock clock, Duration maxSkew) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    }

    /**
     * Whether a request is signed with SigV2, in the header or in the query.
     *
     * @param request the request as received
     * @return true when {@link #verify} is the method to authenticate it with
     */
    public static boolean isSigV2(SignableRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return authorization.strip().startsWith(HEADER_PREFIX);
        }
        return find(SigV4.parseQuery(request.rawQuery(), false), "AWSAccessKeyId") != null;
    }

    /**
     * Authenticates a SigV2 request.
     *
     * @param request the request as received
     * @param virtualHostBucket the bucket the Host header names (virtual-hosted style), or null for path style;
     *     SigV2 signs the resource as "/bucket/key" either way
     * @return the principal, with an unsigned payload
     * @throws AuthException InvalidArgument, AccessDenied, InvalidAccessKeyId, RequestTimeTooSkewed or
     *     SignatureDoesNotMatch, as S3 answers
     */
    public AuthResult verify(SignableRequest request, String virtualHostBucket) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return verifyHeader(request, authorization.strip(), virtualHostBucket);
        }
        return verifyQuery(request, virtualHostBucket);
    }

    private AuthResult verifyHeader(SignableRequest request, String authorization, String bucket) {
        if (!authorization.startsWith(HEADER_PREFIX)) {
            throw new AuthException(AuthError.INVALID_ARGUMENT, "Unsupported Authorization Type");
        }
        String rest = authorization.substring(HEADER_PREFIX.length()).strip();
        // Base64 has no ':', so the last one separates the key from the signature.
        int colon = rest.lastIndexOf(':');
        if (colon <= 0 || colon == rest.length() - 1) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
        }
        String accessKey = rest.substring(0, colon);
        String signature = rest.substring(colon + 1).strip();
        Credentials creds = lookup(credentials, accessKey, request, clock);

        String amzDate = request.header("x-amz-date");
        Instant time = requestTime(
                amzDate != null ? amzDate : request.header("date"),
                "AWS authentication requires a valid Date or x-amz-date header");
        if (Duration.between(time, clock.instant()).abs().compareTo(maxSkew) > 0) {
            throw new AuthException(AuthError.REQUEST_TIME_TOO_SKEWED);
        }
        String dateLine = amzDate != null ? "" : request.header("date").strip();
        if (matches(creds, request, dateLine, bucket, false, signature)) {
            return authenticated(creds);
        }
        // One of AWS's own examples (the DELETE) signs x-amz-date in the date line and not among the headers;
        // the same request facts are signed, so that form is accepted too.
        if (amzDate != null && matches(creds, request, amzDate.strip(), bucket, true, signature)) {
            return authenticated(creds);
        }
        throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    private AuthResult verifyQuery(SignableRequest request, String bucket) {
        List<SigV4.QueryParam> params = SigV4.parseQuery(request.rawQuery(), false);
        String accessKey = find(params, "AWSAccessKeyId");
        String expires = find(params, "Expires");
        String signature = find(params, "Signature");
        if (accessKey == null || expires == null || signature == null) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED,
                    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires.strip());
        } catch (NumberFormatException e) {
            throw new AuthException(
                    AuthError.ACCESS_DENIED, "Invalid date (should be seconds since epoch): " + expires);
        }
        Credentials creds = lookup(credentials, accessKey, request, clock);
        if (clock.instant().getEpochSecond() > expiresAt) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired");
        }
        if (matches(creds, request, expires.strip(), bucket, false, signature)) {
            return authenticated(creds);
        }
        throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    private static boolean matches(
            Credentials creds,
            SignableRequest request,
            String dateLine,
            String bucket,
            boolean excludeAmzDate,
            String provided) {
        if (matchesAsSent(creds, request, dateLine, bucket, excludeAmzDate, provided)) {
            return true;
        }
        // botocore signs the resource its way: the path of the operation's URI template with the template's fixed
        // query ("/b/k?acl", "/b?list-type=2") and then the sub-resources again ("/b/k?acl?acl"); and a path-style
        // request on a bucket ("/b") as "/b/", the form of the virtual-hosted "/". Only tried after a mismatch.
        if (bucket != null) {
            return false;
        }
        String path = request.rawPath();
        boolean bucketOnly = path.length() > 1 && path.indexOf('/', 1) < 0;
        String query = request.rawQuery();
        String first = query.isEmpty() ? null : query.split("&", 2)[0];
        List<String> variants = new ArrayList<>(4);
        if (bucketOnly) {
            variants.add(path + "/");
        }
        if (first != null) {
            variants.add(path + "?" + first);
            if (bucketOnly) {
                variants.add(path + "/?" + first);
            }
        }
        for (String variant : variants) {
            SignableRequest signed = new SignableRequest(request.method(), variant, query, request.headers());
            if (matchesAsSent(creds, signed, dateLine, null, excludeAmzDate, provided)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAsSent(
            Credentials creds,
            SignableRequest request,
            String dateLine,
            String bucket,
            boolean excludeAmzDate,
            String provided) {
        String expected =
                SigV2.sign(creds.secretKey(), SigV2.stringToSign(request, dateLine, bucket, excludeAmzDate, false));
        if (SigV2.signaturesMatch(expected, provided)) {
            return true;
        }
        // Form-style clients send a space in a signed sub-resource value as '+'.
        return request.rawQuery().indexOf('+') >= 0
                && SigV2.signaturesMatch(
                        SigV2.sign(
                                creds.secretKey(), SigV2.stringToSign(request, dateLine, bucket, excludeAmzDate, true)),
                        provided);
    }

    private static AuthResult authenticated(Credentials creds) {
        return new AuthResult(creds.principal(), PayloadMode.UNSIGNED, null, null);
    }

    /**
     * An unknown key and a deactivated one get the same answer, as in {@link SigV4Verifier}; session credentials work
     * only with their token, before they expire.
     */
    static Credentials lookup(CredentialStore credentials, String accessKey, SignableRequest request, Clock clock) {
        Credentials creds = credentials
                .lookup(accessKey)
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.INVALID_ACCESS_KEY_ID));
        creds.checkSessionToken(request.securityToken(), clock.instant());
        return creds;
    }

    /**
     * The time a header-signed request names: an RFC 1123 date or an ISO basic one; AccessDenied with {@code missing}
     * when there is neither.
     */
    static Instant requestTime(String value, String missing) {
        if (value != null) {
            String v = value.strip();
            try {
                return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                Instant basic = SigV4.parseBasicAmzDate(v);
                if (basic != null) {
                    return basic;
                }
            }
        }
        throw new AuthException(AuthError.ACCESS_DENIED, missing);
    }

    /** The first value of query parameter {@code name}, or null. */
    static String find(List<SigV4.QueryParam> params, String name) {
        for (SigV4.QueryParam p : params) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }
}
