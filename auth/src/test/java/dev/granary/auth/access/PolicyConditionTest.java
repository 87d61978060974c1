package dev.granary.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Condition operators, one family at a time, against IAM's documented semantics. */
class PolicyConditionTest {

    private static boolean holds(String operator, String key, List<String> values, Map<String, List<String>> context) {
        return PolicyCondition.of(operator, key, values)
                .holds(new AccessRequest(Requester.ANONYMOUS, "s3:GetObject", "arn:aws:s3:::b/k", context));
    }

    private static boolean holds(String operator, List<String> values, String... actual) {
        Map<String, List<String>> context = new HashMap<>();
        if (actual.length > 0) {
            context.put("k:key", List.of(actual));
        }
        return holds(operator, "k:key", values, context);
    }

    @Test
    void stringOperators() {
        assertThat(holds("StringEquals", List.of("a", "b"), "b")).isTrue();
        assertThat(holds("StringEquals", List.of("a"), "A")).isFalse();
        assertThat(holds("StringEqualsIgnoreCase", List.of("a"), "A")).isTrue();
        assertThat(holds("StringNotEquals", List.of("a", "b"), "c")).isTrue();
        assertThat(holds("StringNotEquals", List.of("a", "b"), "b")).isFalse();
        assertThat(holds("StringNotEqualsIgnoreCase", List.of("a"), "A")).isFalse();
        assertThat(holds("StringLike", List.of("home/*/docs", "x?z"), "home/al/ice/docs"))
                .isTrue();
        assertThat(holds("StringLike", List.of("x?z"), "xyz")).isTrue();
        assertThat(holds("StringLike", List.of("x?z"), "xz")).isFalse();
        assertThat(holds("StringNotLike", List.of("tmp/*"), "tmp/1")).isFalse();
    }

    @Test
    void absentKeyFailsPositiveOperatorsAndSatisfiesNegatedOnesIfExistsAndNull() {
        assertThat(holds("StringEquals", List.of("a"))).isFalse();
        assertThat(holds("StringNotEquals", List.of("a"))).isTrue();
        assertThat(holds("NotIpAddress", List.of("10.0.0.0/8"))).isTrue();
        assertThat(holds("StringEqualsIfExists", List.of("a"))).isTrue();
        assertThat(holds("StringEqualsIfExists", List.of("a"), "b")).isFalse();
        assertThat(holds("Null", List.of("true"))).isTrue();
        assertThat(holds("Null", List.of("true"), "x")).isFalse();
        assertThat(holds("Null", List.of("false"), "x")).isTrue();
        assertThat(holds("Null", List.of("false"))).isFalse();
    }

    @Test
    void numericOperators() {
        assertThat(holds("NumericEquals", List.of("10"), "10.0")).isTrue();
        assertThat(holds("NumericNotEquals", List.of("10"), "11")).isTrue();
        assertThat(holds("NumericLessThan", List.of("10"), "9")).isTrue();
        assertThat(holds("NumericLessThan", List.of("10"), "10")).isFalse();
        assertThat(holds("NumericLessThanEquals", List.of("10"), "10")).isTrue();
        assertThat(holds("NumericGreaterThan", List.of("10"), "11")).isTrue();
        assertThat(holds("NumericGreaterThanEquals", List.of("10"), "9")).isFalse();
        assertThat(holds("NumericEquals", List.of("10"), "ten")).isFalse();
    }

    @Test
    void dateOperatorsTakeIsoDatesAndEpochSeconds() {
        assertThat(holds("DateLessThan", List.of("2030-01-01T00:00:00Z"), "2029-12-31T23:59:59Z"))
                .isTrue();
        assertThat(holds("DateGreaterThan", List.of("2030-01-01"), "2030-01-01T00:00:01Z"))
                .isTrue();
        assertThat(holds("DateEquals", List.of("2030-01-01T00:00:00Z"), "1893456000"))
                .isTrue();
        assertThat(holds("DateNotEquals", List.of("2030-01-01T00:00:00+01:00"), "2030-01-01T00:00:00Z"))
                .isTrue();
        assertThat(holds("DateLessThanEquals", List.of("2030-01-01T00:00:00Z"), "2030-01-01T00:00:00Z"))
                .isTrue();
        assertThat(holds("DateGreaterThanEquals", List.of("2030-01-01T00:00:00Z"), "not a date"))
                .isFalse();
    }

