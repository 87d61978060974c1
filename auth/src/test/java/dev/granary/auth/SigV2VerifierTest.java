package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SigV2 against the examples of the S3 guide's "Signing and authenticating REST requests" (bucket johnsmith, key
 * AKIAIOSFODNN7EXAMPLE), and the errors S3 answers with.
 */
class SigV2VerifierTest {
    private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final CredentialStore STORE = StaticCredentialStore.of(
            new Credentials(ACCESS, SECRET, "acct-1", "john", true),
            new Credentials("DISABLEDKEY", SECRET, "acct-2", "jane", false));

    private static RequestVerifier at(String instant) {
        return new RequestVerifier(STORE, "us-east-1", Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    private static AuthResult verify(String now, SignableRequest request, String bucket) {
        return at(now).verify(request, bucket);
    }

    @Test
    void docExampleObjectGet() {
        SignableRequest r = request(
                "GET",
                "/photos/puppy.jpg",
                "",
                "Host",
                "johnsmith.s3.amazonaws.com",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS " + ACCESS + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");

        AuthResult result = verify("2007-03-27T19:40:00Z", r, "johnsmith");

        assertThat(result.principal().accountId()).isEqualTo("acct-1");
        assertThat(result.payloadMode()).isEqualTo(PayloadMode.UNSIGNED);
        assertThat(result.payloadSha256()).isNull();
    }

    @Test
    void docExampleObjectGetPathStyleSignsTheSameResource() {
        SignableRequest r = request(
                "GET",
                "/johnsmith/photos/puppy.jpg",
                "",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS " + ACCESS + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");

        assertThat(verify("2007-03-27T19:36:42Z", r, null).principal().displayName())
                .isEqualTo("john");
    }

    @Test
    void docExampleObjectPut() {
        SignableRequest r = request(
                "PUT",
                "/photos/puppy.jpg",
                "",
                "Content-Type",
                "image/jpeg",
                "Content-Length",
                "94328",
                "Host",
                "johnsmith.s3.amazonaws.com",
                "Date",
                "Tue, 27 Mar 2007 21:15:45 +0000",
                "Authorization",
                "AWS " + ACCESS + ":MyyxeRY7whkBe+bq8fHCL/2kKUg=");

        assertThat(verify("2007-03-27T21:15:45Z", r, "johnsmith").isAnonymous()).isFalse();
    }

    @Test
    void docExampleListLeavesNonSubresourceParametersOut() {
        SignableRequest r = request(
                "GET",
                "/",
                "prefix=photos&max-keys=50&marker=puppy",
                "User-Agent",
                "Mozilla/5.0",
                "Host",
                "johnsmith.s3.amazonaws.com",
                "Date",
                "Tue, 27 Mar 2007 19:42:41 +0000",
                "Authorization",
                "AWS " + ACCESS + ":htDYFYduRNen8P9ZfE/s9SuKy0U=");

        assertThat(verify("2007-03-27T19:42:41Z", r, "johnsmith").isAnonymous()).isFalse();
    }

    @Test
    void docExampleFetchAclSignsTheSubresource() {
        SignableRequest r = request(
                "GET",
                "/",
                "acl",
                "Host",
                "johnsmith.s3.amazonaws.com",
                "Date",
                "Tue, 27 Mar 2007 19:44:46 +0000",
                "Authorization",
                "AWS " + ACCESS + ":c2WLPFtWHVgbEmeEG93a4cG37dM=");

        assertThat(verify("2007-03-27T19:44:46Z", r, "johnsmith").isAnonymous()).isFalse();
    }

    @Test
    void docExampleDeleteWithXAmzDate() {
        SignableRequest r = request(
                "DELETE",
                "/johnsmith/photos/puppy.jpg",
                "",
                "User-Agent",
                "dotnet",
                "Host",
                "s3.amazonaws.com",
                "Date",
                "Tue, 27 Mar 2007 21:20:27 +0000",
                "x-amz-date",
                "Tue, 27 Mar 2007 21:20:26 +0000",
                "Authorization",
                "AWS " + ACCESS + ":lx3byBScXR6KzyMaifNkardMwNk=");

        assertThat(verify("2007-03-27T21:20:26Z", r, null).isAnonymous()).isFalse();
    }

    @Test
    void xAmzDateIsSignedAsAnAmzHeaderWithAnEmptyDateLine() {
        String sts = "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n/johnsmith/photos/puppy.jpg";
        SignableRequest r = request(
                "DELETE",
                "/johnsmith/photos/puppy.jpg",
                "",
                "Date",
                "Tue, 27 Mar 2007 21:20:27 +0000",
                "x-amz-date",
                "Tue, 27 Mar 2007 21:20:26 +0000",
                "Authorization",
                "AWS " + ACCESS + ":" + SigV2.sign(SECRET, sts));

        assertThat(verify("2007-03-27T21:20:26Z", r, null).isAnonymous()).isFalse();
    }

    @Test
    void docExampleUploadWithAmzHeadersAndCnameBucket() {
        SignableRequest r = request(
                "PUT",
                "/db-backup.dat.gz",
                "",
                "User-Agent",
                "curl/7.15.5",
                "Host",
                "static.johnsmith.net:8080",
                "Date",
                "Tue, 27 Mar 2007 21:06:08 +0000",
                "x-amz-acl",
                "public-read",
                "content-type",
                "application/x-download",
                "Content-MD5",
                "4gJE4saaMU4BqNR0kLY+lw==",
                "X-Amz-Meta-ReviewedBy",
                "joe@johnsmith.net",
                "X-Amz-Meta-ReviewedBy",
                "jane@johnsmith.net",
                "X-Amz-Meta-FileChecksum",
                "0x02661779",
                "X-Amz-Meta-ChecksumAlgorithm",
                "crc32",
                "Content-Disposition",
                "attachment; filename=database.dat",
                "Content-Encoding",
                "gzip",
                "Content-Length",
                "5913339",
                "Authorization",
                "AWS " + ACCESS + ":ilyl83RwaSoYIEdixDQcA4OnAnc=");

        assertThat(verify("2007-03-27T21:06:08Z", r, "static.johnsmith.net").isAnonymous())
                .isFalse();
    }

    @Test
    void docExampleListAllBuckets() {
        SignableRequest r = request(
                "GET",
                "/",
                "",
                "Host",
                "s3.amazonaws.com",
                "Date",
                "Wed, 28 Mar 2007 01:29:59 +0000",
                "Authorization",
                "AWS " + ACCESS + ":qGdzdERIC03wnaRNKh6OqZehG9s=");

        assertThat(verify("2007-03-28T01:29:59Z", r, null).isAnonymous()).isFalse();
    }

    @Test
    void docExampleUnicodeKeysSignTheRawPath() {
        SignableRequest r = request(
                "GET",
                "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
                "",
                "Host",
                "s3.amazonaws.com",
                "Date",
                "Wed, 28 Mar 2007 01:49:49 +0000",
                "Authorization",
                "AWS " + ACCESS + ":DNEZGsoieTZ92F3bUfSPQcbGmlM=");

        assertThat(verify("2007-03-28T01:49:49Z", r, null).isAnonymous()).isFalse();
    }

    @Test
    void docExampleQueryStringAuthentication() {
        SignableRequest r = request(
                "GET",
                "/photos/puppy.jpg",
                "AWSAccessKeyId=" + ACCESS + "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
                "Host",
                "johnsmith.s3.amazonaws.com");

        AuthResult result = verify("2007-03-29T03:00:00Z", r, "johnsmith");

        assertThat(result.principal().accessKey()).isEqualTo(ACCESS);
    }

    @Test
    void subresourcesAreSortedWithDecodedValuesAndOthersIgnored() {
        assertThat(SigV2.canonicalizedResource(
                        "/k",
                        "uploadId=a%2Fb&partNumber=2&x-id=UploadPart&response-content-type=text%2Fplain",
                        "bkt",
                        false))
                .isEqualTo("/bkt/k?partNumber=2&response-content-type=text/plain&uploadId=a/b");
        assertThat(SigV2.canonicalizedResource("/b/k", "versioning&foo=bar", null, false))
                .isEqualTo("/b/k?versioning");
    }

    @Test
    void amzHeadersAreLowerCasedSortedTrimmedAndJoined() {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("x-amz-meta-b", List.of("  two ", "three"));
        headers.put("X-Amz-Acl", List.of("private"));
        headers.put("content-type", List.of("text/plain"));

        assertThat(SigV2.canonicalizedAmzHeaders(headers, false))
                .isEqualTo("x-amz-acl:private\nx-amz-meta-b:two,three\n");
    }

    @Test
    void unknownKeyIsInvalidAccessKeyId() {
        SignableRequest r = request(
                "GET",
                "/b/k",
                "",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS NOSUCHKEY:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");

        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", r, null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.INVALID_ACCESS_KEY_ID);
    }

    @Test
    void disabledKeyIsInvalidAccessKeyIdAsInSigV4() {
        String sts = "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/b/k";
        SignableRequest r = request(
                "GET",
                "/b/k",
                "",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS DISABLEDKEY:" + SigV2.sign(SECRET, sts));

        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", r, null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.INVALID_ACCESS_KEY_ID);
    }

    @Test
    void wrongSignatureIsSignatureDoesNotMatch() {
        SignableRequest r = request(
                "GET",
                "/photos/puppy.jpg",
                "",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS " + ACCESS + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");

        // Same signature, but path-style without the bucket: another resource.
        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", r, null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void missingDateIsAccessDenied() {
        SignableRequest r = request("GET", "/b/k", "", "Authorization", "AWS " + ACCESS + ":abc=");

        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", r, null))
                .isInstanceOf(AuthException.class)
                .hasMessage("AWS authentication requires a valid Date or x-amz-date header")
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.ACCESS_DENIED);
    }

    @Test
    void skewOverFifteenMinutesIsRequestTimeTooSkewed() {
        SignableRequest r = request(
                "GET",
                "/photos/puppy.jpg",
                "",
                "Date",
                "Tue, 27 Mar 2007 19:36:42 +0000",
                "Authorization",
                "AWS " + ACCESS + ":bWq2s1WEIj+Ydj0vQ697zp+IXMU=");

        assertThatThrownBy(() -> verify("2007-03-27T19:52:43Z", r, "johnsmith"))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.REQUEST_TIME_TOO_SKEWED);
        assertThat(verify("2007-03-27T19:51:42Z", r, "johnsmith").isAnonymous()).isFalse();
    }

    @Test
    void expiredQueryIsAccessDenied() {
        SignableRequest r = request(
                "GET",
                "/photos/puppy.jpg",
                "AWSAccessKeyId=" + ACCESS + "&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620");

        assertThatThrownBy(() -> verify("2007-03-29T03:40:21Z", r, "johnsmith"))
                .isInstanceOf(AuthException.class)
                .hasMessage("Request has expired")
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.ACCESS_DENIED);
    }

    @Test
    void queryMissingAParameterIsAccessDenied() {
        SignableRequest r = request("GET", "/b/k", "AWSAccessKeyId=" + ACCESS + "&Expires=1175139620");

        assertThatThrownBy(() -> verify("2007-03-29T03:00:00Z", r, null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.ACCESS_DENIED);
    }

    @Test
    void malformedHeaderIsInvalidArgument() {
        SignableRequest r =
                request("GET", "/b/k", "", "Date", "Tue, 27 Mar 2007 19:36:42 +0000", "Authorization", "AWS " + ACCESS);

        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", r, null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.INVALID_ARGUMENT);
    }

    @Test
    void sigV4SignedRequestsAreVerifiedBySigV4() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        SignableRequest signed = new SigV4Signer(ACCESS, SECRET, "us-east-1")
                .sign(request("GET", "/b/k", "", "host", "localhost"), SigV4.UNSIGNED_PAYLOAD, now);
        RequestVerifier verifier = new RequestVerifier(STORE, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));

        assertThat(verifier.verify(signed, null).principal().accountId()).isEqualTo("acct-1");
        assertThat(signed.signatureVersion()).isEqualTo("AWS4-HMAC-SHA256");
        assertThat(signed.authType()).isEqualTo("REST-HEADER");
        assertThatThrownBy(() -> verifier.verify(Requests.withHeader(signed, "x-amz-date", "20300101T000001Z"), null))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH);
    }

    @Test
    void signatureVersionAndAuthTypeNameHowARequestIsSigned() {
        assertThat(request("GET", "/", "AWSAccessKeyId=a&Expires=1&Signature=s").signatureVersion())
                .isEqualTo("AWS");
        assertThat(request("GET", "/", "AWSAccessKeyId=a&Expires=1&Signature=s").authType())
                .isEqualTo("REST-QUERY-STRING");
        assertThat(request("GET", "/", "", "authorization", "AWS a:b").signatureVersion())
                .isEqualTo("AWS");
        assertThat(request("GET", "/", "X-Amz-Algorithm=AWS4-HMAC-SHA256").signatureVersion())
                .isEqualTo("AWS4-HMAC-SHA256");
        assertThat(request("GET", "/", "", "authorization", "OSS a:b").signatureVersion())
                .isEqualTo("OSS");
        assertThat(request("GET", "/", "", "authorization", "OSS4-HMAC-SHA256 Credential=a/d/r/oss/aliyun_v4_request")
                        .signatureVersion())
                .isEqualTo("OSS4-HMAC-SHA256");
        assertThat(request("GET", "/", "OSSAccessKeyId=a&Expires=1&Signature=s").signatureVersion())
                .isEqualTo("OSS");
        assertThat(request("GET", "/", "x-oss-signature-version=OSS4-HMAC-SHA256")
                        .signatureVersion())
                .isEqualTo("OSS4-HMAC-SHA256");
        assertThat(request("GET", "/", "").signatureVersion()).isNull();
        assertThat(request("GET", "/", "").authType()).isNull();
        assertThat(request("GET", "/", "a=1&b&a=x+y%2F").queryParameters())
                .containsEntry("a", List.of("1", "x y/"))
                .containsEntry("b", List.of(""));
    }

    @Test
    void sigV4AndUnsignedRequestsStillGoToSigV4() {
        SignableRequest unsigned = request("GET", "/b/k", "");

        assertThat(verify("2007-03-27T19:36:42Z", unsigned, null).isAnonymous()).isTrue();
        assertThat(SigV2Verifier.isSigV2(request("GET", "/", "", "Authorization", "AWS4-HMAC-SHA256 Credential=x")))
                .isFalse();
    }

    @Test
    void postPolicySignedWithV2IsVerifiedAndChecked() {
        String json = "{\"expiration\": \"2030-01-01T13:00:00.000Z\", \"conditions\": [{\"bucket\": \"b\"},"
                + " [\"starts-with\", \"$key\", \"user/\"]]}";
        String policy = Base64.getEncoder().encodeToString(json.getBytes(UTF_8));
        Map<String, String> fields = new HashMap<>();
        fields.put("key", "user/a.txt");
        fields.put("awsaccesskeyid", ACCESS);
        fields.put("policy", policy);
        fields.put("signature", PostPolicyVerifier.signatureV2(SECRET, policy));
        Instant now = Instant.parse("2030-01-01T12:00:00Z");
        PostPolicyVerifier verifier = new PostPolicyVerifier(STORE, "us-east-1", Clock.fixed(now, ZoneOffset.UTC));

        PostPolicy p = verifier.verify(fields);
        p.check("b", fields, now);
        assertThat(p.principal().accountId()).isEqualTo("acct-1");

        fields.put("signature", PostPolicyVerifier.signatureV2("wrong", policy));
        assertThatThrownBy(() -> verifier.verify(fields))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH);
        fields.remove("signature");
        assertThatThrownBy(() -> verifier.verify(fields))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.INVALID_ARGUMENT);
        fields.put("key", "other/a.txt");
        fields.put("signature", PostPolicyVerifier.signatureV2(SECRET, policy));
        assertThatThrownBy(() -> verifier.verify(fields).check("b", fields, now))
                .extracting(e -> ((AuthException) e).error())
                .isEqualTo(AuthError.ACCESS_DENIED);
    }

    /** botocore (boto3 with signature_version 's3') signs its URI template's query, then the sub-resources. */
    @Test
    void botocoreResourceFormsAreAccepted() {
        String date = "Tue, 27 Mar 2007 19:36:42 +0000";
        for (String[] c : new String[][] {
            {"PUT", "/johnsmith", "", "/johnsmith/"},
            {"GET", "/johnsmith", "list-type=2&prefix=a", "/johnsmith?list-type=2"},
            {"PUT", "/johnsmith/k", "acl", "/johnsmith/k?acl?acl"},
        }) {
            String signature = SigV2.sign(SECRET, c[0] + "\n\n\n" + date + "\n" + c[3]);
            SignableRequest r =
                    request(c[0], c[1], c[2], "Date", date, "Authorization", "AWS " + ACCESS + ":" + signature);
            assertThat(verify("2007-03-27T19:36:42Z", r, null).principal().accountId())
                    .as(c[3])
                    .isEqualTo("acct-1");
        }
        SignableRequest other = request(
                "GET",
                "/johnsmith/k",
                "acl",
                "Date",
                date,
                "Authorization",
                "AWS " + ACCESS + ":" + SigV2.sign(SECRET, "GET\n\n\n" + date + "\n/johnsmith/x?acl"));
        assertThatThrownBy(() -> verify("2007-03-27T19:36:42Z", other, null)).isInstanceOf(AuthException.class);
    }
}
