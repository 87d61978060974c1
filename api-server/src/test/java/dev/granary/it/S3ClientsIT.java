package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stock S3 clients other than the Java SDK against a real server: the AWS CLI, boto3, rclone and s3cmd, each driven by
 * a script in {@code src/test/resources/clients}. A client that is not installed skips its test, unless
 * {@code GRANARY_REQUIRE_CLIENTS=1} (as in CI, which installs them) makes that a failure.
 */
class S3ClientsIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    void awsCli(@TempDir Path work) throws Exception {
        String aws = Files.isExecutable(Path.of("/usr/bin/aws")) ? "/usr/bin/aws" : onPath("aws");
        requireTool(aws, "aws (Debian package awscli)");
        run(List.of("bash", script("aws-cli.sh")), work, aws);
    }

    @Test
    void boto3(@TempDir Path work) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : onPath("python3");
        requireTool(python, "python3");
        boolean hasBoto =
                new ProcessBuilder(python, "-c", "import boto3").start().waitFor() == 0;
        requireTool(hasBoto ? python : null, "boto3 (Debian package python3-boto3)");
        run(List.of(python, script("boto3_check.py")), work, null);
    }

    /** boto3 signing Signature Version 2: headers, presigned URLs and a POST form. */
    @Test
    void boto3SignatureV2(@TempDir Path work) throws Exception {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : onPath("python3");
        requireTool(python, "python3");
        boolean hasBoto =
                new ProcessBuilder(python, "-c", "import boto3").start().waitFor() == 0;
        requireTool(hasBoto ? python : null, "boto3 (Debian package python3-boto3)");
        run(List.of(python, script("boto3_sigv2.py")), work, null);
    }

    @Test
    void rclone(@TempDir Path work) throws Exception {
        requireTool(onPath("rclone"), "rclone (Debian package rclone)");
        run(List.of("bash", script("rclone.sh")), work, null);
    }

    @Test
    void s3cmd(@TempDir Path work) throws Exception {
        requireTool(onPath("s3cmd"), "s3cmd (Debian package s3cmd)");
        run(List.of("bash", script("s3cmd.sh")), work, null);
    }

    /** s3cmd signing Signature Version 2: object and multipart requests, ACLs, a V2 presigned URL, a policy. */
    @Test
    void s3cmdSignatureV2(@TempDir Path work) throws Exception {
        requireTool(onPath("s3cmd"), "s3cmd (Debian package)");
        requireTool(onPath("curl"), "curl");
        run(List.of("bash", script("s3cmd_v2.sh")), work, null);
    }

    private static void run(List<String> command, Path work, String awsCli) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("ENDPOINT", server.uri().toString());
        pb.environment().put("AWS_ACCESS_KEY_ID", GranaryServerExtension.ACCESS_KEY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", GranaryServerExtension.SECRET_KEY);
        pb.environment().put("WORK", work.toString());
        pb.environment().remove("AWS_CA_BUNDLE");
        if (awsCli != null) {
            pb.environment().put("AWS_CLI", awsCli);
        }
        Path log = work.resolve("client.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("client finished in time:\n" + output).isTrue();
        assertThat(p.exitValue()).as("client output:\n" + output).isZero();
        assertThat(output).contains(": OK");
    }

    private static String script(String name) throws Exception {
        return Path.of(S3ClientsIT.class.getResource("/clients/" + name).toURI())
                .toString();
    }

    static String onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    static void requireTool(String found, String what) {
        if ("1".equals(System.getenv("GRANARY_REQUIRE_CLIENTS"))) {
            assertThat(found)
                    .as(what + " must be installed (GRANARY_REQUIRE_CLIENTS=1)")
                    .isNotNull();
        } else {
            Assumptions.assumeTrue(found != null, what + " is not installed; .ci/run installs it");
        }
    }
}
