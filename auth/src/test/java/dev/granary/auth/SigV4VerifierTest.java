package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static dev.granary.auth.Requests.withHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Test;

/** Requests the verifier must refuse, each with the code and message S3 answers. */
class SigV4VerifierTest {

    private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");
    private static final String HOST = "localhost:9000";
    private static final StaticCredentialStore STORE = StaticCredentialStore.of(
            new Credentials("AKROOT", "root-secret", "acct-1", "root", true),
            new Credentials("AKOFF", "off-secret", "acct-2", "off", false));
    private static final SigV4Signer ROOT = new SigV4Signer("AKROOT", "root-secret", "us-east-1");

    private static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(STORE, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static final SigV4Verifier VERIFIER = verifierAt(NOW);

    private static SignableRequest signedGet(SigV4Signer signer, Instant time) {
        return signer.sign(request("GET", "/bucket/key", "", "host", HOST), SigV4.EMPTY_SHA256, time);
    }

    private static <T extends Throwable> ThrowingConsumer<T> authError(AuthError error, String message) {
        return t -> {
            assertThat(t).isInstanceOf(AuthException.class).hasMessage(message);
            assertThat(((AuthException) t).error()).isEqualTo(error);
        };
    }

    @Test
    void unsignedRequestIsAnonymous() {
        AuthResult result = VERIFIER.verify(request("GET", "/bucket/key", "a=b", "host", HOST));
        assertThat(result.isAnonymous()).isTrue();
        assertThat(result.principal()).isEqualTo(Principal.anonymous());
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }

    @Test
    void signedRequestIsTheKeysPrincipal() {
        AuthResult result = VERIFIER.verify(signedGet(ROOT, NOW));
        assertThat(result.principal()).isEqualTo(new Principal("acct-1", "root", "AKROOT"));
        assertThat(result.signing().toString()).doesNotContain("signingKey=[");
    }

    @Test
    void wrongSecretFailsWithSignatureDoesNotMatch() {
        SignableRequest request = signedGet(new SigV4Signer("AKROOT", "not-the-secret", "us-east-1"), NOW);
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.SIGNATURE_DOES_NOT_MATCH,
                        "The request signature we calculated does not match the signature you provided."
                                + " Check your key and signing method."));
    }

    @Test
    void tamperedSignedHeaderFailsWithSignatureDoesNotMatch() {
        SignableRequest request = withHeader(signedGet(ROOT, NOW), "host", "evil.example");
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void tamperedPathFailsWithSignatureDoesNotMatch() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest request = new SignableRequest("GET", "/bucket/other", "", signed.headers());
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void requestOutsideTheSkewFailsWithRequestTimeTooSkewed() {
        SignableRequest request = signedGet(ROOT, NOW.minus(Duration.ofMinutes(16)));
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.REQUEST_TIME_TOO_SKEWED,
                        "The difference between the request time and the current time is too large."));
        assertThat(VERIFIER.verify(signedGet(ROOT, NOW.plus(Duration.ofMinutes(14)))))
                .isNotNull();
    }

    @Test
    void wrongRegionFailsWithAuthorizationHeaderMalformed() {
        SignableRequest request = signedGet(new SigV4Signer("AKROOT", "root-secret", "eu-west-1"), NOW);
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.AUTHORIZATION_HEADER_MALFORMED,
                        "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting"
                                + " 'us-east-1'"));
    }

    @Test
    void unknownAndDisabledKeysFailWithInvalidAccessKeyId() {
        for (String key : new String[] {"AKNOBODY", "AKOFF"}) {
            SignableRequest request = signedGet(new SigV4Signer(key, "off-secret", "us-east-1"), NOW);
            assertThatThrownBy(() -> VERIFIER.verify(request))
                    .satisfies(authError(
                            AuthError.INVALID_ACCESS_KEY_ID,
                            "The AWS Access Key Id you provided does not exist in our records."));
        }
    }

    @Test
    void credentialDateMustBeTheRequestDate() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest request = withHeader(
                signed, "authorization", signed.header("authorization").replace("/20240301/", "/20240302/"));
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.AUTHORIZATION_HEADER_MALFORMED,
                        "The authorization header is malformed; Invalid credential date. Date is not the same as"
                                + " X-Amz-Date."));
    }

    @Test
    void malformedAuthorizationHeaders() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest noSignature = withHeader(
                signed, "authorization", signed.header("authorization").replaceAll(", Signature=.*", ""));
        assertThatThrownBy(() -> VERIFIER.verify(noSignature))
                .satisfies(t ->
                        assertThat(((AuthException) t).error()).isEqualTo(AuthError.AUTHORIZATION_HEADER_MALFORMED));
        SignableRequest badService = withHeader(
                signed, "authorization", signed.header("authorization").replace("/s3/", "/ec2/"));
        assertThatThrownBy(() -> VERIFIER.verify(badService))
                .hasMessage("The authorization header is malformed; incorrect service \"ec2\". This endpoint belongs"
                        + " to \"s3\".");
        SignableRequest sigV4a = withHeader(signed, "authorization", "AWS4-ECDSA-P256-SHA256 Credential=x");
        assertThatThrownBy(() -> VERIFIER.verify(sigV4a))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.NOT_IMPLEMENTED));
    }

    @Test
    void authorizationComponentsMaySeparateWithCommasOrSpaces() {
        SignableRequest signed = signedGet(ROOT, NOW);
        String header = signed.header("authorization");
        for (String variant : new String[] {
            header.replace(", ", ","), header.replace(", ", " "), header.replace(", ", " ,  "), "  " + header + " "
        }) {
            assertThat(VERIFIER.verify(withHeader(signed, "authorization", variant))
                            .isAnonymous())
                    .isFalse();
        }
    }

    @Test
    void headerAuthRequiresAValidContentSha256() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest missing =
                new SignableRequest("GET", signed.rawPath(), "", new java.util.HashMap<>(signed.headers()));
        missing.headers().remove("x-amz-content-sha256");
        assertThatThrownBy(() -> VERIFIER.verify(missing))
                .satisfies(authError(
                        AuthError.INVALID_REQUEST, "Missing required header for this request: x-amz-content-sha256"));
        SignableRequest bogus = ROOT.sign(request("PUT", "/bucket/key", "", "host", HOST), "not-a-hash", NOW);
        assertThatThrownBy(() -> VERIFIER.verify(bogus))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.INVALID_ARGUMENT))
                .hasMessageStartingWith("x-amz-content-sha256 must be UNSIGNED-PAYLOAD,");
    }

    @Test
    void missingDateFailsWithAccessDenied() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest request = withHeader(signed, "x-amz-date", "yesterday");
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.ACCESS_DENIED, "AWS authentication requires a valid Date or x-amz-date header"));
    }

    @Test
    void hostMustBeSigned() {
        SignableRequest signed = signedGet(ROOT, NOW);
        SignableRequest request = withHeader(
                signed, "authorization", signed.header("authorization").replace("host;", ""));
        assertThatThrownBy(() -> VERIFIER.verify(request)).hasMessage("SignedHeaders must contain host");
    }

    // ---- presigned --------------------------------------------------------------------------------------------

    private static SignableRequest presigned(Duration expires, Instant time) {
        String query = ROOT.presign("GET", "/bucket/key", "versionId=1", HOST, expires, time);
        return request("GET", "/bucket/key", query, "host", HOST);
    }

    @Test
    void presignedUrlIsValidUntilItExpires() {
        SignableRequest request = presigned(Duration.ofHours(1), NOW);
        assertThat(verifierAt(NOW.plus(Duration.ofMinutes(59)))
                        .verify(request)
                        .principal()
                        .accessKey())
                .isEqualTo("AKROOT");
        assertThatThrownBy(() -> verifierAt(NOW.plus(Duration.ofMinutes(61))).verify(request))
                .satisfies(authError(AuthError.ACCESS_DENIED, "Request has expired"));
    }

    @Test
    void presignedUrlFromTheFutureIsNotValidYet() {
        SignableRequest request = presigned(Duration.ofHours(1), NOW.plus(Duration.ofMinutes(20)));
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(AuthError.ACCESS_DENIED, "Request is not valid yet"));
    }

    @Test
    void presignedExpiryIsAtMostAWeek() {
        SignableRequest request = presigned(Duration.ofSeconds(604_801), NOW);
        assertThatThrownBy(() -> VERIFIER.verify(request))
                .satisfies(authError(
                        AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR,
                        "X-Amz-Expires must be less than a week (in seconds) that is; 604800"));
        assertThat(VERIFIER.verify(presigned(Duration.ofDays(7), NOW)).isAnonymous())
                .isFalse();
    }

    @Test
    void presignedParametersAreChecked() {
        SignableRequest request = presigned(Duration.ofHours(1), NOW);
        SignableRequest tampered = new SignableRequest(
                "GET", "/bucket/key", request.rawQuery().replace("versionId=1", "versionId=2"), request.headers());
        assertThatThrownBy(() -> VERIFIER.verify(tampered))
                .satisfies(t -> assertThat(((AuthException) t).error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
        SignableRequest missing = new SignableRequest(
                "GET", "/bucket/key", request.rawQuery().replaceAll("&X-Amz-Signature=.*", ""), request.headers());
        assertThatThrownBy(() -> VERIFIER.verify(missing))
                .satisfies(t -> assertThat(((AuthException) t).error())
                        .isEqualTo(AuthError.AUTHORIZATION_QUERY_PARAMETERS_ERROR));
        SignableRequest wrongRegion = new SignableRequest(
                "GET", "/bucket/key", request.rawQuery().replace("us-east-1", "us-west-2"), request.headers());
        assertThatThrownBy(() -> VERIFIER.verify(wrongRegion))
                .hasMessage("Error parsing the X-Amz-Credential parameter; the region 'us-west-2' is wrong;"
                        + " expecting 'us-east-1'");
    }

    @Test
    void presignedQueryMayCarryChecksumParametersAddedBySdks() {
        // The JS SDK v3 presigner adds these before signing; they are ordinary signed parameters.
        String query = ROOT.presign(
                "PUT",
                "/bucket/key",
                "x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32",
                HOST,
                Duration.ofMinutes(5),
                NOW);
        assertThat(VERIFIER.verify(request("PUT", "/bucket/key", query, "host", HOST))
                        .payloadMode())
                .isEqualTo(PayloadMode.UNSIGNED);
    }

    @Test
    void credentialsNeverPrintTheirSecret() {
        assertThat(new Credentials("AK", "s3cr3t", "a", "b", true).toString()).doesNotContain("s3cr3t");
        assertThat(ROOT.toString()).doesNotContain("root-secret");
    }
}
