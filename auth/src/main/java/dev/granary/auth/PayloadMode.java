package dev.granary.auth;

/**
 * How a request body is sent and protected, as declared by the x-amz-content-sha256 header (or implied: an
 * unsigned or presigned request without it is {@link #UNSIGNED}).
 */
public enum PayloadMode {
    /** The body is sent as is and not covered by the signature ("UNSIGNED-PAYLOAD"). */
    UNSIGNED(null),
    /** The body is sent as is and its SHA-256 hex is signed; it must hash to {@link AuthResult#payloadSha256()}. */
    SIGNED_HEX(null),
    /** aws-chunked with a signature per chunk chained from the seed signature. */
    STREAMING_SIGNED("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    /** aws-chunked without chunk signatures, ending with trailing headers (usually a checksum). */
    STREAMING_UNSIGNED_TRAILER("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
    /** aws-chunked with chunk signatures and signed trailing headers. */
    STREAMING_SIGNED_TRAILER("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");

    private static final String ECDSA_PREFIX = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";

    private final String headerValue;

    PayloadMode(String headerValue) {
        this.headerValue = headerValue;
    }

    /** Whether the body is aws-chunked encoded. */
    public boolean isChunked() {
        return headerValue != null;
    }

    /** Whether each chunk carries a chunk-signature to verify. */
    public boolean hasChunkSignatures() {
        return this == STREAMING_SIGNED || this == STREAMING_SIGNED_TRAILER;
    }

    /** Whether trailing headers follow the last chunk. */
    public boolean hasTrailer() {
        return this == STREAMING_UNSIGNED_TRAILER || this == STREAMING_SIGNED_TRAILER;
    }

    /**
     * Reads an x-amz-content-sha256 value.
     *
     * @param value the header value; must not be null
     * @return the mode; {@link #SIGNED_HEX} for a 64-digit hex digest
     * @throws AuthException InvalidArgument for a value S3 does not know, NotImplemented for SigV4a streaming
     */
    static PayloadMode fromContentSha256(String value) {
        if (value.equals(SigV4.UNSIGNED_PAYLOAD)) {
            return UNSIGNED;
        }
        for (PayloadMode mode : values()) {
            if (value.equals(mode.headerValue)) {
                return mode;
            }
        }
        if (isSha256Hex(value)) {
            return SIGNED_HEX;
        }
        if (value.startsWith(ECDSA_PREFIX)) {
            throw new AuthException(
                    AuthError.NOT_IMPLEMENTED,
                    "Signature Version 4A (" + value + ") is not supported; sign with AWS4-HMAC-SHA256.");
        }
        throw new AuthException(
                AuthError.INVALID_ARGUMENT,
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER,"
                        + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER,"
                        + " STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
                        + " or a valid sha256 value.");
    }

    private static boolean isSha256Hex(String value) {
        if (value.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }
}
