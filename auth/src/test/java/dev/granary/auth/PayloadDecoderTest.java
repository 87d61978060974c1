package dev.granary.auth;

import static dev.granary.auth.Requests.readAll;
import static dev.granary.auth.Requests.request;
import static dev.granary.auth.Requests.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;

/** Body decoding and verification: aws-chunked framing, chunk and trailer signatures, digests, checksums. */
class PayloadDecoderTest {

    private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
    private static final String HOST = "localhost:9000";
    private static final SigV4Signer SIGNER = new SigV4Signer("AKROOT", "root-secret", "us-east-1");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(
            StaticCredentialStore.of(new Credentials("AKROOT", "root-secret", "acct-1", "root", true)),
            "us-east-1",
            Clock.fixed(NOW, ZoneOffset.UTC));
    private static final PayloadDecoder DECODER = new PayloadDecoder();
    private static final byte[] PAYLOAD = payload(200_000);

    private static byte[] payload(int size) {
        byte[] data = new byte[size];
        new Random(7).nextBytes(data);
        return data;
    }

    /** A signed PUT with the given extra headers (name, value pairs). */
    private static SignableRequest put(String contentSha256, String... headers) {
        String[] all = Arrays.copyOf(new String[] {"host", HOST}, 2 + headers.length);
        System.arraycopy(headers, 0, all, 2, headers.length);
        return SIGNER.sign(request("PUT", "/bucket/key", "", all), contentSha256, NOW);
    }

    private static DecodedBody open(SignableRequest request, byte[] body) {
        return DECODER.open(VERIFIER.verify(request), request, stream(body));
    }

    private static <T extends Throwable> ThrowingConsumer<T> payloadError(AuthError error) {
        return t -> {
            assertThat(t).isInstanceOf(PayloadException.class);
            assertThat(((PayloadException) t).error()).isEqualTo(error);
        };
    }

    private static SignableRequest chunkedPut(String mode, String... headers) {
        String[] all = Arrays.copyOf(
                new String[] {"content-encoding", "aws-chunked", "x-amz-decoded-content-length", "" + PAYLOAD.length},
                4 + headers.length);
        System.arraycopy(headers, 0, all, 4, headers.length);
        return put(mode, all);
    }

    private static String crc32(byte[] data) {
        return ChecksumAlgorithm.CRC32.base64Of(data);
    }

    // ---- single chunk ---------------------------------------------------------------------------------------

    @Test
    void signedPayloadPassesWhenTheHashMatches() throws IOException {
        SignableRequest request = put(SigV4.sha256Hex(PAYLOAD), "content-length", "" + PAYLOAD.length);
        DecodedBody body = open(request, PAYLOAD);
        assertThat(readAll(body.stream())).isEqualTo(PAYLOAD);
        assertThat(body.contentMd5()).isNull();
        assertThat(body.checksums()).isEmpty();
    }

    @Test
    void signedPayloadFailsAtTheEndWhenTheBodyDiffers() {
        SignableRequest request = put(SigV4.sha256Hex(PAYLOAD), "content-length", "" + PAYLOAD.length);
        byte[] tampered = PAYLOAD.clone();
        tampered[1000] ^= 1;
        DecodedBody body = open(request, tampered);
        assertThatThrownBy(() -> readAll(body.stream()))
                .satisfies(payloadError(AuthError.X_AMZ_CONTENT_SHA256_MISMATCH))
                .hasMessage("The provided 'x-amz-content-sha256' header does not match what was computed.");
        assertThatThrownBy(() -> body.stream().read()).isInstanceOf(PayloadException.class);
    }

    @Test
    void shortBodyFailsWithIncompleteBody() {
        SignableRequest request = put("UNSIGNED-PAYLOAD", "content-length", "" + (PAYLOAD.length + 1));
        assertThatThrownBy(() -> readAll(open(request, PAYLOAD).stream()))
                .satisfies(payloadError(AuthError.INCOMPLETE_BODY));
    }

