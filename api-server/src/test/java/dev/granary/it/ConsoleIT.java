package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;

/**
 * The web console (first slice) in Debian's headless chromium, driven as a person would through playwright-core
 * ({@code browser/console.mjs}): served by the admin port at {@code /} with a strict Content-Security-Policy, a sign-in
 * form with an access-key text field and a password field for the secret, sign-in for session credentials (the secret
 * field emptied, nothing kept in the page's storage), the bucket list through the S3 port (across origins, with the
 * CORS the console's origin gets), a bucket created, the language switched to Simplified Chinese, sign-out, and a wrong
 * secret refused with the server's error shown. Skipped when chromium, node or npm is missing, unless
 * {@code GRANARY_REQUIRE_CLIENTS=1}.
 */
class ConsoleIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPersonSignsInSeesTheBucketsCreatesOneAndSignsOut(@TempDir Path work) throws Exception {
        BrowserIT.Tools tools = BrowserIT.Tools.require();
        String chromium = tools.chromium();
        String node = tools.node();
        String npm = tools.npm();
        Path scripts = Path.of(
                        ConsoleIT.class.getResource("/browser/console.mjs").toURI())
                .getParent();
        BrowserIT.npmCi(npm, scripts, work, "playwright-core");
        server.client().createBucket(b -> b.bucket("console-existing"));

        // The page itself: no inline script, confined by its CSP, framed by nobody.
        HttpResponse<String> page = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(server.adminUri().resolve("/")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<input id=\"access-key\" name=\"access-key\" type=\"text\"")
                .contains("<input id=\"secret\" name=\"secret\" type=\"password\"")
                .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>");
        assertThat(page.headers().firstValue("content-security-policy").orElseThrow())
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .contains("connect-src 'self' http://127.0.0.1:" + server.uri().getPort())
                .doesNotContain("unsafe-inline");
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(server.adminUri().resolve("/console/../admin/v1/users"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isIn(403, 404);

        URI console = server.adminUri().resolve("/");
        // Screenshots of the pages go to target/ (the README's come from there).
        Path screenshots = Files.createDirectories(Path.of("target", "console-screenshots"));
        String output = BrowserIT.run(
                List.of(
                        node,
                        scripts.resolve("console.mjs").toString(),
                        console.toString(),
                        GranaryServerExtension.ACCESS_KEY,
                        GranaryServerExtension.SECRET_KEY,
                        "console-made",
                        screenshots.toAbsolutePath().toString()),
                scripts,
                work.resolve("console.log"),
                90,
                Map.of("CHROMIUM", chromium));
        String line = output.lines()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line from the console script:\n" + output));
        JsonNode result = JsonNode.parser().parse(line.substring("RESULT ".length()));
        String report = output;

        assertThat(BrowserIT.text(result, "accessKeyType")).as(report).isEqualTo("text");
        assertThat(BrowserIT.text(result, "secretType")).as(report).isEqualTo("password");
        assertThat(BrowserIT.text(result, "title")).as(report).isEqualTo("Granary console");
        assertThat(BrowserIT.text(result, "secretAfterSignIn")).as(report).isEmpty();
        assertThat(BrowserIT.text(result, "user")).as(report).contains("(root)");
        assertThat(BrowserIT.text(result, "storage", "local")).as(report).isEqualTo("0");
        assertThat(BrowserIT.text(result, "storage", "session")).as(report).isEqualTo("0");
        assertThat(BrowserIT.text(result, "bucketsAfterSignIn")).as(report).contains("console-existing");
        assertThat(BrowserIT.text(result, "bucketsAfterCreate"))
                .as(report)
                .contains("console-existing")
                .contains("console-made");
        assertThat(server.client()
                        .headBucket(b -> b.bucket("console-made"))
                        .sdkHttpResponse()
                        .isSuccessful())
                .isTrue();
        assertThat(BrowserIT.text(result, "titleZh")).as(report).isEqualTo("Granary 控制台");
        assertThat(BrowserIT.text(result, "signedOut")).as(report).isEqualTo("true");
        assertThat(BrowserIT.text(result, "rowsAfterSignOut")).as(report).isEqualTo("0");
        assertThat(BrowserIT.text(result, "wrongSecretError")).as(report).contains("SignatureDoesNotMatch");
        assertThat(BrowserIT.text(result, "stateAfterWrongSecret")).as(report).isEqualTo("signed-out");
        assertThat(screenshots.resolve("console-buckets.png")).isNotEmptyFile();

        server.client().deleteBucket(b -> b.bucket("console-made"));
        server.client().deleteBucket(b -> b.bucket("console-existing"));
    }
}
