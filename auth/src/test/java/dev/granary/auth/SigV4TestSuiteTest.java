package dev.granary.auth;

import static dev.granary.auth.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * AWS's generic SigV4 test suite (aws-sig-v4-test-suite): service "service", region us-east-1, 20150830T123600Z,
 * AKIDEXAMPLE. It checks canonicalization and signing below the S3-only checks of the verifier.
 *
 * <p>Skipped on purpose: get-slash, get-slashes, get-slash-dot-slash, get-slash-pointless-dot, get-relative and
 * get-relative-relative expect the path to be normalized, which S3 does not do ("//" and "." are part of a key).
 */
class SigV4TestSuiteTest {

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String DATE = "20150830T123600Z";
    private static final String SCOPE = "20150830/us-east-1/service/aws4_request";

    private static String sign(SignableRequest request, String payload) {
        List<String> signed = request.headers().keySet().stream().sorted().toList();
        String canonical = SigV4.canonicalRequest(
                request, SigV4.parseQuery(request.rawQuery(), true), signed, SigV4.sha256Hex(payload));
        byte[] key = SigV4.signingKey(SECRET, "20150830", "us-east-1", "service");
        return SigV4.signature(key, SigV4.stringToSign(DATE, SCOPE, canonical));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "get-vanilla|/||5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
                "get-unreserved|/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz||"
                        + "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f",
                "get-vanilla-query-order-key-case|/|Param2=value2&Param1=value1|"
                        + "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                "get-vanilla-query-order-value|/|Param1=value2&Param1=value1|"
                        + "5772eed61e12b33fae39ee5e7012498b51d56abc0abb7c60486157bd471c4694",
                "get-vanilla-utf8-query|/|\u1234=bar|2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04",
            })
    void signsTheSuiteVector(String name, String path, String query, String signature) {
        SignableRequest request = request("GET", path, query, "host", "example.amazonaws.com", "x-amz-date", DATE);
        assertThat(sign(request, "")).isEqualTo(signature);
    }

    @Test
    void getHeaderValueTrimCollapsesInnerSpacesAndTrims() {
        SignableRequest request = request(
                "GET",
                "/",
                "",
                "host",
                "example.amazonaws.com",
                "my-header1",
                " value1",
                "my-header2",
                "\"a   b   c\"",
                "x-amz-date",
                DATE);
        assertThat(sign(request, "")).isEqualTo("acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736");
    }

    @Test
    void getHeaderValueOrderJoinsRepeatedValuesInOrder() {
        SignableRequest request = request(
                "GET",
                "/",
                "",
                "host",
                "example.amazonaws.com",
                "my-header1",
                "value4",
                "my-header1",
                "value1",
                "my-header1",
                "value3",
                "my-header1",
                "value2",
                "x-amz-date",
                DATE);
        assertThat(sign(request, "")).isEqualTo("08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01");
    }

    @Test
    void getHeaderKeyDuplicateKeepsDuplicateValues() {
        SignableRequest request = request(
                "GET",
                "/",
                "",
                "host",
                "example.amazonaws.com",
                "my-header1",
                "value2",
                "my-header1",
                "value2",
                "my-header1",
                "value1",
                "x-amz-date",
                DATE);
        assertThat(sign(request, "")).isEqualTo("c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea");
    }

    @Test
    void postXWwwFormUrlencodedSignsTheBodyHash() {
        SignableRequest request = request(
                "POST",
                "/",
                "",
                "content-type",
                "application/x-www-form-urlencoded",
                "host",
                "example.amazonaws.com",
                "x-amz-date",
                DATE);
        List<String> signed = List.of("content-type", "host", "x-amz-date");
        String canonical =
                SigV4.canonicalRequest(request, SigV4.parseQuery("", true), signed, SigV4.sha256Hex("Param1=value1"));
        assertThat(canonical)
                .isEqualTo(String.join(
                        "\n",
                        Arrays.asList(
                                "POST",
                                "/",
                                "",
                                "content-type:application/x-www-form-urlencoded",
                                "host:example.amazonaws.com",
                                "x-amz-date:20150830T123600Z",
                                "",
                                "content-type;host;x-amz-date",
                                "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e")));
        assertThat(SigV4.stringToSign(DATE, SCOPE, canonical))
                .endsWith("\n42a5e5bb34198acb3e84da4f085bb7927f2bc277ca766e6d19c73c2154021281");
        assertThat(sign(request, "Param1=value1"))
                .isEqualTo("ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // get-space and get-utf8: characters clients leave unencoded are encoded once.
                "/example space/|/example%20space/",
                "/\u1234|/%E1%88%B4",
                // Already encoded input is not encoded twice, whatever the hex case.
                "/example%20space/|/example%20space/",
                "/%e1%88%b4|/%E1%88%B4",
                // Clients differ on these; the canonical form does not.
                "/b/k!(1)*'|/b/k%21%281%29%2A%27",
                "/b/k%21%281%29|/b/k%21%281%29",
                // An encoded slash belongs to the key; a literal one separates. No normalization.
                "/b/a%2Fb|/b/a%2Fb",
                "/b//a/./../c|/b//a/./../c",
                "/b/a+b|/b/a%2Bb",
                "/b/100%|/b/100%25",
                "|/",
            })
    void canonicalUriReencodesWithoutNormalizing(String raw, String canonical) {
        assertThat(SigV4.canonicalUri(raw == null ? "" : raw)).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "b&a=1|a=1&b=",
                "a=1=2|a=1%3D2",
                "x=a.b&x=a%2Fb|x=a%2Fb&x=a.b",
                "prefix=a/b c|prefix=a%2Fb%20c",
                "q=a+b|q=a%20b",
                "acl|acl=",
                "a=1&&b=2|a=1&b=2",
                "X-Amz-Signature=abc&z=1|z=1",
            })
    void canonicalQuerySortsAndReencodes(String raw, String canonical) {
        assertThat(SigV4.canonicalQuery(SigV4.parseQuery(raw, true))).isEqualTo(canonical);
    }
}