    @Test
    void contentMd5IsParsedForTheStoreToCompare() throws IOException {
        // The store compares it with the MD5 it computes for the ETag; the decoder only checks its form.
        String good = Base64.getEncoder().encodeToString(md5(PAYLOAD));
        DecodedBody body = open(put("UNSIGNED-PAYLOAD", "content-md5", good), PAYLOAD);
        assertThat(readAll(body.stream())).isEqualTo(PAYLOAD);
        assertThat(body.contentMd5()).isEqualTo(md5(PAYLOAD));
        assertThatThrownBy(() -> open(put("UNSIGNED-PAYLOAD", "content-md5", "abc"), PAYLOAD))
                .isInstanceOf(AuthException.class)
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.INVALID_DIGEST));
    }

    @Test
    void checksumHeaderIsVerifiedAndRecorded() throws IOException {
        DecodedBody body = open(put("UNSIGNED-PAYLOAD", "x-amz-checksum-crc32", crc32(PAYLOAD)), PAYLOAD);
        readAll(body.stream());
        assertThat(body.checksums()).containsExactly(Map.entry("CRC32", crc32(PAYLOAD)));

        SignableRequest wrong =
                put("UNSIGNED-PAYLOAD", "x-amz-checksum-sha256", ChecksumAlgorithm.SHA256.base64Of(new byte[0]));
        assertThatThrownBy(() -> readAll(open(wrong, PAYLOAD).stream()))
                .satisfies(payloadError(AuthError.BAD_DIGEST))
                .hasMessage("The SHA256 you specified did not match the calculated checksum.");
    }

    @Test
    void sdkChecksumAlgorithmAloneIsComputed() throws IOException {
        DecodedBody body = open(put("UNSIGNED-PAYLOAD", "x-amz-sdk-checksum-algorithm", "crc64nvme"), PAYLOAD);
        readAll(body.stream());
        assertThat(body.checksums()).containsEntry("CRC64NVME", ChecksumAlgorithm.CRC64NVME.base64Of(PAYLOAD));
    }

    @Test
    void checksumHeadersAreValidatedUpFront() {
        assertThatThrownBy(() -> open(put("UNSIGNED-PAYLOAD", "x-amz-sdk-checksum-algorithm", "MD5"), PAYLOAD))
                .hasMessage("Value for x-amz-sdk-checksum-algorithm header is invalid.");
        assertThatThrownBy(() -> open(put("UNSIGNED-PAYLOAD", "x-amz-checksum-crc32c", "zz"), PAYLOAD))
                .hasMessage("Value for x-amz-checksum-crc32c header is invalid.");
        assertThatThrownBy(() -> open(
                        put(
                                "UNSIGNED-PAYLOAD",
                                "x-amz-checksum-crc32",
                                crc32(PAYLOAD),
                                "x-amz-checksum-sha1",
                                ChecksumAlgorithm.SHA1.base64Of(PAYLOAD)),
                        PAYLOAD))
                .hasMessage("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    }

    // ---- aws-chunked ----------------------------------------------------------------------------------------

    @Test
    void signedChunksDecode() throws IOException {
        SignableRequest request = chunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, SIGNER.signingContext(request), Map.of());
        DecodedBody decoded = open(request, body);
        assertThat(decoded.length()).isEqualTo(PAYLOAD.length);
        assertThat(readAll(decoded.stream())).isEqualTo(PAYLOAD);
        // Byte-at-a-time reads take the same path.
        DecodedBody again = open(request, body);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int b; (b = again.stream().read()) >= 0; ) {
            out.write(b);
        }
        assertThat(out.toByteArray()).isEqualTo(PAYLOAD);
    }

    @Test
    void tamperedChunkDataFailsWithSignatureDoesNotMatch() {
        SignableRequest request = chunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, SIGNER.signingContext(request), Map.of());
        body[body.length / 2] ^= 1;
        assertThatThrownBy(() -> readAll(open(request, body).stream()))
                .satisfies(payloadError(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void badChunkSignatureFailsWithSignatureDoesNotMatch() {
        SignableRequest request = chunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, SIGNER.signingContext(request), Map.of());
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("chunk-signature=", 100) + "chunk-signature=".length();
        body[at] = (byte) (body[at] == 'a' ? 'b' : 'a');
        assertThatThrownBy(() -> readAll(open(request, body).stream()))
                .satisfies(payloadError(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void chunksReorderedOrDroppedFail() {
        // Chunk signatures chain, so dropping the middle of the body is caught even with a matching length header.
        SignableRequest request = chunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, SIGNER.signingContext(request), Map.of());
        byte[] truncated = Arrays.copyOf(body, body.length - 200);
        assertThatThrownBy(() -> readAll(open(request, truncated).stream()))
                .satisfies(payloadError(AuthError.INCOMPLETE_BODY));
    }

    @Test
    void oversizedChunkIsRefused() {
        SignableRequest request = chunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER");
        byte[] body = "2000000\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(open(request, body).stream()))
                .satisfies(payloadError(AuthError.INVALID_CHUNK_SIZE));
        byte[] garbage = "zz;chunk-signature=1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> readAll(open(request, garbage).stream()))
                .satisfies(payloadError(AuthError.INVALID_CHUNK_SIZE));
    }

    @Test
    void unsignedTrailerChecksumIsVerified() throws IOException {
        SignableRequest request = chunkedPut(
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                "x-amz-trailer",
                "x-amz-checksum-crc32",
                "x-amz-sdk-checksum-algorithm",
                "CRC32");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 8192, null, Map.of("x-amz-checksum-crc32", crc32(PAYLOAD)));
        DecodedBody decoded = open(request, body);
        assertThat(readAll(decoded.stream())).isEqualTo(PAYLOAD);
        assertThat(decoded.checksums()).containsExactly(Map.entry("CRC32", crc32(PAYLOAD)));

        byte[] wrong = SigV4Signer.awsChunked(PAYLOAD, 8192, null, Map.of("x-amz-checksum-crc32", "AAAAAA=="));
        assertThatThrownBy(() -> readAll(open(request, wrong).stream()))
                .satisfies(payloadError(AuthError.BAD_DIGEST))
                .hasMessage("The CRC32 you specified did not match the calculated checksum.");

        byte[] missing = SigV4Signer.awsChunked(PAYLOAD, 8192, null, Map.of());
        assertThatThrownBy(() -> readAll(open(request, missing).stream()))
                .satisfies(payloadError(AuthError.MALFORMED_TRAILER_ERROR));
    }

    @Test
    void trailerFramingVariantsAreAccepted() throws IOException {
        SignableRequest request =
                chunkedPut("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-trailer", "x-amz-checksum-crc32c");
        String checksum = ChecksumAlgorithm.CRC32C.base64Of(PAYLOAD);
        String head = Integer.toHexString(PAYLOAD.length) + ";ignored-extension=1\r\n";
        for (String tail : List.of(
                "\r\n0\r\nx-amz-checksum-crc32c:" + checksum + "\r\n\r\n",
                "\r\n0\r\nx-amz-checksum-crc32c:" + checksum + "\r\n\r\n\r\n",
                "\r\n0\r\n\r\nx-amz-checksum-crc32c: " + checksum + "\r\n\r\n",
                "\n0\nx-amz-checksum-crc32c:" + checksum + "\n",
                "\r\n0\r\nx-amz-checksum-crc32c:" + checksum)) {
            byte[] body =
                    concat(head.getBytes(StandardCharsets.US_ASCII), PAYLOAD, tail.getBytes(StandardCharsets.US_ASCII));
            DecodedBody decoded = open(request, body);
            assertThat(readAll(decoded.stream())).as(tail).isEqualTo(PAYLOAD);
            assertThat(decoded.checksums()).containsEntry("CRC32C", checksum);
        }
    }

    @Test
    void signedTrailerIsVerified() throws IOException {
        SignableRequest request =
                chunkedPut("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "x-amz-trailer", "x-amz-checksum-sha256");
        SigningContext signing = SIGNER.signingContext(request);
        Map<String, String> trailers = new LinkedHashMap<>();
        trailers.put("x-amz-checksum-sha256", ChecksumAlgorithm.SHA256.base64Of(PAYLOAD));
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, signing, trailers);
        DecodedBody decoded = open(request, body);
        assertThat(readAll(decoded.stream())).isEqualTo(PAYLOAD);
        assertThat(decoded.checksums()).containsKey("SHA256");

        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("x-amz-trailer-signature:") + "x-amz-trailer-signature:".length();
        byte[] forged = body.clone();
        forged[at] = (byte) (forged[at] == 'a' ? 'b' : 'a');
        assertThatThrownBy(() -> readAll(open(request, forged).stream()))
                .satisfies(payloadError(AuthError.SIGNATURE_DOES_NOT_MATCH));

        byte[] unsignedTrailer = SigV4Signer.awsChunked(PAYLOAD, 65536, null, trailers);
        assertThatThrownBy(() -> readAll(open(request, unsignedTrailer).stream()))
                .satisfies(payloadError(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void decodedLengthIsRequiredAndEnforced() {
        SignableRequest noLength = put("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "content-encoding", "aws-chunked");
        assertThatThrownBy(() -> open(noLength, new byte[0]))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.MISSING_CONTENT_LENGTH));

        SignableRequest wrongLength =
                put("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "x-amz-decoded-content-length", "" + (PAYLOAD.length - 1));
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, null, Map.of());
        assertThatThrownBy(() -> readAll(open(wrongLength, body).stream()))
                .satisfies(payloadError(AuthError.INCOMPLETE_BODY));
    }

    @Test
    void anonymousUnsignedTrailerUploadIsDecoded() throws IOException {
        SignableRequest request = request(
                "PUT",
                "/bucket/key",
                "",
                "host",
                HOST,
                "x-amz-content-sha256",
                "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                "x-amz-decoded-content-length",
                "" + PAYLOAD.length,
                "x-amz-trailer",
                "x-amz-checksum-crc32");
        byte[] body = SigV4Signer.awsChunked(PAYLOAD, 65536, null, Map.of("x-amz-checksum-crc32", crc32(PAYLOAD)));
        AuthResult auth = VERIFIER.verify(request);
        assertThat(auth.isAnonymous()).isTrue();
        assertThat(readAll(DECODER.open(auth, request, stream(body)).stream())).isEqualTo(PAYLOAD);
    }

    @Test
    void payloadExceptionIsFoundThroughWrappers() {
        PayloadException cause = new PayloadException(AuthError.BAD_DIGEST, "x");
        assertThat(PayloadException.find(new RuntimeException(new IllegalStateException(cause))))
                .contains(cause);
        assertThat(PayloadException.find(new RuntimeException())).isEmpty();
    }

    private static byte[] md5(byte[] data) throws IOException {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
