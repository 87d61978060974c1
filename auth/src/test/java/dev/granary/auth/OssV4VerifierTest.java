package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * OSS signature version 4: the canonical request and the signing key as Alibaba Cloud's reference describes them,
 * written out and computed here with the JDK alone (not with the code under test), and OSS's errors. The official SDK
 * signs against a running server in {@code OssSdkIT}.
 */
class OssV4VerifierTest {
    private static final String ACCESS = "LTAI5tExampleKey";
    private static final String SECRET = "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV";
    private static final CredentialStore STORE =
            StaticCredentialStore.of(new Credentials(ACCESS, SECRET, "acct-1", "alice", true));
    private static final String DATE_TIME = "20231203T121212Z";
    private static final Instant NOW = Instant.parse("2023-12-03T12:15:00Z");
    private static final String SCOPE = "20231203/cn-hangzhou/oss/aliyun_v4_request";

    private static RequestVerifier verifier(Instant now) {
        return new RequestVerifier(STORE, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature of {@code canonicalRequest}, computed as the reference describes it. */
    private static String sign(String canonicalRequest) throws Exception {
        String hash = HexFormat.of()
                .formatHex(
                        MessageDigest.getInstance("SHA-256").digest(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        String stringToSign = "OSS4-HMAC-SHA256\n" + DATE_TIME + "\n" + SCOPE + "\n" + hash;
        byte[] key = hmac(("aliyun_v4" + SECRET).getBytes(StandardCharsets.UTF_8), "20231203");
        key = hmac(key, "cn-hangzhou");
        key = hmac(key, "oss");
        key = hmac(key, "aliyun_v4_request");
        return HexFormat.of().formatHex(hmac(key, stringToSign));
    }

    @Test
    void aPutSignsTheReencodedKeyEveryParameterTheOssHeadersAndTheAdditionalOnes() throws Exception {
        String canonical = "PUT\n"
                + "/examplebucket/dir/a%20key%2Bx~%2A.txt\n"
                + "acl&versionId=v%2F1\n"
                + "content-type:text/plain\n"
                + "host:127.0.0.1\n"
                + "x-oss-content-sha256:UNSIGNED-PAYLOAD\n"
                + "x-oss-date:" + DATE_TIME + "\n"
                + "x-oss-meta-author:alice\n"
                + "\n"
                + "host\n"
                + "UNSIGNED-PAYLOAD";
        SignableRequest r = request(
                "PUT",
                "/examplebucket/dir/a%20key%2Bx~*.txt",
                "versionId=v%2F1&acl",
                "Content-Type",
                "text/plain",
                "Host",
                "127.0.0.1",
                "x-oss-content-sha256",
                "UNSIGNED-PAYLOAD",
                "x-oss-date",
                DATE_TIME,
                "X-Oss-Meta-Author",
                "alice",
                "User-Agent",
                "not signed",
                "Authorization",
                "OSS4-HMAC-SHA256 Credential=" + ACCESS + "/" + SCOPE + ", AdditionalHeaders=host, Signature="
                        + sign(canonical));
        AuthResult result = verifier(NOW).verify(r, null);
        assertThat(result.principal().accountId()).isEqualTo("acct-1");
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }

    @Test
    void aPresignedUrlSignsItsOwnParametersButTheSignatureAndExpires() throws Exception {
        String credential = ACCESS + "/" + SCOPE;
        String canonical = "GET\n/b/k\n"
                + "x-oss-credential=" + SigV4.encode(credential, false)
                + "&x-oss-date=" + DATE_TIME
                + "&x-oss-expires=600"
                + "&x-oss-signature-version=OSS4-HMAC-SHA256\n"
                + "\n\nUNSIGNED-PAYLOAD";
        String query = "x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential="
                + SigV4.encode(credential, false) + "&x-oss-date=" + DATE_TIME + "&x-oss-expires=600&x-oss-signature="
                + sign(canonical);
        assertThat(verifier(NOW)
                        .verify(request("GET", "/b/k", query), null)
                        .principal()
                        .displayName())
                .isEqualTo("alice");
        assertThatThrownBy(() -> verifier(NOW.plusSeconds(600)).verify(request("GET", "/b/k", query), null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.ACCESS_DENIED));
        String other = query.replace("/b/k", "");
        assertThatThrownBy(() -> verifier(NOW).verify(request("GET", "/b/other", other), null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    @Test
    void aClockFarOffABadScopeAndAWrongSecretAreRefused() throws Exception {
        String canonical = "GET\n/b/\n\nx-oss-date:" + DATE_TIME + "\n\n\nUNSIGNED-PAYLOAD";
        String authorization = "OSS4-HMAC-SHA256 Credential=" + ACCESS + "/" + SCOPE + ",Signature=" + sign(canonical);
        SignableRequest good = request("GET", "/b", "", "x-oss-date", DATE_TIME, "Authorization", authorization);
        assertThat(verifier(NOW).verify(good, null).principal().accountId()).isEqualTo("acct-1");
        assertThatThrownBy(() -> verifier(NOW.plusSeconds(20 * 60)).verify(good, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.REQUEST_TIME_TOO_SKEWED));
        SignableRequest badScope = request(
                "GET", "/b", "", "x-oss-date", DATE_TIME, "Authorization", authorization.replace("/oss/", "/s3/"));
        assertThatThrownBy(() -> verifier(NOW).verify(badScope, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ARGUMENT));
        SignableRequest tampered = request(
                "GET", "/b", "", "x-oss-date", DATE_TIME, "x-oss-meta-x", "added", "Authorization", authorization);
        assertThatThrownBy(() -> verifier(NOW).verify(tampered, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }
}
