package dev.granary.auth;

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

/** POST policies: signature, parsing, conditions and expiration, as S3 checks them. */
class PostPolicyTest {
    private static final String ACCESS = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final String DATE = "20300101";
    private static final String CREDENTIAL = ACCESS + "/" + DATE + "/us-east-1/s3/aws4_request";

    private final PostPolicyVerifier verifier = new PostPolicyVerifier(
            new StaticCredentialStore(List.of(new Credentials(ACCESS, SECRET, "acct", "alice", true))),
            "us-east-1",
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static Map<String, String> form(String policyJson) {
        String policy = Base64.getEncoder().encodeToString(policyJson.getBytes(UTF_8));
        Map<String, String> fields = new HashMap<>();
        fields.put("key", "user/a.txt");
        fields.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
        fields.put("x-amz-credential", CREDENTIAL);
        fields.put("x-amz-date", DATE + "T115900Z");
        fields.put("policy", policy);
        fields.put("x-amz-signature", PostPolicyVerifier.signature(SECRET, DATE, "us-east-1", policy));
        return fields;
    }

    private static String policy(String expiration, String... conditions) {
        return "{ \"expiration\": \"" + expiration + "\",\n \"conditions\": [" + String.join(",", conditions)
                + ", {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}, [\"eq\", \"$x-amz-credential\", \"" + CREDENTIAL
                + "\"], [\"starts-with\", \"$x-amz-date\", \"\"]]}";
    }

    @Test
    void validFormPassesAndNamesItsSigner() {
        Map<String, String> fields = form(policy(
                "2030-01-01T13:00:00.000Z",
                "{\"bucket\": \"b\"}",
                "[\"starts-with\", \"$key\", \"user/\"]",
                "[\"content-length-range\", 1, 10485760]"));

        PostPolicy p = verifier.verify(fields);
        p.check("b", fields, verifier.now());

        assertThat(p.principal().accountId()).isEqualTo("acct");
        assertThat(p.minLength()).isEqualTo(1);
        assertThat(p.maxLength()).isEqualTo(10485760);
    }

    @Test
    void conditionsAreCheckedAgainstTheFields() {
        Map<String, String> fields =
                form(policy("2030-01-01T13:00:00Z", "{\"bucket\": \"b\"}", "[\"eq\", \"$key\", \"user/a.txt\"]"));
        PostPolicy p = verifier.verify(fields);

        assertThatThrownBy(() -> p.check("other", fields, NOW)).isInstanceOfSatisfying(AuthException.class, e -> {
            assertThat(e.error()).isEqualTo(AuthError.ACCESS_DENIED);
            assertThat(e.getMessage())
                    .isEqualTo("Invalid according to Policy: Policy Condition failed: [\"eq\", \"$bucket\", \"b\"]");
        });
        fields.put("x-amz-meta-a", "1");
        assertThatThrownBy(() -> p.check("b", fields, NOW))
                .hasMessage("Invalid according to Policy: Extra input fields: x-amz-meta-a");
        fields.remove("x-amz-meta-a");
        fields.put("x-ignore-me", "1");
        p.check("b", fields, NOW);
    }

    @Test
    void expiredPolicyIsDenied() {
        Map<String, String> fields =
                form(policy("2030-01-01T12:00:00Z", "{\"bucket\": \"b\"}", "[\"starts-with\", \"$key\", \"\"]"));

        assertThatThrownBy(() -> verifier.verify(fields).check("b", fields, NOW))
                .hasMessage("Invalid according to Policy: Policy expired.");
    }

    @Test
    void tamperedPolicyOrWrongKeyFails() {
        Map<String, String> fields = form(policy("2030-01-01T13:00:00Z", "{\"bucket\": \"b\"}"));
        fields.put(
                "policy",
                Base64.getEncoder()
                        .encodeToString(policy("2031-01-01T13:00:00Z", "{\"bucket\": \"b\"}")
                                .getBytes(UTF_8)));
        assertThatThrownBy(() -> verifier.verify(fields))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));

