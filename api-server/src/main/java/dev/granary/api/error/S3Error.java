package dev.granary.api.error;

/** S3 error codes as AWS sends them: the wire code, the HTTP status and AWS's default message. */
public enum S3Error {
    ACCESS_DENIED("AccessDenied", 403, "Access Denied"),
    /** A CORS preflight that no rule of the bucket allows (AWS's wording, typo included). */
    ACCESS_FORBIDDEN(
            "AccessForbidden",
            403,
            "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request"
                    + " method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted"
                    + " by the resource's CORS spec."),
    AUTHORIZATION_HEADER_MALFORMED("AuthorizationHeaderMalformed", 400, "The authorization header is malformed."),
    BAD_REQUEST("BadRequest", 400, "Bad Request"),
    BAD_DIGEST("BadDigest", 400, "The Content-MD5 you specified did not match what we received."),
    BUCKET_ALREADY_EXISTS(
            "BucketAlreadyExists",
            409,
            "The requested bucket name is not available. The bucket namespace is shared by all users of the system."
                    + " Please select a different name and try again."),
    BUCKET_ALREADY_OWNED_BY_YOU(
            "BucketAlreadyOwnedByYou",
            409,
            "Your previous request to create the named bucket succeeded and you already own it."),
    BUCKET_NOT_EMPTY("BucketNotEmpty", 409, "The bucket you tried to delete is not empty"),
    /** OSS's AppendObject at a position other than the object's length. */
    POSITION_NOT_EQUAL_TO_LENGTH("PositionNotEqualToLength", 409, "Position is not equal to file length"),
    /** OSS's AppendObject on an object not made by appends. */
    OBJECT_NOT_APPENDABLE("ObjectNotAppendable", 409, "The operation is not valid for the object's type"),
    ENTITY_TOO_LARGE("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"),
    ENTITY_TOO_SMALL("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size."),
    ILLEGAL_LOCATION_CONSTRAINT(
            "IllegalLocationConstraintException",
            400,
            "The unspecified location constraint is incompatible for the region specific endpoint this request was"
                    + " sent to."),
    /**
     * A write refused because the server's disk is full (free space below the reserve, or the write ran out of
     * space); the message says how full and what still works. AWS has no such error; 507 Insufficient Storage
     * (RFC 4918) says what happened, and MinIO answers a full disk with it too ({@code XMinioStorageFull}). Every S3
     * SDK shows the code and message of an XML error of any status, and none retries a 507 (they retry 500, 502,
     * 503, 504 and throttling codes): right for a disk that deletes must free, not seconds of waiting, and a retry
     * would send the body again. 503 {@code SlowDown} was the other candidate: SDKs would back off and resend the
     * body up to their attempt limit before reporting it, and its name points at the request rate, not the disk.
     */
    INSUFFICIENT_STORAGE(
            "InsufficientStorage",
            507,
            "The server's disk is full. Writes resume once space is freed; reads, listings and deletes still work."),
    INCOMPLETE_BODY(
            "IncompleteBody",
            400,
            "You did not provide the number of bytes specified by the Content-Length HTTP header."),
    INTERNAL_ERROR("InternalError", 500, "We encountered an internal error. Please try again."),
    INVALID_ACCESS_KEY_ID(
            "InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
    INVALID_ARGUMENT("InvalidArgument", 400, "Invalid Argument"),
    INVALID_BUCKET_NAME("InvalidBucketName", 400, "The specified bucket is not valid."),
    INVALID_DIGEST("InvalidDigest", 400, "The Content-MD5 you specified is not valid."),
    INVALID_PART(
            "InvalidPart",
            400,
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the"
                    + " specified entity tag may not match the part's entity tag."),
    INVALID_PART_NUMBER("InvalidPartNumber", 416, "The requested partnumber is not satisfiable"),
    INVALID_PART_ORDER(
            "InvalidPartOrder",
            400,
            "The list of parts was not in ascending order. The parts list must be specified in order by part number."),
    INVALID_RANGE("InvalidRange", 416, "The requested range is not satisfiable"),
    INVALID_URI("InvalidURI", 400, "Couldn't parse the specified URI."),
    INVALID_REQUEST("InvalidRequest", 400, "Invalid Request"),
    INVALID_TAG("InvalidTag", 400, "The tag provided was not a valid tag."),
    KEY_TOO_LONG("KeyTooLongError", 400, "Your key is too long"),
    MALFORMED_ACL_ERROR(
            "MalformedACLError",
            400,
            "The XML you provided was not well-formed or did not validate against our published schema"),
    MALFORMED_XML(
            "MalformedXML",
            400,
            "The XML you provided was not well-formed or did not validate against our published schema"),
    MALFORMED_POST_REQUEST(
            "MalformedPOSTRequest", 400, "The body of your POST request is not well-formed multipart/form-data."),
    MAX_POST_PRE_DATA_LENGTH_EXCEEDED(
            "MaxPostPreDataLengthExceededError",
            400,
            "Your POST request fields preceding the upload file were too large."),
    METADATA_TOO_LARGE("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size."),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The specified method is not allowed against this resource."),
    MISSING_SECURITY_HEADER("MissingSecurityHeader", 400, "Your request was missing a required header"),
    MISSING_CONTENT_LENGTH("MissingContentLength", 411, "You must provide the Content-Length HTTP header."),
    NO_SUCH_BUCKET("NoSuchBucket", 404, "The specified bucket does not exist"),
    NO_SUCH_BUCKET_POLICY("NoSuchBucketPolicy", 404, "The bucket policy does not exist"),
    NO_SUCH_PUBLIC_ACCESS_BLOCK_CONFIGURATION(
            "NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found"),
    NO_SUCH_CORS_CONFIGURATION("NoSuchCORSConfiguration", 404, "The CORS configuration does not exist"),
    NO_SUCH_KEY("NoSuchKey", 404, "The specified key does not exist."),
    NO_SUCH_TAG_SET("NoSuchTagSet", 404, "The TagSet does not exist"),
    NO_SUCH_LIFECYCLE_CONFIGURATION("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist"),
    SSE_CONFIGURATION_NOT_FOUND(
            "ServerSideEncryptionConfigurationNotFoundError",
            404,
            "The server side encryption configuration was not found"),
    NO_SUCH_VERSION("NoSuchVersion", 404, "The specified version does not exist."),
    NO_SUCH_UPLOAD(
            "NoSuchUpload",
            404,
            "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted"
                    + " or completed."),
    NOT_IMPLEMENTED("NotImplemented", 501, "A header you provided implies functionality that is not implemented"),
    PRECONDITION_FAILED("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"),
    REQUEST_HEADER_SECTION_TOO_LARGE(
            "RequestHeaderSectionTooLarge", 400, "Your request header section exceeds the maximum allowed size."),
    /** A client that sent nothing for the read timeout while the server waited for the rest of its request. */
    REQUEST_TIMEOUT(
            "RequestTimeout",
            400,
            "Your socket connection to the server was not read from or written to within the timeout period. Idle"
                    + " connections will be closed."),
    REQUEST_TIME_TOO_SKEWED(
            "RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large."),
    SIGNATURE_DOES_NOT_MATCH(
            "SignatureDoesNotMatch",
            403,
            "The request signature we calculated does not match the signature you provided. Check your key and"
                    + " signing method."),
    UNEXPECTED_CONTENT("UnexpectedContent", 400, "This request does not support content"),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "Please reduce your request rate."),
    /** Not an error: a 304 answer to a conditional GET or HEAD, sent without a body. */
    NOT_MODIFIED("NotModified", 304, "Not Modified");

    private final String code;
    private final int status;
    private final String message;

    S3Error(String code, int status, String message) {
        this.code = code;
        this.status = status;
        this.message = message;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }
}
