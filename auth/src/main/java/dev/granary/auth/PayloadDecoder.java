package dev.granary.auth;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Opens request bodies for reading according to how they were authenticated: decodes aws-chunked bodies and
 * verifies chunk and trailer signatures, x-amz-content-sha256, Content-MD5 and flexible checksums. Header errors
 * are thrown up front as {@link AuthException}; body errors surface from the stream as {@link PayloadException}.
 * Stateless and thread-safe.
 */
public final class PayloadDecoder {

    private static final String AWS_CHUNKED = "aws-chunked";

    private static final String OSS_CRC64 = "x-oss-hash-crc64ecma";

    /** The key of OSS's CRC-64/XZ in {@link DecodedBody#checksums()}: its unsigned decimal value. */
    public static final String CRC64ECMA = VerifyingInputStream.CRC64ECMA;

    /** Creates a decoder. */
    public PayloadDecoder() {}

    /**
     * Opens a request body.
     *
     * @param auth the result of verifying the request
     * @param request the request
     * @param raw the body exactly as received (after HTTP transfer decoding)
     * @return the decoded, verifying body
     * @throws AuthException when the request's length, digest or checksum headers are missing or malformed
     */
    public DecodedBody open(AuthResult auth, SignableRequest request, InputStream raw) {
        return open(auth, request, raw, false);
    }

    /**
     * Opens a request body, and for a request in Alibaba Cloud OSS's dialect also computes its CRC-64/XZ (OSS
     * stores one with every object) and checks it against {@code x-oss-hash-crc64ecma} when the client sent one.
     *
     * @param auth the result of verifying the request
     * @param request the request
     * @param raw the body exactly as received (after HTTP transfer decoding)
     * @param oss whether the request speaks OSS's dialect
     * @return the decoded, verifying body
     * @throws AuthException when the request's length, digest or checksum headers are missing or malformed
     */
    public DecodedBody open(AuthResult auth, SignableRequest request, InputStream raw, boolean oss) {
        PayloadMode mode = auth.payloadMode();
        DeclaredChecksum declared = declaredChecksum(request, mode);
        byte[] contentMd5 = contentMd5(request);
        long length;
        InputStream decoded = raw;
        AwsChunkedInputStream chunked = null;
        if (mode.isChunked()) {
            String decodedLength = request.header("x-amz-decoded-content-length");
            if (decodedLength == null) {
                throw new AuthException(
                        AuthError.MISSING_CONTENT_LENGTH,
                        "You must provide the x-amz-decoded-content-length header with an aws-chunked body.");
            }
            length = parseLength(decodedLength, "x-amz-decoded-content-length");
            chunked = new AwsChunkedInputStream(raw, mode, auth.signing());
            decoded = chunked;
        } else {
            String contentLength = request.header("content-length");
            length = contentLength == null ? -1 : parseLength(contentLength, "Content-Length");
        }
        VerifyingInputStream.Checks checks = new VerifyingInputStream.Checks(
                length,
                auth.payloadSha256(),
                declared.algorithm(),
                declared.value(),
                declared.inTrailer(),
                oss,
                oss ? declaredCrc64Ecma(request) : null);
        return new DecodedBody(new VerifyingInputStream(decoded, chunked, checks), length, contentMd5);
    }

    /**
     * The Content-Encoding to store with an object: the request's without the aws-chunked transport coding,
     * which S3 does not keep.
     *
     * @param contentEncoding the request's Content-Encoding, possibly null
     * @return the remaining codings, or null when none remain
     */
    public static String storedContentEncoding(String contentEncoding) {
        if (contentEncoding == null) {
            return null;
        }
        boolean chunked = Arrays.stream(contentEncoding.split(","))
                .anyMatch(coding -> coding.strip().equalsIgnoreCase(AWS_CHUNKED));
        if (!chunked) {
            return contentEncoding; // stored as sent
        }
        String kept = Arrays.stream(contentEncoding.split(","))
                .map(String::strip)
                .filter(coding -> !coding.isEmpty() && !coding.equalsIgnoreCase(AWS_CHUNKED))
                .collect(Collectors.joining(", "));
        return kept.isEmpty() ? null : kept;
    }

    /** The flexible checksum a request asks for; algorithm null when none. */
    @SuppressWarnings("ArrayRecordComponent") // a parsed header value, never compared or hashed
    private record DeclaredChecksum(ChecksumAlgorithm algorithm, byte[] value, boolean inTrailer) {}

