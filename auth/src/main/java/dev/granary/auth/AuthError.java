package dev.granary.auth;

/**
 * The S3 errors authentication and payload verification can end in, each with AWS's wire code, HTTP status and
 * default message. The API server renders them as S3 error documents without translation.
 */
public enum AuthError {
    ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
    SIGNATURE_DOES_NOT_MATCH(
            "SignatureDoesNotMatch",
            403,
            "The request signature we calculated does not match the signature you provided."
                    + " Check your key and signing method."),
    INVALID_ACCESS_KEY_ID(
            "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
    /** A session token that does not go with the access key (or a token with a long-term key). */
    INVALID_TOKEN("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
    /** Session credentials past their expiration. */
    EXPIRED_TOKEN("ExpiredToken", 400, "The provided token has expired."),
    REQUEST_TIME_TOO_SKEWED(
            "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400, "The authorization header is malformed."),
    AUTHORIZATION_QUERY_PARAMETERS_ERROR(
            "AuthorizationQueryParametersError", 400, "Error parsing the query-string authentication parameters."),
    MISSING_SECURITY_HEADER("MissingSecurityHeader", 400, "Your request was missing a required header."),
    INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
    INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
    INVALID_POLICY_DOCUMENT(
            "InvalidPolicyDocument",
            400,
            "The content of the form does not meet the conditions specified in the policy document."),
    NOT_IMPLEMENTED("NotImplemented", 501, "A header you provided implies functionality that is not implemented."),
    X_AMZ_CONTENT_SHA256_MISMATCH(
            "XAmzContentSHA256Mismatch",
            400,
            "The provided 'x-amz-content-sha256' header does not match what was computed."),
    BAD_DIGEST("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
    INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 you specified is not valid."),
    INCOMPLETE_BODY(
            "IncompleteBody",
            400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header."),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
    MALFORMED_TRAILER_ERROR(
            "MalformedTrailerError",
            400,
            "The request contained trailing data that was not well-formed or did not conform to our published"
                    + " schema."),
    MALFORMED_POLICY("MalformedPolicy", 400, "Policies must be valid JSON and the first byte must be '{'"),
    MALFORMED_ACL_ERROR(
            "MalformedACLError",
            400,
            "The XML you provided was not well-formed or did not validate against our published schema."),
    UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS(
            "UnresolvableGrantByEmailAddress",
            400,
            "The email address you provided does not match any account on record."),
    INVALID_CHUNK_SIZE(
            "InvalidChunkSizeError", 400, "Only the last chunk is allowed to have a size less than 8192 bytes");

    private final String code;
    private final int httpStatus;
    private final String defaultMessage;

    AuthError(String code, int httpStatus, String defaultMessage) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.defaultMessage = defaultMessage;
    }

    /** The S3 error code, as in the {@code <Code>} element of the error document. */
    public String code() {
        return code;
    }

    /** The HTTP status S3 answers this error with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** AWS's message for the error when nothing more specific is known. */
    public String defaultMessage() {
        return defaultMessage;
    }
}
