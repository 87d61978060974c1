package dev.granary.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies Alibaba Cloud OSS signature version 4 ({@code OSS4-HMAC-SHA256}, the default of OSS's newer SDKs and an
 * option of the Java SDK 3.15+): {@code Authorization: OSS4-HMAC-SHA256 Credential=AK/date/region/oss/aliyun_v4_request,
 * AdditionalHeaders=a;b, Signature=hex}, or the same in a presigned URL's {@code x-oss-*} parameters. The canonical
 * request is the verb, the decoded {@code /bucket/key} encoded again ('/' kept), every query parameter sorted and
 * encoded ({@code name} alone when it has no value), the sorted {@code content-type}, {@code content-md5},
 * {@code x-oss-*} and additional headers, the additional header names, and the payload hash (always
 * {@code UNSIGNED-PAYLOAD} from OSS's clients); the signing key is an HMAC-SHA256 chain from
 * {@code "aliyun_v4" + secret} over the date, the region, {@code oss} and {@code aliyun_v4_request}. Any region the
 * client names is accepted (the signature proves the secret all the same). Thread-safe.
 */
public final class OssV4Verifier {
    static final String ALGORITHM = "OSS4-HMAC-SHA256";
    private static final String TERMINATOR = "aliyun_v4_request";
    /** The longest a presigned URL may live: 7 days, as OSS allows. */
    private static final long MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

    private final CredentialStore credentials;
    private final Clock clock;
    private final Duration maxSkew;

    /**
     * Creates a verifier.
     *
     * @param credentials where access keys are looked up
     * @param clock the server's clock
     * @param maxSkew how far a header-signed request's x-oss-date may be from the clock
     */
    public OssV4Verifier(CredentialStore credentials, Clock clock, Duration maxSkew) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
    }

    /** Whether a request is signed with OSS version 4, in the header or in the query. */
    public static boolean isOssV4(SignableRequest request) {
        String authorization = request.header("authorization");
        if (authorization != null) {
            return authorization.strip().startsWith(ALGORITHM);
        }
        return SigV2Verifier.find(SigV4.parseQuery(request.rawQuery(), false), "x-oss-signature-version") != null;
    }

    /**
     * Authenticates an OSS version 4 request.
     *
     * @param request the request as received
     * @param virtualHostBucket the bucket the Host header names (virtual-hosted style), or null for path style
     * @return the principal, with an unsigned payload
     * @throws AuthException with OSS's (S3's) error when authentication fails
     */
    public AuthResult verify(SignableRequest request, String virtualHostBucket) {
        String authorization = request.header("authorization");
        List<SigV4.QueryParam> query = SigV4.parseQuery(request.rawQuery(), false);
        String credential;
        String additional;
        String provided;
        String dateTime;
        boolean presigned = authorization == null;
        if (!presigned) {
            Map<String, String> fields = fields(authorization.strip().substring(ALGORITHM.length()));
            credential = fields.get("Credential");
            additional = fields.getOrDefault("AdditionalHeaders", "");
            provided = fields.get("Signature");
            dateTime = request.header("x-oss-date");
            if (credential == null || provided == null) {
                throw new AuthException(
                        AuthError.AUTHORIZATION_HEADER_MALFORMED,
                        "the Authorization header lacks Credential or Signature");
            }
        } else {
            if (!ALGORITHM.equals(SigV2Verifier.find(query, "x-oss-signature-version"))) {
                throw new AuthException(
                        AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR, "x-oss-signature-version must be " + ALGORITHM);
            }
            credential = SigV2Verifier.find(query, "x-oss-credential");
            additional = Objects.requireNonNullElse(SigV2Verifier.find(query, "x-oss-additional-headers"), "");
            provided = SigV2Verifier.find(query, "x-oss-signature");
            dateTime = SigV2Verifier.find(query, "x-oss-date");
            if (credential == null || provided == null || dateTime == null) {
                throw new AuthException(
                        AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                        "a presigned URL needs x-oss-credential, x-oss-date and x-oss-signature");
            }
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !scope[3].equals("oss") || !scope[4].equals(TERMINATOR)) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT, "Credential must be AccessKeyId/date/region/oss/" + TERMINATOR);
        }
        Instant time = dateTime == null ? null : SigV4.parseBasicAmzDate(dateTime.strip());
        if (time == null) {
            throw new AuthException(AuthError.ACCESS_DENIED, "OSS V4 authentication requires a valid x-oss-date");
        }
        if (!dateTime.strip().startsWith(scope[1])) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH, "the credential's date is not x-oss-date's");
        }
        Credentials creds = SigV2Verifier.lookup(credentials, scope[0], request, clock);
        Instant now = clock.instant();
        if (presigned) {
            long expires = expiresSeconds(SigV2Verifier.find(query, "x-oss-expires"));
            if (expires == 0 || now.isAfter(time.plusSeconds(expires))) {
                throw new AuthException(AuthError.ACCESS_DENIED, "Request has expired.");
            }
        } else if (Duration.between(time, now).abs().compareTo(maxSkew) > 0) {
            throw new AuthException(AuthError.REQUEST_TIME_TOO_SKEWED);
        }
        String canonical = canonicalRequest(request, query, virtualHostBucket, additional, presigned);
        String stringToSign = ALGORITHM
                + '\n'
                + dateTime.strip()
                + '\n'
                + String.join("/", scope[1], scope[2], "oss", TERMINATOR)
                + '\n'
                + SigV4.sha256Hex(canonical);
        byte[] key = signingKey(creds.secretKey(), scope[1], scope[2]);
        if (!SigV4.signaturesMatch(SigV4.signature(key, stringToSign), provided.strip())) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
        }
        return new AuthResult(creds.principal(), PayloadMode.UNSIGNED, null, null);
    }

    /** A presigned URL's x-oss-expires: up to 7 days; 0 or less is a URL that expired as it was made. */
    /**
     * OSS's V4 signing key: HMAC-SHA256 chained from {@code "aliyun_v4" + secret} over the date, the region,
     * {@code oss} and {@code aliyun_v4_request}.
     *
     * @param date the credential scope's date, {@code yyyyMMdd}
     */
    static byte[] signingKey(String secretKey, String date, String region) {
        byte[] key = SigV4.hmac(("aliyun_v4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = SigV4.hmac(key, region);
        key = SigV4.hmac(key, "oss");
        return SigV4.hmac(key, TERMINATOR);
    }

    /** Whether a credential scope's fields are OSS V4's: access key, date, region, {@code oss}, the terminator. */
    static boolean isOssScope(String[] scope) {
        return scope.length == 5
                && !scope[0].isEmpty()
                && !scope[2].isEmpty()
                && scope[3].equals("oss")
                && scope[4].equals(TERMINATOR);
    }

    private static long expiresSeconds(String value) {
        try {
            long seconds = Long.parseLong(
                    Objects.requireNonNull(value, "x-oss-expires").strip());
            if (seconds <= MAX_EXPIRES_SECONDS) {
                return Math.max(0, seconds);
            }
        } catch (NumberFormatException | NullPointerException e) {
            // answered below
        }
        throw new AuthException(
                AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                "x-oss-expires must be a number of seconds up to 604800");
    }

    /** The fields of {@code Credential=..., AdditionalHeaders=..., Signature=...} (spaces after commas or not). */
    private static Map<String, String> fields(String rest) {
        Map<String, String> fields = new TreeMap<>();
        for (String part : rest.split(",", -1)) {
            String field = part.strip();
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.put(
                        field.substring(0, eq).strip(), field.substring(eq + 1).strip());
            }
        }
        return fields;
    }

    /** The canonical request OSS's V4 signers build. */
    static String canonicalRequest(
            SignableRequest request,
            List<SigV4.QueryParam> query,
            String virtualHostBucket,
            String additionalHeaders,
            boolean presigned) {
        StringBuilder out = new StringBuilder(512);
        out.append(request.method()).append('\n');
        out.append(SigV4.encode(OssV1.resource(request.rawPath(), virtualHostBucket), true))
                .append('\n');
        TreeMap<String, String> params = new TreeMap<>();
        for (SigV4.QueryParam p : query) {
            if (presigned && p.name().equals("x-oss-signature")) {
                continue;
            }
            params.putIfAbsent(
                    SigV4.encode(p.name().strip(), false),
                    SigV4.encode(p.value().strip(), false));
        }
        String sep = "";
        for (Map.Entry<String, String> p : params.entrySet()) {
            out.append(sep).append(p.getKey());
            if (!p.getValue().isEmpty()) {
                out.append('=').append(p.getValue());
            }
            sep = "&";
        }
        out.append('\n');
        Set<String> additional = new TreeSet<>();
        for (String name : additionalHeaders.split(";", -1)) {
            if (!name.isBlank()) {
                additional.add(name.strip().toLowerCase(Locale.ROOT));
            }
        }
        TreeMap<String, String> headers = new TreeMap<>();
        request.headers().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if ((lower.equals("content-type")
                            || lower.equals("content-md5")
                            || lower.startsWith("x-oss-")
                            || additional.contains(lower))
                    && !values.isEmpty()) {
                headers.putIfAbsent(lower, values.get(0).strip());
            }
        });
        headers.forEach(
                (name, value) -> out.append(name).append(':').append(value).append('\n'));
        out.append('\n');
        out.append(String.join(";", additional)).append('\n');
        String payload = presigned ? null : request.header("x-oss-content-sha256");
        out.append(payload == null || payload.isBlank() ? "UNSIGNED-PAYLOAD" : payload.strip());
        return out.toString();
    }
}
