package dev.granary.auth;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.codec.binary.Hex;

/**
 * Counts and hashes a (decoded) body as it is read, and at its end checks length, x-amz-content-sha256 and
 * the flexible checksum before returning -1. Content-MD5 is left to the store, which computes the MD5 for the
 * ETag anyway: hashing a body twice with MD5 would cost about 1.6 ms per MiB of one core. A failure is thrown from that last read, so a
 * consumer that commits only after end of stream never commits a body that fails a check.
 */
final class VerifyingInputStream extends InputStream {

    /** What to check at end of stream; null fields are not checked. */
    @SuppressWarnings("ArrayRecordComponent") // expected values to check, never compared or hashed
    record Checks(
            long expectedLength,
            String expectedSha256Hex,
            ChecksumAlgorithm checksum,
            byte[] expectedChecksum,
            boolean checksumInTrailer,
            boolean crc64Ecma,
            Long expectedCrc64Ecma) {}

    /** The key of OSS's CRC-64/XZ in {@link #checksums()}: its unsigned decimal value, as OSS sends it. */
    static final String CRC64ECMA = "CRC64ECMA";

    /** The SHA-256 of no bytes. */
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final InputStream in;
    private final AwsChunkedInputStream chunked;
    private final Checks checks;
    /** Made at the first byte: most requests (GET, HEAD, DELETE) have none, and a digest costs a provider lookup. */
    private MessageDigest sha256;

    private final ChecksumAlgorithm.Hasher checksum;
    private final Crc64 crc64Ecma;
    private final Map<String, String> checksums = new LinkedHashMap<>();
    private final byte[] one = new byte[1];
    private long count;
    private boolean finished;
    private PayloadException failure;

    /**
     * @param in the body, decoded already when chunked
     * @param chunked the chunk decoder {@code in} reads from, for its trailers; null for a plain body
     * @param checks what to verify at the end
     */
    VerifyingInputStream(InputStream in, AwsChunkedInputStream chunked, Checks checks) {
        this.in = in;
        this.chunked = chunked;
        this.checks = checks;
        this.checksum = checks.checksum() == null ? null : checks.checksum().newHasher();
        this.crc64Ecma = checks.crc64Ecma() ? new Crc64(Crc64.Polynomial.ECMA) : null;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failure != null) {
            throw failure;
        }
        if (finished) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            finish();
            return -1;
        }
        count += n;
        if (checks.expectedLength() >= 0 && count > checks.expectedLength()) {
            throw fail(AuthError.INCOMPLETE_BODY, "The body is longer than its declared length.");
        }
        if (checks.expectedSha256Hex() != null) {
            if (sha256 == null) {
                sha256 = SigV4.sha256();
            }
            sha256.update(b, off, n);
        }
        if (checksum != null) {
            checksum.update(b, off, n);
        }
        if (crc64Ecma != null) {
            crc64Ecma.update(b, off, n);
        }
        return n;
    }

    private void finish() throws PayloadException {
        if (checks.expectedLength() >= 0 && count != checks.expectedLength()) {
            throw fail(AuthError.INCOMPLETE_BODY, AuthError.INCOMPLETE_BODY.defaultMessage());
        }
        String bodySha256 = checks.expectedSha256Hex() == null
                ? null
                : sha256 == null ? EMPTY_SHA256 : Hex.encodeHexString(sha256.digest());
        if (bodySha256 != null && !bodySha256.equals(checks.expectedSha256Hex())) {
            throw fail(
                    AuthError.X_AMZ_CONTENT_SHA256_MISMATCH, AuthError.X_AMZ_CONTENT_SHA256_MISMATCH.defaultMessage());
        }
        if (checksum != null) {
            byte[] computed = checksum.digest();
            byte[] expected = checks.checksumInTrailer() ? trailerChecksum() : checks.expectedChecksum();
            if (expected != null && !MessageDigest.isEqual(computed, expected)) {
                throw fail(
                        AuthError.BAD_DIGEST,
                        "The " + checks.checksum().name() + " you specified did not match the calculated checksum.");
            }
            checksums.put(checks.checksum().name(), Base64.getEncoder().encodeToString(computed));
        }
        if (crc64Ecma != null) {
            long computed = crc64Ecma.value();
            if (checks.expectedCrc64Ecma() != null && computed != checks.expectedCrc64Ecma()) {
                throw fail(
                        AuthError.INVALID_DIGEST,
                        "The CRC64 you specified (" + Long.toUnsignedString(checks.expectedCrc64Ecma())
                                + ") did not match what we received (" + Long.toUnsignedString(computed) + ").");
            }
            checksums.put(CRC64ECMA, Long.toUnsignedString(computed));
        }
        finished = true;
    }

    /**
     * The verified or computed checksums, base64 by algorithm name (and OSS's CRC-64/XZ in decimal under
     * {@link #CRC64ECMA}); empty before the end.
     */
    Map<String, String> checksums() {
        return Collections.unmodifiableMap(checksums);
    }

    private byte[] trailerChecksum() throws PayloadException {
        ChecksumAlgorithm algorithm = checks.checksum();
        String value = chunked.trailers().get(algorithm.headerName());
        if (value == null) {
            throw fail(
                    AuthError.MALFORMED_TRAILER_ERROR,
                    "The trailing header " + algorithm.headerName() + " declared in x-amz-trailer is missing.");
        }
        return algorithm
                .decode(value)
                .orElseThrow(() -> fail(
                        AuthError.INVALID_REQUEST,
                        "Value for " + algorithm.headerName() + " trailing header is invalid."));
    }

    private PayloadException fail(AuthError error, String message) {
        failure = new PayloadException(error, message);
        return failure;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
