package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS SDK for JavaScript v3 ({@code @aws-sdk/client-s3} and {@code @aws-sdk/s3-request-presigner}, pinned in
 * {@code src/test/resources/sdkv3/package-lock.json}, installed with {@code npm ci}) against a real server: presigned
 * PUTs with the flexible checksum query parameters the SDK adds ({@code x-amz-sdk-checksum-algorithm},
 * {@code x-amz-checksum-crc32} of the empty body it saw at presign time, or SHA256), without them
 * ({@code requestChecksumCalculation: WHEN_REQUIRED}), presigned GETs of the bytes, and the SDK's signed calls
 * ({@code presign.mjs}). Skipped when node or npm is missing, unless {@code GRANARY_REQUIRE_CLIENTS=1}.
 */
class JsSdkPresignIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void presignedPutsAndGetsOfTheJavaScriptSdkV3RoundTripTheBytes(@TempDir Path work) throws Exception {
        String node = S3ClientsIT.onPath("node");
        S3ClientsIT.requireTool(node, "node (Debian package nodejs)");
        String npm = S3ClientsIT.onPath("npm");
        S3ClientsIT.requireTool(npm, "npm");
        Path scripts = Path.of(
                        JsSdkPresignIT.class.getResource("/sdkv3/presign.mjs").toURI())
                .getParent();
        if (!Files.isRegularFile(scripts.resolve("node_modules/@aws-sdk/client-s3/package.json"))) {
            String output = run(
                    List.of(
                            npm,
                            "ci",
                            "--no-audit",
                            "--no-fund",
                            "--ignore-scripts",
                            "--fetch-timeout=20000",
                            "--fetch-retries=1"),
                    scripts,
                    work.resolve("npm.log"),
                    90,
                    Map.of());
            assertThat(Files.isRegularFile(scripts.resolve("node_modules/@aws-sdk/client-s3/package.json")))
                    .as("npm ci installed the SDK:\n" + output)
                    .isTrue();
        }
        String output = run(
                List.of(node, scripts.resolve("presign.mjs").toString()),
                scripts,
                work.resolve("sdk.log"),
                60,
                Map.of(
                        "ENDPOINT", server.uri().toString(),
                        "AWS_ACCESS_KEY_ID", GranaryServerExtension.ACCESS_KEY,
                        "AWS_SECRET_ACCESS_KEY", GranaryServerExtension.SECRET_KEY));
        String result = output.lines()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line from presign.mjs:\n" + output));
        assertThat(result).as(output).contains("\"failed\":[]").doesNotContain("\"fatal\"");
        // Every case ran, and the default and explicit checksum URLs did carry the SDK's checksum parameters.
        for (String name : List.of("defaults", "crc32", "sha256", "when-required", "content-type", "signed-put-head")) {
            assertThat(result).as(output).contains("\"name\":\"" + name + "\",\"ok\":true");
        }
        assertThat(result).contains("x-amz-sdk-checksum-algorithm").contains("x-amz-checksum-crc32");
    }

    private static String run(List<String> command, Path dir, Path log, int seconds, Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean finished = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("finished in time:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }
}