    private static DeclaredChecksum declaredChecksum(SignableRequest request, PayloadMode mode) {
        List<ChecksumAlgorithm> inHeaders = new ArrayList<>();
        for (ChecksumAlgorithm algorithm : ChecksumAlgorithm.values()) {
            if (request.header(algorithm.headerName()) != null) {
                inHeaders.add(algorithm);
            }
        }
        List<ChecksumAlgorithm> inTrailer = trailerChecksums(request, mode);
        if (inHeaders.size() + inTrailer.size() > 1) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST,
                    "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
        }
        ChecksumAlgorithm sdkAlgorithm = null;
        String sdkHeader = request.header("x-amz-sdk-checksum-algorithm");
        if (sdkHeader != null) {
            sdkAlgorithm = ChecksumAlgorithm.fromName(sdkHeader).orElseThrow(PayloadDecoder::invalidSdkAlgorithm);
        }
        if (!inHeaders.isEmpty()) {
            ChecksumAlgorithm algorithm = inHeaders.get(0);
            requireSameAlgorithm(sdkAlgorithm, algorithm);
            byte[] value = algorithm
                    .decode(request.header(algorithm.headerName()))
                    .orElseThrow(() -> new AuthException(
                            AuthError.INVALID_REQUEST, "Value for " + algorithm.headerName() + " header is invalid."));
            return new DeclaredChecksum(algorithm, value, false);
        }
        if (!inTrailer.isEmpty()) {
            requireSameAlgorithm(sdkAlgorithm, inTrailer.get(0));
            return new DeclaredChecksum(inTrailer.get(0), null, true);
        }
        // Only the algorithm: S3 computes the checksum and stores it with the object.
        return new DeclaredChecksum(sdkAlgorithm, null, false);
    }

    /** The CRC-64/XZ an OSS client declared in {@code x-oss-hash-crc64ecma} (unsigned decimal), or null. */
    private static Long declaredCrc64Ecma(SignableRequest request) {
        String value = request.header(OSS_CRC64);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(value.strip());
        } catch (NumberFormatException e) {
            throw new AuthException(AuthError.INVALID_DIGEST, "The " + OSS_CRC64 + " you specified is not valid.");
        }
    }

    private static List<ChecksumAlgorithm> trailerChecksums(SignableRequest request, PayloadMode mode) {
        String trailer = request.header("x-amz-trailer");
        List<ChecksumAlgorithm> algorithms = new ArrayList<>();
        if (trailer == null || trailer.isBlank()) {
            return algorithms;
        }
        if (!mode.hasTrailer()) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST,
                    "x-amz-trailer requires x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER or"
                            + " STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.");
        }
        for (String name : trailer.split(",", -1)) {
            if (!name.isBlank()) {
                algorithms.add(ChecksumAlgorithm.fromHeaderName(name)
                        .orElseThrow(() -> new AuthException(
                                AuthError.INVALID_REQUEST,
                                "The value specified in the x-amz-trailer header is not supported")));
            }
        }
        return algorithms;
    }

    private static void requireSameAlgorithm(ChecksumAlgorithm sdkAlgorithm, ChecksumAlgorithm declared) {
        if (sdkAlgorithm != null && sdkAlgorithm != declared) {
            throw invalidSdkAlgorithm();
        }
    }

    private static AuthException invalidSdkAlgorithm() {
        return new AuthException(
                AuthError.INVALID_REQUEST, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
    }

    private static byte[] contentMd5(SignableRequest request) {
        String value = request.header("content-md5");
        if (value == null) {
            return null;
        }
        try {
            byte[] md5 = Base64.getDecoder().decode(value.strip());
            if (md5.length == 16) {
                return md5;
            }
        } catch (IllegalArgumentException e) {
            // Reported below like a digest of the wrong length.
        }
        throw new AuthException(AuthError.INVALID_DIGEST);
    }

    private static long parseLength(String value, String header) {
        try {
            long length = Long.parseLong(value.strip());
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // Reported below like a negative length.
        }
        throw new AuthException(
                AuthError.INVALID_ARGUMENT,
                header + " must be a non-negative integer, not \"" + shorten(value) + "\".");
    }

    private static String shorten(String value) {
        return value.length() > 32 ? value.substring(0, 32) + "..." : value;
    }
}
