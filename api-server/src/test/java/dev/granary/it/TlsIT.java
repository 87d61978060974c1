package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * HTTPS on both ports (--tls-cert, --tls-key): a chain from a test CA made with Bouncy Castle, driven by the AWS SDK
 * (path style and virtual-hosted style under a wildcard certificate) and the AWS CLI with --ca-bundle; TLS 1.2 and
 * 1.3 only; a renewed certificate is served without a restart, from a changed file and on SIGHUP.
 */
class TlsIT {
    @RegisterExtension
    static final GranaryServerExtension server = GranaryServerExtension.withTls();

    private static final String BUCKET = "tls-bucket";

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    @Test
    void sdkStoresAndReadsObjectsOverHttpsWithAnIntermediateInTheChain() {
        S3Client s3 = server.client();
        byte[] body = new byte[3 * 1024 * 1024 + 11];
        new Random(13).nextBytes(body);
        s3.putObject(b -> b.bucket(BUCKET).key("big.bin"), RequestBody.fromBytes(body));
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("big.bin")).asByteArray())
                .isEqualTo(body);
        assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET)).contents())
                .extracting(o -> o.key())
                .contains("big.bin");
        assertThat(server.uri().getScheme()).isEqualTo("https");
    }

    @Test
    void virtualHostedStyleWorksUnderAWildcardCertificate() {
        // <bucket>.localhost resolves to loopback in the client only: the certificate's *.localhost must match.
        try (S3Client s3 = S3Client.builder()
                .endpointOverride(java.net.URI.create(
                        "https://localhost:" + server.granary().port()))
                .region(Region.US_EAST_1)
                .forcePathStyle(false)
                .credentialsProvider(server.credentials())
                .httpClient(Apache5HttpClient.builder()
                        .tlsTrustManagersProvider(server.certificates()::trustManagers)
                        .dnsResolver(new LoopbackDns())
                        .build())
                .build()) {
            s3.putObject(b -> b.bucket(BUCKET).key("vhost.txt"), RequestBody.fromString("virtual host"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("vhost.txt"))
                            .asUtf8String())
                    .isEqualTo("virtual host");
        }
    }

    @Test
    void adminPortServesHttpsToo() throws Exception {
        try (SSLSocket socket = connect(server.granary().adminPort(), "TLSv1.3")) {
            String answer = exchange(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 ");
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void onlyTls12And13AreSpoken() throws Exception {
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            try (SSLSocket socket = connect(server.granary().port(), protocol)) {
                String answer =
                        exchange(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThat(answer).startsWith("HTTP/1.1 200");
                assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
            }
        }
        // The JDK's client no longer offers TLS 1.1 or 1.0; openssl can be made to.
        String openssl = S3ClientsIT.onPath("openssl");
        S3ClientsIT.requireTool(openssl, "openssl");
        for (String old : List.of("-tls1_1", "-tls1")) {
            Process p = new ProcessBuilder(
                            openssl,
                            "s_client",
                            old,
                            "-cipher",
                            "DEFAULT:@SECLEVEL=0",
                            "-connect",
                            "127.0.0.1:" + server.granary().port(),
                            "-servername",
                            "localhost")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(output).isNotZero();
            assertThat(output).as(output).doesNotContain("BEGIN CERTIFICATE");
        }
        // Plain HTTP on the HTTPS port gets no S3 answer.
        try (Socket plain =
                new Socket(InetAddress.getLoopbackAddress(), server.granary().port())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer;
            try {
                answer = new String(plain.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                answer = "";
            }
            assertThat(answer).doesNotStartWith("HTTP/1.1 200");
        }
    }

    @Test
    void awsCliTrustsTheServerThroughCaBundle(@TempDir Path work) throws Exception {
        String aws = Files.isExecutable(Path.of("/usr/bin/aws")) ? "/usr/bin/aws" : S3ClientsIT.onPath("aws");
        S3ClientsIT.requireTool(aws, "aws (Debian package awscli)");
        byte[] body = new byte[9 * 1024 * 1024 + 5]; // above the CLI's 8 MiB multipart threshold
        new Random(5).nextBytes(body);
        Files.write(work.resolve("up.bin"), body);
        String endpoint = server.uri().toString();
        String ca = server.certificates().caFile().toString();
        run(
                work,
                aws,
                "--endpoint-url",
                endpoint,
                "--ca-bundle",
                ca,
                "s3",
                "cp",
                work.resolve("up.bin").toString(),
                "s3://" + BUCKET + "/cli/up.bin");
        run(
                work,
                aws,
                "--endpoint-url",
                endpoint,
                "--ca-bundle",
                ca,
                "s3",
                "cp",
                "s3://" + BUCKET + "/cli/up.bin",
                work.resolve("down.bin").toString());
        assertThat(Files.readAllBytes(work.resolve("down.bin"))).isEqualTo(body);
        // Without the CA the CLI refuses the server, as it should.
        Process refused = cli(work, aws, "--endpoint-url", endpoint, "s3", "ls", "s3://" + BUCKET);
        assertThat(refused.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(work.resolve("cli.log"));
        assertThat(refused.exitValue()).as(output).isNotZero();
        assertThat(output).containsIgnoringCase("certificate");
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartAndABadOneIsRefused(@TempDir Path dir) throws Exception {
        TestCertificates ca = new TestCertificates(dir.resolve("tls"));
        ca.issueServer("first", true, "localhost", "127.0.0.1");
        assertThat(Files.readString(ca.keyFile())).startsWith("-----BEGIN EC PRIVATE KEY-----");
        GranaryConfig config = new GranaryConfig(
                        "127.0.0.1", 0, dir.resolve("data"), 2, "us-east-1", "", "renewaluser", "renewalsecret", true)
                .withTls(ca.chainFile(), ca.keyFile(), Duration.ofMillis(200));
        Granary granary = Granary.start(config);
        try {
            int port = granary.port();
            assertThat(servedCommonName(ca, port)).isEqualTo("CN=first");
            try (SSLSocket before = connect(ca, port, "TLSv1.3")) {
                ca.issueServer("renewed", false, "localhost", "127.0.0.1");
                assertThat(Files.readString(ca.keyFile())).startsWith("-----BEGIN RSA PRIVATE KEY-----");
                assertThat(awaitCommonName(ca, port, "CN=renewed")).isEqualTo("CN=renewed");
                // A connection made before the renewal goes on with its session.
                assertThat(exchange(before, "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
                        .startsWith("HTTP/1.1 200");
            }
            // A key that is not the certificate's: reported, and the current certificate stays.
            Path otherKey = dir.resolve("other");
            TestCertificates other = new TestCertificates(otherKey);
            other.issueServer("other", false, "localhost");
            Files.copy(other.keyFile(), ca.keyFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(granary.tls().reload()).isFalse();
            assertThat(servedCommonName(ca, port)).isEqualTo("CN=renewed");
        } finally {
            granary.close();
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesFailsTheStartNamingTheFiles(@TempDir Path dir) throws Exception {
        TestCertificates ca = new TestCertificates(dir.resolve("tls"));
        ca.issueServer("one", false, "localhost");
        Path firstKey = Files.copy(ca.keyFile(), dir.resolve("first-key.pem"));
        ca.issueServer("two", false, "localhost");
        GranaryConfig config = new GranaryConfig(
                        "127.0.0.1", 0, dir.resolve("data"), 2, "us-east-1", "", "mismatchuser", "mismatchsecret", true)
                .withTls(ca.chainFile(), firstKey, Duration.ZERO);
        assertThatThrownBy(() -> Granary.start(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(firstKey.toString())
                .hasMessageContaining(ca.chainFile().toString());
    }

    @Test
    void sighupReloadsTheCertificateOfAServerProcess(@TempDir Path dir) throws Exception {
        TestCertificates ca = new TestCertificates(dir.resolve("tls"));
        ca.issueServer("before-hup", false, "localhost", "127.0.0.1");
        int port = ServerProcess.freePort();
        Path data = dir.resolve("data");
        // The file watch is off: only the signal can bring the new certificate in.
        Process process = ServerProcess.startTls(
                ca,
                data,
                port,
                "--admin-port",
                Integer.toString(ServerProcess.freePort()),
                "--tls-cert",
                ca.chainFile().toString(),
                "--tls-key",
                ca.keyFile().toString(),
                "--tls-watch",
                "0");
        try {
            assertThat(servedCommonName(ca, port)).isEqualTo("CN=before-hup");
            ca.issueServer("after-hup", false, "localhost", "127.0.0.1");
            // Nothing reloads without the signal (the watch is off): the old certificate is still served.
            assertThat(servedCommonName(ca, port)).isEqualTo("CN=before-hup");
            new ProcessBuilder("kill", "-HUP", Long.toString(process.pid()))
                    .start()
                    .waitFor(10, TimeUnit.SECONDS);
            assertThat(awaitCommonName(ca, port, "CN=after-hup")).isEqualTo("CN=after-hup");
            assertThat(process.isAlive()).isTrue();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    // ---- helpers ----

    private static SSLSocket connect(int port, String protocol) throws Exception {
        return connect(server.certificates(), port, protocol);
    }

    private static SSLSocket connect(TestCertificates ca, int port, String protocol) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, ca.trustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(15_000);
        socket.setEnabledProtocols(new String[] {protocol});
        var parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // check the name, as real clients do
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private static String exchange(SSLSocket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        return new String(in.readNBytes(64), StandardCharsets.ISO_8859_1);
    }

    private static String servedCommonName(TestCertificates ca, int port) throws Exception {
        try (SSLSocket socket = connect(ca, port, "TLSv1.3")) {
            X509Certificate served = (X509Certificate) socket.getSession().getPeerCertificates()[0];
            return served.getSubjectX500Principal().getName();
        }
    }

    /** The common name served, polled until it is {@code expected} or 30 s have passed. */
    private static String awaitCommonName(TestCertificates ca, int port, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String served = servedCommonName(ca, port);
        while (!served.equals(expected) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            served = servedCommonName(ca, port);
        }
        return served;
    }

    private static void run(Path work, String... command) throws Exception {
        Process p = cli(work, command);
        boolean finished = p.waitFor(3, TimeUnit.MINUTES);
        String output = Files.readString(work.resolve("cli.log"));
        assertThat(finished).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
    }

    private static Process cli(Path work, String... command) throws IOException {
        List<String> all = new ArrayList<>(List.of(command));
        ProcessBuilder pb = new ProcessBuilder(all).redirectErrorStream(true);
        pb.redirectOutput(work.resolve("cli.log").toFile());
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", GranaryServerExtension.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", GranaryServerExtension.SECRET_KEY);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.remove("AWS_CA_BUNDLE");
        env.remove("AWS_PROFILE");
        return pb.start();
    }
}