    @Test
    void boolBinaryAndArnOperators() {
        assertThat(holds("Bool", List.of("true"), "TRUE")).isTrue();
        assertThat(holds("Bool", List.of("false"), "true")).isFalse();
        assertThat(holds("BinaryEquals", List.of("QmluYXJ5"), "QmluYXJ5")).isTrue();
        assertThat(holds("ArnLike", List.of("arn:aws:s3:::b/*"), "arn:aws:s3:::b/k"))
                .isTrue();
        assertThat(holds("ArnEquals", List.of("arn:aws:s3:::b"), "arn:aws:s3:::c"))
                .isFalse();
        assertThat(holds("ArnNotLike", List.of("arn:aws:s3:::b/*"), "arn:aws:s3:::c/k"))
                .isTrue();
        assertThat(holds("ArnNotEquals", List.of("arn:aws:s3:::b"), "arn:aws:s3:::b"))
                .isFalse();
    }

    @Test
    void ipAddressMatchesIpv4AndIpv6Blocks() {
        assertThat(holds("IpAddress", List.of("192.0.2.0/24"), "192.0.2.17")).isTrue();
        assertThat(holds("IpAddress", List.of("192.0.2.0/24"), "192.0.3.1")).isFalse();
        assertThat(holds("IpAddress", List.of("203.0.113.5"), "203.0.113.5")).isTrue();
        assertThat(holds("IpAddress", List.of("2001:db8::/32"), "2001:db8:1::7"))
                .isTrue();
        assertThat(holds("IpAddress", List.of("2001:db8::/32"), "2001:db9::1")).isFalse();
        assertThat(holds("IpAddress", List.of("2001:db8::/32"), "192.0.2.1")).isFalse();
        assertThat(holds("IpAddress", List.of("0.0.0.0/0"), "8.8.8.8")).isTrue();
        assertThat(holds("NotIpAddress", List.of("192.0.2.0/24", "10.0.0.0/8"), "10.1.2.3"))
                .isFalse();
        assertThat(holds("NotIpAddress", List.of("192.0.2.0/24"), "10.1.2.3")).isTrue();
        assertThat(holds("IpAddress", List.of("10.0.0.0/8"), "example.com")).isFalse();
        assertThat(holds("IpAddress", List.of("0.0.0.0/0"), "999.1.1.1")).isFalse();
        assertThat(holds("IpAddress", List.of("::/0"), "::ffff:zz")).isFalse();
        assertThatThrownBy(() -> PolicyCondition.of("IpAddress", "aws:SourceIp", List.of("example.com")))
                .isInstanceOf(MalformedPolicyException.class);
    }

    @Test
    void setQualifiersCompareEveryValue() {
        assertThat(holds("ForAnyValue:StringEquals", List.of("a", "b"), "x", "b"))
                .isTrue();
        assertThat(holds("ForAnyValue:StringEquals", List.of("a", "b"), "x", "y"))
                .isFalse();
        assertThat(holds("ForAnyValue:StringEquals", List.of("a"))).isFalse();
        assertThat(holds("ForAllValues:StringEquals", List.of("a", "b"), "a", "b"))
                .isTrue();
        assertThat(holds("ForAllValues:StringEquals", List.of("a", "b"), "a", "c"))
                .isFalse();
        assertThat(holds("ForAllValues:StringEquals", List.of("a"))).isTrue();
        assertThat(holds("ForAllValues:StringNotLike", List.of("tmp*"), "a", "b"))
                .isTrue();
        assertThat(holds("ForAnyValue:StringLikeIfExists", List.of("a*"))).isTrue();
    }

    @Test
    void unknownOperatorsAndBadBoolValuesAreMalformed() {
        assertThatThrownBy(() -> PolicyCondition.of("StringSortOf", "k", List.of("a")))
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessage("Unknown condition operator StringSortOf");
        assertThatThrownBy(() -> PolicyCondition.of("NullIfExists", "k", List.of("true")))
                .isInstanceOf(MalformedPolicyException.class);
        assertThatThrownBy(() -> PolicyCondition.of("Bool", "k", List.of("yes")))
                .isInstanceOf(MalformedPolicyException.class);
    }
}
