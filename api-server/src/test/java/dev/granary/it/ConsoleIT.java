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

    private static final int BIG_SIZE = 30 * 1024 * 1024;
    private static final int BIG_SEED = 11;

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
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
        // Over a listing page's worth under one prefix, and a folder beside it.
        java.util.stream.IntStream.range(0, 1050)
                .parallel()
                .forEach(i -> server.client()
                        .putObject(
                                b -> b.bucket("console-existing").key(String.format("many/%04d", i)),
                                software.amazon.awssdk.core.sync.RequestBody.fromString("item " + i)));
        server.client()
                .putObject(
                        b -> b.bucket("console-existing").key("docs/readme.txt"),
                        software.amazon.awssdk.core.sync.RequestBody.fromString("read me"));

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
                        screenshots.toAbsolutePath().toString(),
                        "console-existing",
                        Integer.toString(BIG_SIZE),
                        Integer.toString(BIG_SEED)),
                scripts,
                work.resolve("console.log"),
                150,
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
        // Browsing: folders at the root, 1,000 keys on the first page of many/, the last 50 on the next.
        assertThat(BrowserIT.text(result, "rootFolders"))
                .as(report)
                .contains("many/")
                .contains("docs/");
        assertThat(BrowserIT.text(result, "firstPage")).as(report).isEqualTo("1000");
        assertThat(BrowserIT.text(result, "nextVisible")).as(report).isEqualTo("true");
        assertThat(BrowserIT.text(result, "secondPage"))
                .as(report)
                .contains("many/1000")
                .contains("many/1049")
                .doesNotContain("many/0999");
        // The dropped 30 MiB file: multipart, its progress bar and the overall one full, stored byte for byte.
        byte[] big = BrowserIT.content(BIG_SEED, BIG_SIZE);
        assertThat(BrowserIT.text(result, "uploadProgress").replace(" ", ""))
                .as(report)
                .isEqualTo("[" + BIG_SIZE + "," + BIG_SIZE + "]");
        assertThat(BrowserIT.text(result, "overallProgress").replace(" ", ""))
                .as(report)
                .isEqualTo("[" + BIG_SIZE + "," + BIG_SIZE + "]");
        var stored = server.client()
                .getObjectAsBytes(b -> b.bucket("console-existing").key("big.bin"));
        assertThat(stored.asByteArray()).isEqualTo(big);
        assertThat(stored.response().eTag()).endsWith("-4\"");
        // Downloaded through the page, and shared: the link fetched from a fresh browser context.
        assertThat(BrowserIT.text(result, "downloadName")).as(report).isEqualTo("big.bin");
        assertThat(Files.readAllBytes(screenshots.resolve("downloaded.bin"))).isEqualTo(big);
        String shareUrl = BrowserIT.text(result, "shareUrl");
        assertThat(shareUrl).as(report).contains("X-Amz-Security-Token=").contains("X-Amz-Expires=3600");
        assertThat(BrowserIT.text(result, "shareStatus")).as(report).isEqualTo("200");
        assertThat(BrowserIT.text(result, "shareSha256")).as(report).isEqualTo(BrowserIT.sha256Hex(big));
        // Versioning turned on in the page, a file put twice, the older version restored: three versions, the
        // first one's bytes current.
        assertThat(server.client()
                        .getBucketVersioning(b -> b.bucket("console-existing"))
                        .statusAsString())
                .isEqualTo("Enabled");
        assertThat(BrowserIT.text(result, "docUploads")).as(report).isEqualTo("2");
        assertThat(BrowserIT.text(result, "detailsText")).as(report).contains("text/plain");
        assertThat(BrowserIT.text(result, "versionsAfterRestore")).as(report).isEqualTo("3");
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket("console-existing").key("doc.txt"))
                        .asUtf8String())
                .isEqualTo("first version");
        assertThat(server.client()
                        .listObjectVersions(b -> b.bucket("console-existing").prefix("doc.txt"))
                        .versions())
                .hasSize(3);
        assertThat(BrowserIT.text(result, "titleZh")).as(report).isEqualTo("Granary 控制台");
        assertThat(BrowserIT.text(result, "signedOut")).as(report).isEqualTo("true");
        assertThat(BrowserIT.text(result, "rowsAfterSignOut")).as(report).isEqualTo("0");
        assertThat(BrowserIT.text(result, "wrongSecretError")).as(report).contains("SignatureDoesNotMatch");
        assertThat(BrowserIT.text(result, "stateAfterWrongSecret")).as(report).isEqualTo("signed-out");
        assertThat(screenshots.resolve("console-buckets.png")).isNotEmptyFile();

        // A share link is signed with the session: signing out ends it too.
        assertThat(HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create(shareUrl)).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(403);
        server.client().deleteBucket(b -> b.bucket("console-made"));
    }
}
