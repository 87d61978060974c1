package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hardened JSON reader: the values policies use, strict JSON only, and limits a hostile document cannot pass. */
class JsonReaderTest {
    private static final JsonReader READER = JsonReader.lastDuplicateKeyWins(64 * 1024);

    @Test
    void parsesWhatPoliciesUseAsPlainJavaValues() {
        Object value = READER.parse(
                " {\"b\": [1, -2.5e3, 1.50, 12345678901234567890123, \"x\\u0041\\n\\u00e9\", true, false, null, {}],"
                        + " \"a\": \"\\\"\\\\/\"}\n");

        assertThat(value)
                .isEqualTo(Map.of(
                        "b",
                        Arrays.asList(
                                1,
                                new BigDecimal("-2.5e3"),
                                new BigDecimal("1.50"),
                                new BigInteger("12345678901234567890123"),
                                "xA\né",
                                true,
                                false,
                                null,
                                Map.of()),
                        "a",
                        "\"\\/"));
        assertThat(List.copyOf(((Map<?, ?>) value).keySet())).isEqualTo(List.of("b", "a"));
        // The digits as written: a condition value 1.50 is not the double 1.5.
        assertThat(((BigDecimal) ((List<?>) ((Map<?, ?>) value).get("b")).get(2)).toPlainString())
                .isEqualTo("1.50");
        assertThat(READER.parse("\"s\"")).isEqualTo("s");
        assertThat(READER.parse("null")).isNull();
    }

    @Test
    void refusesAnythingButOneStrictJsonValue() {
        for (String bad : List.of(
                "",
                "   ",
                "{\"a\": 1,}",
                "[1,]",
                "{'a': 1}",
                "{a: 1}",
                "/* c */ {}",
                "NaN",
                "01",
                "1.",
                "-.5",
                "\"\\u-041\"",
                "\"tab\tinside\"",
                "\uFEFF{}",
                "{\"a\": tru}",
                "{\"a\" 1}")) {
            assertThatThrownBy(() -> READER.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesTrailingTokensAfterTheValue() {
        assertThatThrownBy(() -> READER.parse("[1] 2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid JSON at ");
        assertThatThrownBy(() -> READER.parse("{} {}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> READER.parse("{\"a\":1} garbage")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> READER.parse("{\"a\":1}}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> READER.parse("{}\u0000")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nestingIsLimitedSoDeepDocumentsFailInsteadOfOverflowingTheStack() {
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(READER.parse(ok)).isInstanceOf(List.class);

        String tooDeep = "[".repeat(JsonReader.MAX_DEPTH + 1) + "]".repeat(JsonReader.MAX_DEPTH + 1);
        assertThatThrownBy(() -> READER.parse(tooDeep))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nesting depth");
        // Sixty thousand levels, under the length limit: an error, not a StackOverflowError.
        String hostile = "[".repeat(60_000);
        assertThatThrownBy(() -> READER.parse(hostile)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void documentsOverTheLengthLimitAreRefusedBeforeTheirStringsAreBuffered() {
        JsonReader small = JsonReader.lastDuplicateKeyWins(1024);
        String megabyteString = "{\"a\":\"" + "x".repeat(1024 * 1024) + "\"}";
        assertThatThrownBy(() -> small.parse(megabyteString))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON: longer than 1024 chars");
        assertThatThrownBy(() -> READER.parse(megabyteString)).isInstanceOf(IllegalArgumentException.class);

        String atLimit = "\"" + "x".repeat(1022) + "\"";
        assertThat(small.parse(atLimit)).isEqualTo("x".repeat(1022));
        assertThatThrownBy(() -> small.parse(atLimit + " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRepeatedKeyKeepsItsLastValueOrIsRefused() {
        String repeated = "{\"Effect\":\"Deny\",\"x\":1,\"Effect\":\"Allow\"}";
        assertThat(READER.parseObject(repeated)).containsExactly(Map.entry("Effect", "Allow"), Map.entry("x", 1));

        assertThatThrownBy(() -> JsonReader.duplicateKeysRefused(1024).parse(repeated))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Duplicate field 'Effect'");
        // Repeated in a nested object too, and after unescaping (JSON's "\\u0061" is "a").
        assertThatThrownBy(() -> JsonReader.duplicateKeysRefused(1024).parse("[{\"a\":1,\"\\u0061\":2}]"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseObjectWantsAnObject() {
        assertThat(READER.parseObject("{\"name\":\"gina\"}")).containsExactly(Map.entry("name", "gina"));
        assertThatThrownBy(() -> READER.parseObject("[{}]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON: expected an object");
        assertThatThrownBy(() -> READER.parseObject("null")).isInstanceOf(IllegalArgumentException.class);
    }
}
