package dev.granary.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies AWS Signature Version 4 on S3 requests, signed in the Authorization header or presigned in the query,
 * the way S3 does: same checks, same error codes and messages. Thread-safe; one instance serves all requests.
 *
 * <p>The body is not read here: the returned {@link AuthResult} says how {@link PayloadDecoder} must verify it.
 */
public final class SigV4Verifier {

    /** AWS's default allowance between a request's time and the server's. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(15);

    /** The longest a presigned URL may be valid: seven days. */
    static final long MAX_EXPIRES_SECONDS = 604_800;

    private static final int KEY_CACHE_LIMIT = 1024;
    private static final String CREDENTIAL_FORMAT =
            "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";
    private static final String HEADER_MALFORMED = "The authorization header is malformed; ";
    private static final String CREDENTIAL_PARAMETER = "Error parsing the X-Amz-Credential parameter; ";
    /** Components of the Authorization header are separated by commas, spaces or both depending on the client. */
    private final CredentialStore credentials;

    private final String region;
    private final Clock clock;
    private final Duration maxSkew;
    /** Derived signing keys: each costs four HMACs and is the same for every request of a key, day and region. */
    private final ConcurrentHashMap<KeyCacheEntry, byte[]> signingKeys = new ConcurrentHashMap<>();

    /**
     * Creates a verifier with AWS's 15 minute clock skew allowance.
     *
     * @param credentials where access keys are looked up
     * @param region the region this endpoint serves; the Credential scope must name it
     * @param clock the server's clock
     */
    public SigV4Verifier(CredentialStore credentials, String region, Clock clock) {
        this(credentials, region, clock, DEFAULT_MAX_SKEW);
    }

