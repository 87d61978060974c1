package dev.granary.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies the SigV4 signature of a POST form upload: {@code x-amz-signature} must be the hex HMAC of the
 * base64 {@code policy} field under the signing key that {@code x-amz-credential} and {@code x-amz-date} name.
 * Forms signed with Signature Version 2 ({@code AWSAccessKeyId}, {@code signature}) are verified too, and Alibaba
 * Cloud OSS's forms, V1 ({@code OSSAccessKeyId}, {@code Signature}) and V4 ({@code x-oss-signature-version},
 * {@code x-oss-credential}, {@code x-oss-date}, {@code x-oss-signature}). The policy's conditions are then checked
 * with {@link PostPolicy#check}. Thread-safe.
 */
public final class PostPolicyVerifier {
    private final CredentialStore credentials;
    private final String region;
    private final Clock clock;

    /**
     * @param credentials where access keys are looked up
     * @param region the region this endpoint serves; the credential scope must name it
     * @param clock the server's clock, for the policy's expiration
     */
    public PostPolicyVerifier(CredentialStore credentials, String region, Clock clock) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The server's time, for {@link PostPolicy#check}. */
    public Instant now() {
        return clock.instant();
    }

    /**
     * Verifies the form's signature and parses its policy.
     *
     * @param fields the form fields before the file, names lower-cased; must hold {@code policy}
     * @return the policy, with the principal that signed it
     * @throws AuthException {@code InvalidArgument} for a missing or malformed signing field,
     *     {@code InvalidAccessKeyId}, {@code SignatureDoesNotMatch}, {@code InvalidPolicyDocument}
     */
    public PostPolicy verify(Map<String, String> fields) {
        String policy = fields.get("policy");
        if (policy == null) {
            throw missing("policy");
        }
        if (fields.containsKey("awsaccesskeyid") && !fields.containsKey("x-amz-credential")) {
            return verifyV2(fields, policy, "awsaccesskeyid");
        }
        if (isOss(fields)) {
            return fields.containsKey("ossaccesskeyid")
                    ? verifyV2(fields, policy, "ossaccesskeyid")
                    : verifyOssV4(fields, policy);
        }
        String algorithm = required(fields, "x-amz-algorithm");
        String credential = required(fields, "x-amz-credential");
        String amzDate = required(fields, "x-amz-date");
        String signature = required(fields, "x-amz-signature");
        if (!algorithm.equals(SigV4.ALGORITHM)) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT, "X-Amz-Algorithm only supports \"" + SigV4.ALGORITHM + "\"");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5
                || scope[0].isEmpty()
                || !scope[2].equals(region)
                || !scope[3].equals(SigV4.SERVICE_S3)
                || !scope[4].equals(SigV4.TERMINATOR)) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "Invalid credential \"" + credential + "\": expecting \"<YOUR-AKID>/YYYYMMDD/" + region
                            + "/s3/aws4_request\".");
        }
        if (SigV4.parseBasicAmzDate(amzDate) == null) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (!amzDate.startsWith(scope[1])) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "Invalid credential date \"" + scope[1] + "\". This date is not the same as X-Amz-Date: \""
                            + amzDate + "\".");
        }
        Credentials key = credentials
                .lookup(scope[0])
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.INVALID_ACCESS_KEY_ID));
        key.checkSessionToken(sessionToken(fields), clock.instant());
        String expected = signature(key.secretKey(), scope[1], region, policy);
        if (!SigV4.signaturesMatch(expected, signature)) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
        }
        return PostPolicy.parse(key.principal(), policy);
    }

    /**
     * Whether a form is signed the Alibaba Cloud OSS way: {@code OSSAccessKeyId} and {@code Signature} (V1), or
     * {@code x-oss-signature-version}, {@code x-oss-credential}, {@code x-oss-date} and {@code x-oss-signature} (V4).
     *
     * @param fields the form fields, names lower-cased
     */
    public static boolean isOss(Map<String, String> fields) {
        return fields.containsKey("ossaccesskeyid")
                || fields.containsKey("x-oss-signature-version")
                || fields.containsKey("x-oss-signature");
    }

    /**
     * An OSS V4 form: {@code x-oss-signature} is the hex HMAC-SHA256 of the base64 policy under OSS's V4 signing key
     * of the credential's date and region (any region, as OSS V4 requests are taken).
     */
    private PostPolicy verifyOssV4(Map<String, String> fields, String policy) {
        String version = required(fields, "x-oss-signature-version");
        String credential = required(fields, "x-oss-credential");
        String date = required(fields, "x-oss-date");
        String signature = required(fields, "x-oss-signature");
        if (!version.equals("OSS4-HMAC-SHA256")) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT, "x-oss-signature-version only supports \"OSS4-HMAC-SHA256\"");
        }
        String[] scope = credential.split("/", -1);
        if (!OssV4Verifier.isOssScope(scope)) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "Invalid credential \"" + credential + "\": expecting \"<AccessKeyId>/YYYYMMDD/<region>/oss/"
                            + "aliyun_v4_request\".");
        }
        if (SigV4.parseBasicAmzDate(date) == null || !date.startsWith(scope[1])) {
            throw new AuthException(
                    AuthError.INVALID_ARGUMENT,
                    "x-oss-date must be \"yyyyMMdd'T'HHmmss'Z'\" of the credential's date, not \"" + date + "\".");
        }
        Credentials key = credentials
                .lookup(scope[0])
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.INVALID_ACCESS_KEY_ID));
        key.checkSessionToken(sessionToken(fields), clock.instant());
        String expected = SigV4.signature(OssV4Verifier.signingKey(key.secretKey(), scope[1], scope[2]), policy);
        if (!SigV4.signaturesMatch(expected, signature)) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
        }
        return PostPolicy.parse(key.principal(), policy);
    }

    /**
     * Signature Version 2, and OSS's V1 forms alike: {@code signature} is base64 HMAC-SHA1 of the base64 policy under
     * the secret key of the access key in {@code keyField} ({@code AWSAccessKeyId}, {@code OSSAccessKeyId}).
     */
    private PostPolicy verifyV2(Map<String, String> fields, String policy, String keyField) {
        String accessKey = required(fields, keyField);
        String signature = required(fields, "signature");
        Credentials key = credentials
                .lookup(accessKey)
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.INVALID_ACCESS_KEY_ID));
        key.checkSessionToken(sessionToken(fields), clock.instant());
        if (!SigV2.signaturesMatch(signatureV2(key.secretKey(), policy), signature.strip())) {
            throw new AuthException(AuthError.SIGNATURE_DOES_NOT_MATCH);
        }
        return PostPolicy.parse(key.principal(), policy);
    }

    /**
     * The {@code signature} field of a POST policy signed with Signature Version 2, as a client computes it:
     * base64 HMAC-SHA1 of the base64 policy under the secret key.
     *
     * @param secretKey the signer's secret key
     * @param policyBase64 the {@code policy} form field
     * @return the signature
     */
    public static String signatureV2(String secretKey, String policyBase64) {
        return SigV2.sign(secretKey, policyBase64);
    }

    /**
     * The {@code x-amz-signature} of a POST policy, as a client computes it: hex HMAC-SHA256 of the base64
     * policy under the SigV4 signing key of (secret, date, region, s3).
     *
     * @param date the credential scope's date, {@code yyyyMMdd}
     */
    public static String signature(String secretKey, String date, String region, String policyBase64) {
        return SigV4.signature(SigV4.signingKey(secretKey, date, region, SigV4.SERVICE_S3), policyBase64);
    }

    /** A form's session token: S3's {@code x-amz-security-token} field, or OSS's {@code x-oss-security-token}. */
    private static String sessionToken(Map<String, String> fields) {
        String token = fields.get("x-amz-security-token");
        return token != null ? token : fields.get("x-oss-security-token");
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw missing(name);
        }
        return value;
    }

    private static AuthException missing(String name) {
        return new AuthException(
                AuthError.INVALID_ARGUMENT,
                "Bucket POST must contain a field named '" + name + "'.  If it is specified, please check the order of"
                        + " the fields.");
    }
}
