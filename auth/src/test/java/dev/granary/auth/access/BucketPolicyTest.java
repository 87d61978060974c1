package dev.granary.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.AuthError;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Bucket policies: parsing and validation as PutBucketPolicy does it, evaluation, and public status. */
class BucketPolicyTest {
    private static final String BUCKET = "examplebucket";
    private static final Requester ALICE = Requester.account("111122223333");
    private static final Requester BOB = Requester.account("444455556666");
    private static final Requester BOB_DEV = new Requester("444455556666", "dev", false);

    private static BucketPolicy policy(String statements) {
        return BucketPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}", BUCKET);
    }

    private static AccessRequest get(Requester who, String key) {
        return new AccessRequest(who, "s3:GetObject", AccessRequest.objectArn(BUCKET, key), Map.of());
    }

    private static AccessRequest request(Requester who, String action, String key, Map<String, List<String>> context) {
        String arn = key == null ? AccessRequest.bucketArn(BUCKET) : AccessRequest.objectArn(BUCKET, key);
        return new AccessRequest(who, action, arn, context);
    }

    private static void assertMalformed(String json, String message) {
        assertThatThrownBy(() -> BucketPolicy.parse(json, BUCKET))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage(message)
                .extracting(e -> ((MalformedPolicyException) e).error())
                .isEqualTo(AuthError.MALFORMED_POLICY);
    }

    private static void assertStatementMalformed(String statement, String message) {
        assertMalformed("{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}", message);
    }

    @Test
    void awsPublicReadExampleAllowsAnonymousGetObjectOnly() {
        BucketPolicy p = BucketPolicy.parse("""
                {
                  "Version": "2012-10-17",
                  "Id": "PublicRead",
                  "Statement": {
                    "Sid": "PublicReadGetObject",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                    "Resource": "arn:aws:s3:::examplebucket/*"
                  }
                }
                """, BUCKET);

        assertThat(p.id()).isEqualTo("PublicRead");
        assertThat(p.statements()).hasSize(1);
        assertThat(p.evaluate(get(Requester.ANONYMOUS, "a/b.txt"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(ALICE, "x"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(request(Requester.ANONYMOUS, "s3:ListBucket", null, Map.of())))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(Requester.ANONYMOUS, "s3:PutObject", "x", Map.of())))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.isPublic()).isTrue();
    }

    @Test
    void versionDefaultsTo2008AndOldVersionIsAccepted() {
        BucketPolicy p = BucketPolicy.parse(
                "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                        + "\"Resource\":\"arn:aws:s3:::examplebucket/*\"}}",
                BUCKET);
        assertThat(p.version()).isEqualTo("2008-10-17");
        assertThat(BucketPolicy.parse(
                                p.text().replace("{\"Statement\"", "{\"Version\":\"2008-10-17\",\"Statement\""), BUCKET)
                        .version())
                .isEqualTo("2008-10-17");
    }

    @Test
    void explicitDenyWins() {
        BucketPolicy p = policy(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":[\"arn:aws:s3:::examplebucket\",\"arn:aws:s3:::examplebucket/*\"]},"
                        + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/secret/*\"}");

        assertThat(p.evaluate(get(ALICE, "public/a"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(ALICE, "secret/a"))).isEqualTo(PolicyDecision.DENY);
        assertThat(p.evaluate(get(Requester.ANONYMOUS, "secret/a"))).isEqualTo(PolicyDecision.DENY);
    }

    @Test
    void principalsMatchAccountsRootArnsUsersAndCanonicalIds() {
        BucketPolicy p = policy(
                "{\"Sid\":\"a\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\"]},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/a/*\"},"
                        + "{\"Sid\":\"b\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:user/dev\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/b/*\"},"
                        + "{\"Sid\":\"c\",\"Effect\":\"Allow\",\"Principal\":{\"CanonicalUser\":\"444455556666\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/c/*\"},"
                        + "{\"Sid\":\"d\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/d/*\"}");

        assertThat(p.evaluate(get(ALICE, "a/1"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(new Requester("111122223333", "anyuser", false), "a/1")))
                .isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(BOB, "a/1"))).isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(get(BOB_DEV, "b/1"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(BOB, "b/1"))).isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(get(new Requester("444455556666", "ops", false), "b/1")))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(get(BOB, "c/1"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(ALICE, "d/1"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(Requester.ANONYMOUS, "a/1"))).isEqualTo(PolicyDecision.NONE);
        assertThat(p.isPublic()).isFalse();
    }

    @Test
    void notPrincipalNotActionAndNotResourceInvert() {
        BucketPolicy p = policy(
                "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"NotAction\":[\"s3:Get*\",\"s3:List*\"],\"NotResource\":\"arn:aws:s3:::examplebucket/public/*\"}");

        assertThat(p.evaluate(request(BOB, "s3:PutObject", "private/x", Map.of())))
                .isEqualTo(PolicyDecision.DENY);
        assertThat(p.evaluate(request(ALICE, "s3:PutObject", "private/x", Map.of())))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(BOB, "s3:GetObject", "private/x", Map.of())))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(BOB, "s3:PutObject", "public/x", Map.of())))
                .isEqualTo(PolicyDecision.NONE);
    }

    @Test
    void actionsMatchCaseInsensitivelyWithWildcardsAndResourcesCaseSensitively() {
        BucketPolicy p = policy(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"S3:get*\",\"Resource\":\"arn:aws:s3:::examplebucket/logs/20??/*\"}");

        assertThat(p.evaluate(get(BOB, "logs/2024/a"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(BOB, "logs/202/a"))).isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(get(BOB, "Logs/2024/a"))).isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(BOB, "s3:GETOBJECTTAGGING", "logs/2024/a", Map.of())))
                .isEqualTo(PolicyDecision.ALLOW);
        assertThat(policy(
                                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::examplebucket*\"}")
                        .evaluate(request(BOB, "s3:ListBucket", null, Map.of())))
                .isEqualTo(PolicyDecision.ALLOW);
    }

    @Test
    void malformedDocumentsGetAwsMessages() {
        assertMalformed("not json", "Policies must be valid JSON and the first byte must be '{'");
        assertMalformed("[]", "Policies must be valid JSON and the first byte must be '{'");
        assertMalformed("{\"Version\":\"2012-10-17\"}", "Missing required field Statement");
        assertMalformed("{\"Version\":\"2012-10-17\",\"Statement\":[]}", "Missing required field Statement");
        assertMalformed(
                "{\"Version\":\"2020-01-01\",\"Statement\":[]}", "The policy must contain a valid version string");
        assertMalformed("{\"Statement\":[], \"Extra\": 1}", "Unknown field Extra");
        assertMalformed("{\"Statement\":[\"x\"]}", "Invalid policy syntax.");
        assertStatementMalformed(
                "{\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Missing required field Effect");
        assertStatementMalformed(
                "{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Invalid effect: Permit");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Missing required field Principal");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Missing required field Action");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}",
                "Missing required field Resource");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::otherbucket/*\"}",
                "Policy has invalid resource");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}",
                "Policy has invalid resource");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:FlyObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Policy has invalid action");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ec2:RunInstances\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Policy has invalid action");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket\"}",
                "Action does not apply to any resource(s) in statement");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Action does not apply to any resource(s) in statement");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListAllMyBuckets\",\"Resource\":\"arn:aws:s3:::examplebucket\"}",
                "Action does not apply to any resource(s) in statement");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:s3:::nope\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Invalid principal in policy");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":{\"Someone\":\"x\"},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Invalid principal in policy");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"everyone\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Invalid principal in policy");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\",\"Condition\":{\"StringEqualz\":{\"aws:Referer\":\"x\"}}}",
                "Unknown condition operator StringEqualz");
        assertStatementMalformed(
                "{\"Sid\":\"x\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"},"
                        + "{\"Sid\":\"x\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Statement IDs (SID) in a single policy must be unique.");
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotPrincipal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}",
                "Invalid policy syntax.");
    }

    @Test
    void principalsMustNameExistingAccountsWhenTheServerCanTell() {
        String json = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"111122223333\","
                + "\"arn:aws:iam::444455556666:user/dev\"]},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"}}";

        assertThat(BucketPolicy.parse(json, BUCKET, Set.of("111122223333", "444455556666")::contains)
                        .statements())
                .hasSize(1);
        assertThatThrownBy(() -> BucketPolicy.parse(json, BUCKET, Set.of("111122223333")::contains))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage("Invalid principal in policy");
    }

    @Test
    void documentsOverTwentyKilobytesAreRefused() {
        String big = "{\"Id\":\"" + "x".repeat(BucketPolicy.MAX_SIZE) + "\",\"Statement\":[]}";
        assertMalformed(big, "Policy exceeds the maximum allowed document size.");
    }

    @Test
    void hostileDocumentsAreMalformedPoliciesNotCrashes() {
        String notJson = "Policies must be valid JSON and the first byte must be '{'";
        // Nested far deeper than any policy, well under 20 KB: refused by the parser's depth limit, not by a
        // StackOverflowError.
        assertMalformed("{\"Statement\":" + "[".repeat(9_000) + "]".repeat(9_000) + "}", notJson);
        assertMalformed("{\"Id\":" + "{\"a\":".repeat(3_000), notJson);
        // A megabyte string: refused on size before it is parsed.
        assertMalformed(
                "{\"Id\":\"" + "x".repeat(1024 * 1024) + "\",\"Statement\":[]}",
                "Policy exceeds the maximum allowed document size.");
        // Anything after the document.
        String valid = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::examplebucket/*\"}}";
        assertThat(BucketPolicy.parse(valid + " \n", BUCKET).statements()).hasSize(1);
        assertMalformed(valid + " garbage", notJson);
        assertMalformed(valid + valid, notJson);
        assertMalformed(valid + "}", notJson);
        assertMalformed(valid.replace("}}", "},}"), notJson);
        assertMalformed("\uFEFF" + valid, notJson);
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueAsBefore() {
        BucketPolicy p = policy("{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::examplebucket/*\",\"Effect\":\"Allow\"}");
        assertThat(p.evaluate(get(BOB, "a"))).isEqualTo(PolicyDecision.ALLOW);
    }

    @Test
    void numberConditionValuesKeepTheirDigitsAndHugeExponentsCostNothing() {
        BucketPolicy p = policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\","
                + "\"Resource\":\"arn:aws:s3:::examplebucket\",\"Condition\":{"
                + "\"NumericEquals\":{\"s3:max-keys\":[100, 1.50, 1e2, -0, 12345678901234567890123]},"
                + "\"NumericLessThan\":{\"s3:max-keys\":1e999999999},"
                + "\"StringEquals\":{\"s3:prefix\":[\"\\u0041\", 7, true]}}}");

        assertThat(p.statements().get(0).conditions())
                .extracting(PolicyCondition::values)
                .containsExactly(
                        List.of("100", "1.50", "100", "0", "12345678901234567890123"),
                        // Not a billion zeros: the exponent is kept, and the value still compares as a number.
                        List.of("1E+999999999"),
                        List.of("A", "7", "true"));
        Map<String, List<String>> hundred = Map.of("s3:max-keys", List.of("100"), "s3:prefix", List.of("A"));
        Map<String, List<String>> ninetyNine = Map.of("s3:max-keys", List.of("99"), "s3:prefix", List.of("A"));
        assertThat(p.evaluate(request(BOB, "s3:ListBucket", null, hundred))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(request(BOB, "s3:ListBucket", null, ninetyNine))).isEqualTo(PolicyDecision.NONE);
    }

    @Test
    void wildcardBucketPartMustStillMatchTheBucket() {
        assertThat(policy(
                                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::example*/*\"}")
                        .statements())
                .hasSize(1);
        assertStatementMalformed(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::other*/*\"}",
                "Policy has invalid resource");
    }

    @Test
    void policyStatusFollowsAwsDefinitionOfPublic() {
        String allowAll =
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::examplebucket/*\"";
        assertThat(policy(allowAll + "}").isPublic()).isTrue();
        assertThat(policy(allowAll + ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}")
                        .isPublic())
                .isFalse();
        assertThat(policy(allowAll
                                + ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":[\"10.0.0.0/8\",\"0.0.0.0/1\"]}}}")
                        .isPublic())
                .isTrue();
        assertThat(policy(allowAll + ",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"2001:db8::/32\"}}}")
                        .isPublic())
                .isFalse();
        assertThat(policy(allowAll + ",\"Condition\":{\"NotIpAddress\":{\"aws:SourceIp\":\"10.0.0.0/8\"}}}")
                        .isPublic())
                .isTrue();
        assertThat(policy(allowAll + ",\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"111122223333\"}}}")
                        .isPublic())
                .isFalse();
        assertThat(policy(allowAll + ",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}}")
                        .isPublic())
                .isFalse();
        assertThat(policy(allowAll + ",\"Condition\":{\"StringLike\":{\"aws:userid\":\"AIDA*\"}}}")
                        .isPublic())
                .isTrue();
        assertThat(policy(allowAll + ",\"Condition\":{\"StringEquals\":{\"aws:Referer\":\"http://x\"}}}")
                        .isPublic())
                .isTrue();
        assertThat(policy(allowAll.replace("Allow", "Deny") + "}").isPublic()).isFalse();
    }

    @Test
    void conditionsAreEvaluatedWithCaseInsensitiveKeys() {
        BucketPolicy p = policy(
                "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::examplebucket\","
                        + "\"Condition\":{\"StringLike\":{\"s3:prefix\":[\"home/*\",\"\"]},\"Bool\":{\"AWS:SecureTransport\":true},"
                        + "\"NumericLessThanEquals\":{\"s3:max-keys\":100}}}");

        Map<String, List<String>> ok = Map.of(
                "s3:prefix",
                List.of("home/alice/"),
                "aws:securetransport",
                List.of("true"),
                "s3:max-keys",
                List.of("50"));
        assertThat(p.evaluate(request(BOB, "s3:ListBucket", null, ok))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(request(
                        BOB,
                        "s3:ListBucket",
                        null,
                        Map.of(
                                "s3:prefix",
                                List.of("etc/"),
                                "aws:SecureTransport",
                                List.of("true"),
                                "s3:max-keys",
                                List.of("50")))))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(
                        BOB,
                        "s3:ListBucket",
                        null,
                        Map.of(
                                "s3:prefix",
                                List.of("home/"),
                                "aws:SecureTransport",
                                List.of("false"),
                                "s3:max-keys",
                                List.of("50")))))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(
                        BOB,
                        "s3:ListBucket",
                        null,
                        Map.of(
                                "s3:prefix",
                                List.of("home/"),
                                "aws:SecureTransport",
                                List.of("true"),
                                "s3:max-keys",
                                List.of("1000")))))
                .isEqualTo(PolicyDecision.NONE);
        // s3:max-keys absent: a positive numeric condition fails.
        assertThat(p.evaluate(request(
                        BOB,
                        "s3:ListBucket",
                        null,
                        Map.of("s3:prefix", List.of("home/"), "aws:SecureTransport", List.of("true")))))
                .isEqualTo(PolicyDecision.NONE);
    }

    @Test
    void policyVariablesAreSubstitutedInResourcesAndConditionsOf2012Policies() {
        String statements =
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:GetObject\","
                        + "\"Resource\":\"arn:aws:s3:::examplebucket/home/${aws:username}/*\"},"
                        + "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"s3:ListBucket\","
                        + "\"Resource\":\"arn:aws:s3:::examplebucket\","
                        + "\"Condition\":{\"StringLike\":{\"s3:prefix\":\"home/${aws:username}/*\"}}}";
        BucketPolicy p = policy(statements);
        Map<String, List<String>> dev = Map.of("aws:username", List.of("dev"));

        assertThat(p.evaluate(request(BOB_DEV, "s3:GetObject", "home/dev/a.txt", dev)))
                .isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(request(BOB_DEV, "s3:GetObject", "home/ops/a.txt", dev)))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(BOB, "s3:GetObject", "home/dev/a.txt", Map.of())))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(p.evaluate(request(
                        BOB_DEV,
                        "s3:ListBucket",
                        null,
                        Map.of("aws:username", List.of("dev"), "s3:prefix", List.of("home/dev/docs/")))))
                .isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(request(
                        BOB_DEV,
                        "s3:ListBucket",
                        null,
                        Map.of("aws:username", List.of("dev"), "s3:prefix", List.of("home/ops/")))))
                .isEqualTo(PolicyDecision.NONE);
        // A substituted value is literal: a user named "*" gets no wildcard.
        assertThat(p.evaluate(request(BOB_DEV, "s3:GetObject", "home/dev/a.txt", Map.of("aws:username", List.of("*")))))
                .isEqualTo(PolicyDecision.NONE);

        BucketPolicy old =
                BucketPolicy.parse("{\"Version\":\"2008-10-17\",\"Statement\":[" + statements + "]}", BUCKET);
        assertThat(old.evaluate(request(BOB_DEV, "s3:GetObject", "home/dev/a.txt", dev)))
                .isEqualTo(PolicyDecision.NONE);
        assertThat(old.evaluate(request(BOB_DEV, "s3:GetObject", "home/${aws:username}/a.txt", dev)))
                .isEqualTo(PolicyDecision.ALLOW);
    }

    @Test
    void policyVariableEscapesAndDefaults() {
        BucketPolicy p = policy("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\","
                + "\"Resource\":\"arn:aws:s3:::examplebucket/${*}/${aws:username, 'guest'}/*\"}");

        assertThat(p.evaluate(get(Requester.ANONYMOUS, "*/guest/x"))).isEqualTo(PolicyDecision.ALLOW);
        assertThat(p.evaluate(get(Requester.ANONYMOUS, "a/guest/x"))).isEqualTo(PolicyDecision.NONE);
    }
}
