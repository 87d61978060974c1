package dev.granary.api.cors;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.api.error.S3Exception;
import dev.granary.api.xml.XmlReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** CORS rules: parsing and validation as AWS, the stored form, and matching. */
class CorsConfigurationTest {
    private static CorsConfiguration parse(String xml) {
        return CorsConfiguration.parse(XmlReader.parse(xml.getBytes(UTF_8)));
    }

    private static final String DOC = "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<CORSRule><ID>r1</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>PUT</AllowedMethod>"
            + "<AllowedOrigin>https://*.example.com</AllowedOrigin><ExposeHeader>ETag</ExposeHeader>"
            + "<MaxAgeSeconds>60</MaxAgeSeconds></CORSRule>"
            + "<CORSRule><AllowedMethod>GET</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>"
            + "</CORSConfiguration>";

    @Test
    void roundTripsThroughItsStoredForm() {
        CorsConfiguration c = parse(DOC);

        assertThat(new String(c.toXml().toBytes(), UTF_8)).endsWith(DOC);
        assertThat(parse(new String(c.toXml().toBytes(), UTF_8))).isEqualTo(c);
    }

    @Test
    void firstMatchingRuleWins() {
        CorsConfiguration c = parse(DOC);

        assertThat(c.match("https://a.example.com", "PUT", List.of("content-type"))
                        .id())
                .isEqualTo("r1");
        assertThat(c.match("https://a.example.com", "GET", List.of()).id()).isNull();
        assertThat(c.match("https://example.com", "PUT", List.of())).isNull();
        assertThat(c.match("http://a.example.com", "PUT", List.of())).isNull();
        assertThat(c.match("https://x.test", "GET", List.of("x-custom"))).isNull();
    }

    @Test
    void wildcardsMatchOnePatternEachSide() {
        assertThat(CorsRule.wildcardMatch("https://*.example.com", "https://a.b.example.com", false))
                .isTrue();
        assertThat(CorsRule.wildcardMatch("https://*.example.com", "https://.example.co", false))
                .isFalse();
        assertThat(CorsRule.wildcardMatch("x-amz-*", "X-Amz-Meta-A", true)).isTrue();
        assertThat(CorsRule.wildcardMatch("ab*ba", "aba", false)).isFalse();
        assertThat(CorsRule.wildcardMatch("*", "", false)).isTrue();
    }

    @Test
    void invalidDocumentsFailAsAwsDoes() {
        assertThatThrownBy(() -> parse("<CORSConfiguration/>"))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.code()).isEqualTo("MalformedXML"));
        assertThatThrownBy(() -> parse("<Other><CORSRule/></Other>"))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.code()).isEqualTo("MalformedXML"));
        assertThatThrownBy(() -> parse("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                        + "<AllowedMethod>OPTIONS</AllowedMethod></CORSRule></CORSConfiguration>"))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.code()).isEqualTo("InvalidRequest"));
        assertThatThrownBy(() -> parse("<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin>"
                        + "<AllowedMethod>GET</AllowedMethod><AllowedHeader>a*b*</AllowedHeader></CORSRule>"
                        + "</CORSConfiguration>"))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.getMessage())
                                .isEqualTo("AllowedHeader \"a*b*\" can not have more than one wildcard."));
        String tooMany =
                "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>".repeat(101);
        assertThatThrownBy(() -> parse("<CORSConfiguration>" + tooMany + "</CORSConfiguration>"))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.code()).isEqualTo("MalformedXML"));
    }
}
