package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * OSS signature version 1: the string to sign as Alibaba Cloud's reference describes it (written out by hand here,
 * not built by the code under test), the resource from the decoded key and OSS's sub-resources, and OSS's errors.
 * The official SDK itself signs against a running server in {@code OssSdkIT}.
 */
class OssV1VerifierTest {
    private static final String ACCESS = "LTAI5tExampleKey";
    private static final String SECRET = "OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV";
    private static final CredentialStore STORE =
            StaticCredentialStore.of(new Credentials(ACCESS, SECRET, "acct-1", "alice", true));
    private static final String DATE = "Wed, 28 Dec 2022 10:27:41 GMT";
    private static final Instant NOW = Instant.parse("2022-12-28T10:30:00Z");

    private static RequestVerifier verifier(Instant now) {
        return new RequestVerifier(STORE, "cn-hangzhou", Clock.fixed(now, ZoneOffset.UTC));
    }

    private static String header(String stringToSign) {
        return "OSS " + ACCESS + ":" + SigV2.sign(SECRET, stringToSign);
    }

    @Test
    void aPutWithMetadataSignsTheDecodedKeyAndTheOssHeadersSorted() {
        String signed = "PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n" + DATE + "\n"
                + "x-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n"
                + "/examplebucket/dir/a key+é.txt";
        SignableRequest r = request(
                "PUT",
                "/examplebucket/dir/a%20key%2B%C3%A9.txt",
                "",
                "Content-MD5",
                "eB5eJF1ptWaXm4bijSPyxw==",
                "Content-Type",
                "text/html",
                "Date",
                DATE,
                "X-OSS-Meta-Magic",
                " abracadabra ",
                "x-oss-meta-author",
                "alice",
                "Authorization",
                header(signed));
        AuthResult result = verifier(NOW).verify(r, null);
        assertThat(result.principal().accountId()).isEqualTo("acct-1");
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
    }

    @Test
    void theResourceIsTheBucketsWithOnlyOssSubresourcesSortedAndValuesAsSent() {
        // "/bucket" is signed "/bucket/"; prefix and max-keys are not signed, acl has no value, uploadId has one.
        assertThat(OssV1.canonicalizedResource("/b", "prefix=x&acl&max-keys=2", null))
                .isEqualTo("/b/?acl");
        assertThat(OssV1.canonicalizedResource("/b/k", "uploadId=u%2F1&partNumber=2&list-type=2", null))
                .isEqualTo("/b/k?partNumber=2&uploadId=u/1");
        assertThat(OssV1.canonicalizedResource("/k%20y", "", "vhost")).isEqualTo("/vhost/k y");
        assertThat(OssV1.canonicalizedResource("/", "", null)).isEqualTo("/");
        // A parameter sent with '=' and no value is signed bare, as alibabacloud-oss-v2 and ali-oss sign "uploads=".
        assertThat(OssV1.canonicalizedResource("/b/k", "acl=", null)).isEqualTo("/b/k?acl");
        assertThat(OssV1.canonicalizedResource("/b/k", "encoding-type=url&uploads=", null))
                .isEqualTo("/b/k?uploads");
    }

    @Test
    void aliOssSignsXOssDateInTheDatesPlace() {
        String ossDate = "Wed, 28 Dec 2022 10:27:41 GMT";
        String signed = "GET\n\n\n" + ossDate + "\nx-oss-date:" + ossDate + "\n/b/k";
        SignableRequest r = request("GET", "/b/k", "", "x-oss-date", ossDate, "Authorization", header(signed));
        assertThat(verifier(NOW).verify(r, null).principal().displayName()).isEqualTo("alice");
    }

    @Test
    void aWrongSignatureAClockFarOffAndAnUnknownKeyAreRefused() {
        String signed = "GET\n\n\n" + DATE + "\n/b/k";
        SignableRequest good = request("GET", "/b/k", "", "Date", DATE, "Authorization", header(signed));
        assertThatThrownBy(() -> verifier(NOW.plusSeconds(16 * 60)).verify(good, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.REQUEST_TIME_TOO_SKEWED));
        SignableRequest tampered = request("GET", "/b/other", "", "Date", DATE, "Authorization", header(signed));
        assertThatThrownBy(() -> verifier(NOW).verify(tampered, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
        SignableRequest unknown = request(
                "GET", "/b/k", "", "Date", DATE, "Authorization", "OSS SOMEONEELSE:" + SigV2.sign(SECRET, signed));
        assertThatThrownBy(() -> verifier(NOW).verify(unknown, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ACCESS_KEY_ID));
        SignableRequest malformed = request("GET", "/b/k", "", "Date", DATE, "Authorization", "OSS nocolon");
        assertThatThrownBy(() -> verifier(NOW).verify(malformed, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ARGUMENT));
    }

    @Test
    void aPresignedUrlSignsItsExpiresAndExpires() {
        long expires = NOW.getEpochSecond() + 60;
        String signature = SigV2.sign(SECRET, "GET\n\n\n" + expires + "\n/b/k");
        String query = "Expires=" + expires + "&OSSAccessKeyId=" + ACCESS + "&Signature="
                + java.net.URLEncoder.encode(signature, java.nio.charset.StandardCharsets.UTF_8);
        SignableRequest r = request("GET", "/b/k", query);
        assertThat(verifier(NOW).verify(r, null).principal().accountId()).isEqualTo("acct-1");
        assertThatThrownBy(() -> verifier(NOW.plusSeconds(61)).verify(r, null))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.ACCESS_DENIED));
    }
}