    /**
     * Creates a verifier.
     *
     * @param credentials where access keys are looked up
     * @param region the region this endpoint serves; the Credential scope must name it
     * @param clock the server's clock
     * @param maxSkew how far a request's time may be from the clock
     */
    public SigV4Verifier(CredentialStore credentials, String region, Clock clock, Duration maxSkew) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
        if (maxSkew.isNegative()) {
            throw new IllegalArgumentException("maxSkew must not be negative");
        }
    }

    /**
     * Authenticates a request.
     *
     * @param request the request as received
     * @return the principal and how the body must be verified; anonymous when the request carries no signature
     * @throws AuthException with the S3 error when the signature or its parameters are missing, malformed,
     *     expired or wrong
     */
    public AuthResult verify(SignableRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return verifyHeader(request, authorization);
        }
        List<SigV4.QueryParam> params = SigV4.parseQuery(request.rawQuery(), true);
        if (find(params, "X-Amz-Algorithm") != null) {
            return verifyPresigned(request, params);
        }
        return anonymous(request);
    }

    private static AuthResult anonymous(SignableRequest request) {
        // An unsigned request may still declare a body digest or an unsigned aws-chunked body with a checksum
        // trailer (SDKs with anonymous credentials do); both are integrity checks worth keeping.
        String contentSha256 = request.header("x-amz-content-sha256");
        PayloadMode mode = contentSha256 == null ? PayloadMode.UNSIGNED : PayloadMode.fromContentSha256(contentSha256);
        if (mode.hasChunkSignatures()) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "A signed streaming payload requires an Authorization header.");
        }
        return new AuthResult(Principal.anonymous(), mode, mode == PayloadMode.SIGNED_HEX ? contentSha256 : null, null);
    }

    // ---- Authorization header -------------------------------------------------------------------------------

    private AuthResult verifyHeader(SignableRequest request, String authorization) {
        String trimmed = authorization.strip();
        int space = trimmed.indexOf(' ');
        String algorithm = space < 0 ? trimmed : trimmed.substring(0, space);
        if (!algorithm.equals(SigV4.ALGORITHM)) {
            throw unsupportedAlgorithm(algorithm);
        }
        String components = trimmed.substring(space + 1);
        String credential = component(components, "Credential");
        String signedHeaders = component(components, "SignedHeaders");
        String signature = component(components, "Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    HEADER_MALFORMED
                            + "the authorization header requires three components: Credential, SignedHeaders, and"
                            + " Signature.");
        }
        Scope scope = parseScope(credential, AuthError.AUTHORIZATION_HEADER_MALFORMED, HEADER_MALFORMED);
        Credentials creds = lookup(scope.accessKey(), request);

        // The usual x-amz-date is taken as sent (and parsed by hand: a DateTimeFormatter cost more than the HMACs);
        // anything else goes through the general parser and is signed in its canonical form.
        String header = request.header("x-amz-date");
        String amzDate = header == null ? null : header.strip();
        Instant time = amzDate == null ? null : SigV4.parseBasicAmzDate(amzDate);
        if (time == null) {
            time = requestTime(request);
            amzDate = SigV4.formatAmzDate(time);
        }
        if (!amzDate.startsWith(scope.date())) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_HEADER_MALFORMED,
                    HEADER_MALFORMED + "Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        if (Duration.between(time, clock.instant()).abs().compareTo(maxSkew) > 0) {
            throw new AuthException(AuthError.REQUEST_TIME_TOO_SKEWED);
        }
        List<String> headerNames = signedHeaderNames(signedHeaders, AuthError.AUTHORIZATION_HEADER_MALFORMED);

        String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 == null) {
            // S3 (unlike other services) insists on the header for header-signed requests.
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "Missing required header for this request: x-amz-content-sha256");
        }
        PayloadMode mode = PayloadMode.fromContentSha256(contentSha256);
        return checkSignature(request, creds, scope, amzDate, headerNames, contentSha256, mode, signature);
    }

    /**
     * The value of {@code name=value} among the Authorization header's components, which clients separate with
     * commas, spaces or both; components AWS does not know are ignored. Scanned by hand: a regular expression
     * split cost more than the signature's cryptography.
     */
    private static String component(String components, String name) {
        int from = 0;
        int n = components.length();
        while (true) {
            int at = components.indexOf(name, from);
            if (at < 0) {
                return null;
            }
            int i = at + name.length();
            while (i < n && components.charAt(i) == ' ') {
                i++;
            }
            boolean boundary =
                    at == 0 || components.charAt(at - 1) == ',' || Character.isWhitespace(components.charAt(at - 1));
            if (boundary && i < n && components.charAt(i) == '=') {
                i++;
                while (i < n && components.charAt(i) == ' ') {
                    i++;
                }
                // A value ends at a comma, or at whitespace before the next known component (an access key may
                // itself contain spaces).
                int end = i;
                while (end < n
                        && components.charAt(end) != ','
                        && !(Character.isWhitespace(components.charAt(end)) && startsComponent(components, end))) {
                    end++;
                }
                return components.substring(i, end).strip();
            }
            from = at + name.length();
        }
    }

    private static boolean startsComponent(String components, int whitespace) {
        int i = whitespace;
        while (i < components.length() && Character.isWhitespace(components.charAt(i))) {
            i++;
        }
        return components.startsWith("Credential=", i)
                || components.startsWith("SignedHeaders=", i)
                || components.startsWith("Signature=", i);
    }

    private static AuthException unsupportedAlgorithm(String algorithm) {
        if (algorithm.equals("AWS4-ECDSA-P256-SHA256")) {
            return new AuthException(
                    AuthError.NOT_IMPLEMENTED,
                    "Signature Version 4A (AWS4-ECDSA-P256-SHA256) is not supported; sign with AWS4-HMAC-SHA256.");
        }
        if (algorithm.equals("AWS")) {
            return new AuthException(
                    AuthError.INVALID_REQUEST,
                    "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
        }
        return new AuthException(AuthError.INVALID_ARGUMENT, "Unsupported Authorization Type");
    }

    /** The request time from x-amz-date, or from Date when x-amz-date is absent. */
    private static Instant requestTime(SignableRequest request) {
        String amzDate = request.header("x-amz-date");
        try {
            if (amzDate != null) {
                return SigV4.AMZ_DATE.parse(amzDate.strip(), Instant::from);
            }
            String date = request.header("date");
            if (date != null) {
                return ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            }
        } catch (DateTimeParseException e) {
            // Falls through to the error AWS gives for an unusable date.
        }
        throw new AuthException(
                AuthError.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header");
    }

    // ---- presigned query ------------------------------------------------------------------------------------

    private AuthResult verifyPresigned(SignableRequest request, List<SigV4.QueryParam> params) {
        String algorithm = find(params, "X-Amz-Algorithm");
        String credential = find(params, "X-Amz-Credential");
        String date = find(params, "X-Amz-Date");
        String expires = find(params, "X-Amz-Expires");
        String signedHeaders = find(params, "X-Amz-SignedHeaders");
        String signature = find(params, SigV4.X_AMZ_SIGNATURE);
        if (!algorithm.equals(SigV4.ALGORITHM)) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        }
        if (credential == null || date == null || expires == null || signedHeaders == null || signature == null) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential,"
                            + " X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        Scope scope = parseScope(credential, AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR, CREDENTIAL_PARAMETER);
        Instant time;
        try {
            time = SigV4.AMZ_DATE.parse(date, Instant::from);
        } catch (DateTimeParseException e) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        long expiresSeconds = parseExpires(expires);
        if (!date.startsWith(scope.date())) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "Invalid credential date. Date is not the same as X-Amz-Date.");
        }
        Credentials creds = lookup(scope.accessKey(), request);
        Instant now = clock.instant();
        if (time.minus(maxSkew).isAfter(now)) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Request is not valid yet");
        }
        if (now.isAfter(time.plusSeconds(expiresSeconds))) {
            throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired");
        }
        List<String> headerNames = signedHeaderNames(signedHeaders, AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR);

        // A presigned URL signs UNSIGNED-PAYLOAD unless the client pinned a digest.
        String contentSha256 = request.header("x-amz-content-sha256");
        if (contentSha256 == null) {
            contentSha256 = find(params, "X-Amz-Content-Sha256");
        }
        if (contentSha256 == null) {
            contentSha256 = SigV4.UNSIGNED_PAYLOAD;
        }
        PayloadMode mode = PayloadMode.fromContentSha256(contentSha256);
        return checkSignature(request, creds, scope, date, headerNames, contentSha256, mode, signature);
    }

    private static long parseExpires(String expires) {
        long seconds;
        try {
            seconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            throw new AuthException(AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR, "X-Amz-Expires should be a number");
        }
        if (seconds < 0) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR, "X-Amz-Expires must be non-negative");
        }
        if (seconds > MAX_EXPIRES_SECONDS) {
            throw new AuthException(
                    AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                    "X-Amz-Expires must be less than a week (in seconds) that is; 604800");
        }
        return seconds;
    }

    private static String find(List<SigV4.QueryParam> params, String name) {
        for (SigV4.QueryParam p : params) {
            if (p.name().equals(name)) {
                return p.value();
            }
        }
        return null;
    }

    // ---- shared checks --------------------------------------------------------------------------------------

    /** The parts of a Credential value: AKID/date/region/service/aws4_request. */
    private record Scope(String accessKey, String date, String region, String service) {
        String scope() {
            return SigV4.scope(date, region, service);
        }
    }

    private Scope parseScope(String credential, AuthError error, String prefix) {
        // The access key is everything before the last four components, in case a key contains '/'. Scanned by
        // hand from the end: split, join and a regular expression here cost a few percent of a small GET.
        int[] slash = new int[4];
        int from = credential.length();
        for (int i = 3; i >= 0; i--) {
            int at = from <= 0 ? -1 : credential.lastIndexOf('/', from - 1);
            if (at < 0) {
                throw new AuthException(error, prefix + CREDENTIAL_FORMAT);
            }
            slash[i] = at;
            from = at;
        }
        String accessKey = credential.substring(0, slash[0]);
        String terminator = credential.substring(slash[3] + 1);
        Scope scope = new Scope(
                accessKey,
                credential.substring(slash[0] + 1, slash[1]),
                credential.substring(slash[1] + 1, slash[2]),
                credential.substring(slash[2] + 1, slash[3]));
        if (accessKey.isEmpty() || !isEightDigits(scope.date())) {
            throw new AuthException(error, prefix + CREDENTIAL_FORMAT);
        }
        if (!scope.region().equals(region)) {
            throw new AuthException(
                    error, prefix + "the region '" + scope.region() + "' is wrong; expecting '" + region + "'");
        }
        if (!scope.service().equals(SigV4.SERVICE_S3)) {
            throw new AuthException(
                    error, prefix + "incorrect service \"" + scope.service() + "\". This endpoint belongs to \"s3\".");
        }
        if (!terminator.equals(SigV4.TERMINATOR)) {
            throw new AuthException(
                    error, prefix + "incorrect terminal \"" + terminator + "\". This endpoint uses \"aws4_request\".");
        }
        return scope;
    }

    private static boolean isEightDigits(String s) {
        if (s.length() != 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The key's credentials; session credentials only with their token, before they expire. */
    private Credentials lookup(String accessKey, SignableRequest request) {
        Credentials creds = credentials
                .lookup(accessKey)
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.INVALID_ACCESS_KEY_ID));
        creds.checkSessionToken(request.securityToken(), clock.instant());
        return creds;
    }

    private static List<String> signedHeaderNames(String signedHeaders, AuthError error) {
        List<String> names = new ArrayList<>();
        for (String name : signedHeaders.split(";", -1)) {
            String lower = name.strip().toLowerCase(Locale.ROOT);
            if (!lower.isEmpty()) {
                names.add(lower);
            }
        }
        if (!names.contains("host")) {
            // Without the host a signature could be replayed against another endpoint or bucket.
            throw new AuthException(error, "SignedHeaders must contain host");
        }
        return names;
    }

    private AuthResult checkSignature(
            SignableRequest request,
            Credentials creds,
            Scope scope,
            String amzDate,
            List<String> headerNames,
            String contentSha256,
            PayloadMode mode,
            String provided) {
        byte[] key = signingKey(creds.secretKey(), scope);
        String stringScope = scope.scope();
        String expected = expectedSignature(request, headerNames, contentSha256, key, amzDate, stringScope, true);
        if (!SigV4.signaturesMatch(expected, provided)) {
            // Some clients leave '+' in a query unencoded and sign it as a literal plus rather than a space.
            boolean retried = request.rawQuery().indexOf('+') >= 0;
            if (!retried
                    || !SigV4.signaturesMatch(
                            expectedSignature(request, headerNames, contentSha256, key, amzDate, stringScope, false),
                            provided)) {
                throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
            }
        }
        return new AuthResult(
                creds.principal(),
                mode,
                mode == PayloadMode.SIGNED_HEX ? contentSha256.toLowerCase(Locale.ROOT) : null,
                new SigningContext(key, amzDate, stringScope, provided.toLowerCase(Locale.ROOT)));
    }

    private static String expectedSignature(
            SignableRequest request,
            List<String> headerNames,
            String contentSha256,
            byte[] key,
            String amzDate,
            String scope,
            boolean plusAsSpace) {
        String canonical = SigV4.canonicalRequest(
                request, SigV4.parseQuery(request.rawQuery(), plusAsSpace), headerNames, contentSha256);
        return SigV4.signature(key, SigV4.stringToSign(amzDate, scope, canonical));
    }

    private byte[] signingKey(String secret, Scope scope) {
        KeyCacheEntry entry = new KeyCacheEntry(secret, scope.date(), scope.region());
        byte[] key = signingKeys.get(entry);
        if (key == null) {
            if (signingKeys.size() >= KEY_CACHE_LIMIT) {
                // Old dates accumulate slowly; dropping everything now and then is simpler than an LRU.
                signingKeys.clear();
            }
            key = SigV4.signingKey(secret, scope.date(), scope.region(), scope.service());
            signingKeys.put(entry, key);
        }
        return key;
    }

    /** A signing key cache key; keyed by the secret itself so that a rotated secret never reuses a stale key. */
    private record KeyCacheEntry(String secret, String date, String region) {
        @Override
        public String toString() {
            return "KeyCacheEntry[date=" + date + ", region=" + region + "]";
        }
    }
}
