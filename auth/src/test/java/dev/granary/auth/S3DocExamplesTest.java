package dev.granary.auth;

import static dev.granary.auth.Requests.readAll;
import static dev.granary.auth.Requests.request;
import static dev.granary.auth.Requests.stream;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of the Amazon S3 API reference: "Signature Calculations for the Authorization Header:
 * Transferring Payload in a Single Chunk", "... in Multiple Chunks (Chunked Upload)" and "Query String Request
 * Authentication". Key AKIAIOSFODNN7EXAMPLE, 20130524T000000Z, bucket examplebucket, us-east-1.
 */
class S3DocExamplesTest {

    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant DATE = Instant.parse("2013-05-24T00:00:00Z");
    static final String EMPTY = SigV4.EMPTY_SHA256;

    static final SigV4Verifier VERIFIER = new SigV4Verifier(
            StaticCredentialStore.of(new Credentials(ACCESS_KEY, SECRET, "123456789012", "example", true)),
            "us-east-1",
            Clock.fixed(DATE, ZoneOffset.UTC));

    private static String authorization(String signedHeaders, String signature) {
        return "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders="
                + signedHeaders + ",Signature=" + signature;
    }

    @Test
    void getObjectWithRange() {
        SignableRequest request = request(
                "GET",
                "/test.txt",
                "",
                "host",
                "examplebucket.s3.amazonaws.com",
                "range",
                "bytes=0-9",
                "x-amz-content-sha256",
                EMPTY,
                "x-amz-date",
                "20130524T000000Z",
                "authorization",
                authorization(
                        "host;range;x-amz-content-sha256;x-amz-date",
                        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"));
        AuthResult result = VERIFIER.verify(request);
        assertThat(result.principal()).isEqualTo(new Principal("123456789012", "example", ACCESS_KEY));
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.SIGNED_HEX);
        assertThat(result.payloadSha256()).isEqualTo(EMPTY);
    }

    @Test
    void putObjectWithDollarInKeyAndSignedDateHeader() throws Exception {
        String payloadHash = "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072";
        SignableRequest request = request(
                "PUT",
                "/test$file.text",
                "",
                "host",
                "examplebucket.s3.amazonaws.com",
                "date",
                "Fri, 24 May 2013 00:00:00 GMT",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-storage-class",
                "REDUCED_REDUNDANCY",
                "x-amz-content-sha256",
                payloadHash,
                "content-length",
                "21",
                "authorization",
                authorization(
                        "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
                        "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"));
        AuthResult result = VERIFIER.verify(request);
        assertThat(result.payloadSha256()).isEqualTo(payloadHash);

        byte[] body = "Welcome to Amazon S3.".getBytes(StandardCharsets.US_ASCII);
        DecodedBody decoded = new PayloadDecoder().open(result, request, stream(body));
        assertThat(readAll(decoded.stream())).isEqualTo(body);
        assertThat(decoded.length()).isEqualTo(21);
    }

    @Test
    void getBucketLifecycleSubresource() {
        SignableRequest request = request(
                "GET",
                "/",
                "lifecycle",
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-content-sha256",
                EMPTY,
                "authorization",
                authorization(
                        "host;x-amz-content-sha256;x-amz-date",
                        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"));
        assertThat(VERIFIER.verify(request).isAnonymous()).isFalse();
    }

    @Test
    void listObjectsWithQueryParameters() {
        SignableRequest request = request(
                "GET",
                "/",
                "max-keys=2&prefix=J",
                "host",
                "examplebucket.s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-content-sha256",
                EMPTY,
                "authorization",
                authorization(
                        "host;x-amz-content-sha256;x-amz-date",
                        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
        assertThat(VERIFIER.verify(request).principal().accessKey()).isEqualTo(ACCESS_KEY);
    }

    @Test
    void presignedGetObject() {
        SignableRequest request = request(
                "GET",
                "/test.txt",
                "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                        + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                        + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                        + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
                "host",
                "examplebucket.s3.amazonaws.com");
        AuthResult result = VERIFIER.verify(request);
        assertThat(result.principal().accessKey()).isEqualTo(ACCESS_KEY);
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }

    @Test
    void presignerReproducesTheDocumentedUrl() {
        String query = new SigV4Signer(ACCESS_KEY, SECRET, "us-east-1")
                .presign(
                        "GET", "/test.txt", null, "examplebucket.s3.amazonaws.com", java.time.Duration.ofDays(1), DATE);
        assertThat(query).endsWith("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    }

    /**
     * The chunked upload example: 66560 bytes of 'a' in 64 KiB chunks, signed chunk by chunk. The seed signature
     * ends in "a0a9" (AWS SDK test suites agree).
     */
    static SignableRequest chunkedExampleRequest() {
        return request(
                "PUT",
                "/examplebucket/chunkObject.txt",
                "",
                "host",
                "s3.amazonaws.com",
                "x-amz-date",
                "20130524T000000Z",
                "x-amz-storage-class",
                "REDUCED_REDUNDANCY",
                "authorization",
                authorization(
                        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                                + "x-amz-decoded-content-length;x-amz-storage-class",
                        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
                "x-amz-content-sha256",
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
                "content-encoding",
                "aws-chunked",
                "x-amz-decoded-content-length",
                "66560",
                "content-length",
                "66824");
    }

    static byte[] chunkedExamplePayload() {
        byte[] payload = new byte[66560];
        Arrays.fill(payload, (byte) 'a');
        return payload;
    }

    @Test
    void chunkedUploadSeedAndChunkSignatures() throws Exception {
        SignableRequest request = chunkedExampleRequest();
        AuthResult result = VERIFIER.verify(request);
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.STREAMING_SIGNED);

        byte[] payload = chunkedExamplePayload();
        byte[] body = SigV4Signer.awsChunked(payload, 65536, result.signing(), Map.of());
        String framing = new String(body, StandardCharsets.ISO_8859_1);
        assertThat(body).hasSize(66824);
        assertThat(framing)
                .startsWith(
                        "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n")
                .contains(
                        "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n")
                .endsWith(
                        "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n");

        DecodedBody decoded = new PayloadDecoder().open(result, request, stream(body));
        assertThat(decoded.length()).isEqualTo(66560);
        assertThat(readAll(decoded.stream())).isEqualTo(payload);
        assertThat(PayloadDecoder.storedContentEncoding("aws-chunked")).isNull();
        assertThat(PayloadDecoder.storedContentEncoding("gzip, aws-chunked")).isEqualTo("gzip");
        assertThat(PayloadDecoder.storedContentEncoding("deflate, gzip")).isEqualTo("deflate, gzip");
        assertThat(PayloadDecoder.storedContentEncoding("deflate,gzip")).isEqualTo("deflate,gzip");
        assertThat(PayloadDecoder.storedContentEncoding("aws-chunked,deflate, gzip"))
                .isEqualTo("deflate, gzip");
    }
}
