package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The current AWS SDK for JavaScript v3 against a real server ({@code src/test/resources/jssdk/presign.mjs}, run
 * by node after {@code npm ci}): its client puts and gets an object, and its presigner makes PUT and GET URLs -
 * with the {@code x-amz-checksum-*} and {@code x-amz-sdk-checksum-algorithm} query parameters it adds - that
 * {@code fetch()} uses as a browser page would. Skipped when node or npm is missing, unless
 * {@code GRANARY_REQUIRE_CLIENTS=1} (as in CI).
 */
class JsSdkIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void clientAndPresignedUrlsOfTheJavaScriptSdkWork(@TempDir Path work) throws Exception {
        String node = S3ClientsIT.onPath("node");
        S3ClientsIT.requireTool(node, "node (Debian package nodejs)");
        String npm = S3ClientsIT.onPath("npm");
        S3ClientsIT.requireTool(npm, "npm");
        Path scripts = Path.of(JsSdkIT.class.getResource("/jssdk/presign.mjs").toURI()).getParent();
        BrowserIT.npmCi(npm, scripts, work, "@aws-sdk/client-s3");

        String output = BrowserIT.run(
                List.of(node, scripts.resolve("presign.mjs").toString(), server.uri().toString(),
                        GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "js-sdk"),
                scripts,
                work.resolve("node.log"),
                60,
                Map.of());
        String line = output.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no result from presign.mjs:\n" + output));
        JsonNode result = JsonNode.parser().parse(line);

        assertThat(BrowserIT.text(result, "client", "same")).isEqualTo("true");
        assertThat(BrowserIT.text(result, "client", "etag")).isEqualTo(BrowserIT.text(result, "client", "expected"));
        for (String variant : List.of("plain", "CRC32", "SHA256")) {
            assertThat(BrowserIT.text(result, variant, "putStatus")).as(variant + ": " + line).isEqualTo("200");
            assertThat(BrowserIT.text(result, variant, "etag")).isEqualTo(BrowserIT.text(result, variant, "expected"));
            assertThat(BrowserIT.text(result, variant, "getStatus")).isEqualTo("200");
            assertThat(BrowserIT.text(result, variant, "same")).as(variant).isEqualTo("true");
        }
        // The presigner of this SDK version does add the checksum parameters the issue is about.
        assertThat(result.field("CRC32").orElseThrow().field("queryParameters").orElseThrow().toString())
                .contains("x-amz-sdk-checksum-algorithm");
        assertThat(Files.readString(work.resolve("node.log"))).doesNotContain("Error:");
    }
}