        Map<String, String> unknown = form(policy("2030-01-01T13:00:00Z", "{\"bucket\": \"b\"}"));
        unknown.put("x-amz-credential", "NOPE/" + DATE + "/us-east-1/s3/aws4_request");
        assertThatThrownBy(() -> verifier.verify(unknown))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ACCESS_KEY_ID));

        Map<String, String> region = form(policy("2030-01-01T13:00:00Z", "{\"bucket\": \"b\"}"));
        region.put("x-amz-credential", ACCESS + "/" + DATE + "/eu-west-1/s3/aws4_request");
        assertThatThrownBy(() -> verifier.verify(region))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ARGUMENT));
    }

    @Test
    void missingSigningFieldsAndBadDocumentsFail() {
        Map<String, String> fields = form(policy("2030-01-01T13:00:00Z", "{\"bucket\": \"b\"}"));
        fields.remove("x-amz-signature");
        assertThatThrownBy(() -> verifier.verify(fields))
                .hasMessageContaining("Bucket POST must contain a field named 'x-amz-signature'.");

        for (String bad : new String[] {
            "not json",
            "[]",
            "{\"conditions\": []}",
            "{\"expiration\": \"tomorrow\", \"conditions\": []}",
            "{\"expiration\": \"2030-01-01T13:00:00Z\", \"conditions\": [[\"regex\", \"$key\", \".*\"]]}",
            "{\"expiration\": \"2030-01-01T13:00:00Z\", \"conditions\": [[\"content-length-range\", \"a\", 1]]}"
        }) {
            assertThatThrownBy(() -> verifier.verify(form(bad)))
                    .isInstanceOfSatisfying(
                            AuthException.class,
                            e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_POLICY_DOCUMENT));
        }
    }

    /** Alibaba Cloud OSS's V1 form: OSSAccessKeyId and Signature (base64 HMAC-SHA1 of the policy), not in the policy. */
    @Test
    void ossV1FormsAreVerifiedAndTheirSigningFieldsNeedNoCondition() {
        String policy = Base64.getEncoder()
                .encodeToString(
                        "{\"expiration\": \"2030-01-01T13:00:00.000Z\", \"conditions\": [{\"bucket\": \"b\"}, [\"eq\", \"$key\", \"k\"]]}"
                                .getBytes(UTF_8));
        Map<String, String> fields = new HashMap<>();
        fields.put("key", "k");
        fields.put("policy", policy);
        fields.put("ossaccesskeyid", ACCESS);
        fields.put("signature", PostPolicyVerifier.signatureV2(SECRET, policy));
        assertThat(PostPolicyVerifier.isOss(fields)).isTrue();
        PostPolicy verified = verifier.verify(fields);
        verified.check("b", fields, verifier.now());
        assertThat(verified.principal().accountId()).isEqualTo("acct");

        fields.put("signature", PostPolicyVerifier.signatureV2("not the secret", policy));
        assertThatThrownBy(() -> verifier.verify(fields))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
    }

    /**
     * OSS's V4 form: x-oss-signature is the hex HMAC-SHA256 of the policy under the aliyun_v4 key of the credential's
     * date and region (any region); the credential, date and version are in the policy as OSS requires.
     */
    @Test
    void ossV4FormsAreVerifiedInAnyRegionAndRefusedWhenTampered() {
        String credential = ACCESS + "/" + DATE + "/cn-hangzhou/oss/aliyun_v4_request";
        String policy = Base64.getEncoder()
                .encodeToString(("{\"expiration\": \"2030-01-01T13:00:00.000Z\", \"conditions\": [{\"bucket\": \"b\"},"
                                + " {\"x-oss-signature-version\": \"OSS4-HMAC-SHA256\"}, {\"x-oss-credential\": \""
                                + credential + "\"}, {\"x-oss-date\": \"" + DATE
                                + "T115900Z\"}, [\"eq\", \"$key\", \"k\"]]}")
                        .getBytes(UTF_8));
        Map<String, String> fields = new HashMap<>();
        fields.put("key", "k");
        fields.put("policy", policy);
        fields.put("x-oss-signature-version", "OSS4-HMAC-SHA256");
        fields.put("x-oss-credential", credential);
        fields.put("x-oss-date", DATE + "T115900Z");
        fields.put("x-oss-signature", SigV4.signature(OssV4Verifier.signingKey(SECRET, DATE, "cn-hangzhou"), policy));
        assertThat(PostPolicyVerifier.isOss(fields)).isTrue();
        PostPolicy verified = verifier.verify(fields);
        verified.check("b", fields, verifier.now());
        assertThat(verified.principal().accountId()).isEqualTo("acct");

        Map<String, String> otherRegion = new HashMap<>(fields);
        otherRegion.put("x-oss-credential", ACCESS + "/" + DATE + "/cn-beijing/oss/aliyun_v4_request");
        assertThatThrownBy(() -> verifier.verify(otherRegion))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.SIGNATURE_DOES_NOT_MATCH));
        Map<String, String> badScope = new HashMap<>(fields);
        badScope.put("x-oss-credential", ACCESS + "/" + DATE + "/cn-hangzhou/s3/aws4_request");
        assertThatThrownBy(() -> verifier.verify(badScope))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ARGUMENT));
        Map<String, String> otherDate = new HashMap<>(fields);
        otherDate.put("x-oss-date", "20300102T000000Z");
        assertThatThrownBy(() -> verifier.verify(otherDate))
                .isInstanceOfSatisfying(
                        AuthException.class, e -> assertThat(e.error()).isEqualTo(AuthError.INVALID_ARGUMENT));
    }
}
