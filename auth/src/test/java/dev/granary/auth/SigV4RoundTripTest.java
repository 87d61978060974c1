package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link SigV4Signer} signs, {@link SigV4Verifier} accepts: awkward keys, queries and secrets included. */
class SigV4RoundTripTest {

    private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
    private static final String HOST = "s3.local:9000";
    private static final String SECRET = "sécret with spaces/+=&?%";
    private static final SigV4Signer SIGNER = new SigV4Signer("AK/ROUND TRIP", SECRET, "eu-central-1");
    private static final SigV4Verifier VERIFIER = new SigV4Verifier(
            StaticCredentialStore.of(new Credentials("AK/ROUND TRIP", SECRET, "acct", "rt", true)),
            "eu-central-1",
            Clock.fixed(NOW, ZoneOffset.UTC));

    @ParameterizedTest
    @ValueSource(
            strings = {
                "plain.txt",
                "dir/sub dir/file with spaces.txt",
                "ünïcödé/日本語/😀.bin",
                "reserved !#$&'()*+,;=:@[]?%",
                "a//double/./dot/../key",
                "trailing/",
                "tilde~-_.",
            })
    void headerSignedRequestsVerify(String key) {
        String rawPath = SigV4Signer.encodePath("/bucket/" + key);
        String rawQuery = "prefix=" + SigV4Signer.encodeQueryComponent(key) + "&list-type=2&delimiter=%2F";
        SignableRequest signed = SIGNER.sign(
                request("GET", rawPath, rawQuery, "host", HOST, "x-amz-meta-note", "  two   spaces "),
                SigV4.UNSIGNED_PAYLOAD,
                NOW);
        AuthResult result = VERIFIER.verify(signed);
        assertThat(result.principal().accessKey()).isEqualTo("AK/ROUND TRIP");
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain.txt", "dir/file with spaces.txt", "ünïcödé/😀", "reserved !#$&'()*+,;=:@[]?%"})
    void presignedRequestsVerify(String key) {
        String rawPath = SigV4Signer.encodePath("/bucket/" + key);
        String query = SIGNER.presign(
                "PUT", rawPath, "x-id=" + SigV4Signer.encodeQueryComponent(key), HOST, Duration.ofMinutes(10), NOW);
        assertThat(VERIFIER.verify(request("PUT", rawPath, query, "host", HOST)).isAnonymous())
                .isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"!", "(", ")", "*", "'", "@", ":", ",", ";", "$"})
    void clientsLeavingSubDelimsUnencodedStillVerify(String c) {
        // The signer percent-encodes these; some clients send them raw. Both must canonicalize alike.
        String encoded = SigV4Signer.encodePath("/bucket/a" + c + "b");
        SignableRequest signed = SIGNER.sign(request("GET", encoded, "", "host", HOST), SigV4.EMPTY_SHA256, NOW);
        SignableRequest raw = new SignableRequest("GET", "/bucket/a" + c + "b", "", signed.headers());
        assertThat(VERIFIER.verify(raw).isAnonymous()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a+b"})
    void plusInTheQueryIsASpaceOrALiteralPlus(String value) {
        // Signed as "%20" (MinIO's reading of '+') or "%2B" (a client that meant a plus): both verify.
        SignableRequest signed = SIGNER.sign(
                request("GET", "/bucket", "prefix=" + SigV4Signer.encodeQueryComponent(value), "host", HOST),
                SigV4.EMPTY_SHA256,
                NOW);
        SignableRequest sentWithPlus = new SignableRequest("GET", "/bucket", "prefix=a+b", signed.headers());
        assertThat(VERIFIER.verify(sentWithPlus).isAnonymous()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8191, 65536, 200_001})
    void signedChunkedBodiesRoundTrip(int size) throws Exception {
        byte[] payload = new byte[size];
        new java.util.Random(size).nextBytes(payload);
        SignableRequest signed = SIGNER.sign(
                request(
                        "PUT",
                        "/bucket/k",
                        "",
                        "host",
                        HOST,
                        "content-encoding",
                        "aws-chunked",
                        "x-amz-decoded-content-length",
                        "" + size,
                        "x-amz-trailer",
                        "x-amz-checksum-crc64nvme"),
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
                NOW);
        AuthResult auth = VERIFIER.verify(signed);
        byte[] body = SigV4Signer.awsChunked(
                payload,
                65536,
                SIGNER.signingContext(signed),
                Map.of("x-amz-checksum-crc64nvme", ChecksumAlgorithm.CRC64NVME.base64Of(payload)));
        DecodedBody decoded = new PayloadDecoder().open(auth, signed, Requests.stream(body));
        assertThat(Requests.readAll(decoded.stream())).isEqualTo(payload);
        assertThat(decoded.checksums().keySet()).isEqualTo(java.util.Set.of("CRC64NVME"));
        assertThat(List.copyOf(decoded.checksums().values()))
                .containsExactly(ChecksumAlgorithm.CRC64NVME.base64Of(payload));
    }
}
