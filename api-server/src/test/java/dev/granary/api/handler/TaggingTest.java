package dev.granary.api.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.api.error.S3Exception;
import dev.granary.api.xml.XmlReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class TaggingTest {
    private static SortedMap<String, String> parse(String xml) {
        return Tagging.parseXml(XmlReader.parse(xml.getBytes(StandardCharsets.UTF_8)), false);
    }

    private static void assertCode(Runnable call, String code) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void parsesATagSetAndWritesItBack() {
        SortedMap<String, String> tags = parse("<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag>"
                + "<Tag><Key>b</Key><Value/></Tag></TagSet></Tagging>");

        assertThat(tags).containsExactly(Map.entry("a", "1"), Map.entry("b", ""));
        assertThat(parse(new String(Tagging.toXml(tags).toBytes(), StandardCharsets.UTF_8)))
                .isEqualTo(tags);
    }

    @Test
    void malformedDocumentsAreMalformedXml() {
        assertCode(() -> parse("<Tagging>"), "MalformedXML");
        assertCode(() -> parse("<Other><TagSet/></Other>"), "MalformedXML");
        assertCode(() -> parse("<Tagging/>"), "MalformedXML");
        assertCode(() -> parse("<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>"), "MalformedXML");
        assertCode(() -> parse("<Tagging><TagSet><Tag><Value>a</Value></Tag></TagSet></Tagging>"), "MalformedXML");
    }

    @Test
    void headerLimits() {
        assertThat(Tagging.parseHeader("a=1&b=%C3%A9")).containsExactly(Map.entry("a", "1"), Map.entry("b", "é"));
        assertThat(Tagging.parseHeader(null)).isEmpty();
        assertCode(() -> Tagging.parseHeader("=v"), "InvalidTag");
        assertCode(() -> Tagging.parseHeader("aws:x=1"), "InvalidTag");
        StringBuilder eleven = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            eleven.append("k").append(i).append("=v&");
        }
        assertCode(() -> Tagging.parseHeader(eleven.toString()), "BadRequest");
    }
}
