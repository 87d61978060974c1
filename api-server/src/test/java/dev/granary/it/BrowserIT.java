package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A real browser against a real server: a page served from another origin (a second loopback HTTP server, so another
 * port) uploads a file with a presigned PUT and another with an HTML form POST, reads the ETags through CORS and
 * downloads both back with presigned GETs, in Debian's headless {@code chromium} driven by npm {@code playwright-core}
 * ({@code src/test/resources/browser/upload.mjs}, installed with {@code npm ci} into {@code target/test-classes}).
 * Skipped when chromium, node or npm is missing, unless {@code GRANARY_REQUIRE_CLIENTS=1} (as in CI).
 */
class BrowserIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @RegisterExtension
    static final GranaryServerExtension tlsServer = GranaryServerExtension.withTls();

    private static final String BUCKET = "browser-uploads";
    private static final String PUT_KEY = "from-browser/presigned-put.bin";
    private static final String FORM_KEY = "from-browser/form-post.bin";
    private static final int SIZE = 300 * 1024 + 7;
    private static final int PUT_SEED = 3;
    private static final int FORM_SEED = 5;

    private HttpServer pageServer;

    @AfterEach
    void stopPageServer() {
        if (pageServer != null) {
            pageServer.stop(0);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void pageFromAnotherOriginUploadsWithPresignedPutAndFormPostThenReadsBothBack(@TempDir Path work) throws Exception {
        uploadFromAPageOfAnotherOrigin(server, work);
    }

    /** The same over HTTPS: the browser trusts the server's certificate (pinned by its public key) and uploads. */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void pageUploadsWithPresignedPutAndFormPostOverHttps(@TempDir Path work) throws Exception {
        assertThat(tlsServer.uri().getScheme()).isEqualTo("https");
        uploadFromAPageOfAnotherOrigin(tlsServer, work);
    }

    /** The browser tests' tools: Debian's chromium, node and npm. */
    record Tools(String chromium, String node, String npm) {
        /** Finds them, or skips the test when one is missing (fails it with GRANARY_REQUIRE_CLIENTS=1). */
        static Tools require() {
            String chromium = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
            S3ClientsIT.requireTool(
                    Files.isExecutable(Path.of(chromium)) ? chromium : null, "chromium (Debian package)");
            String node = S3ClientsIT.onPath("node");
            S3ClientsIT.requireTool(node, "node (Debian package nodejs)");
            String npm = S3ClientsIT.onPath("npm");
            S3ClientsIT.requireTool(npm, "npm");
            return new Tools(chromium, node, npm);
        }
    }

    private void uploadFromAPageOfAnotherOrigin(GranaryServerExtension server, Path work) throws Exception {
        Tools tools = Tools.require();
        String chromium = tools.chromium();
        String node = tools.node();
        String npm = tools.npm();
        Path scripts = Path.of(
                        BrowserIT.class.getResource("/browser/upload.mjs").toURI())
                .getParent();
        installPlaywright(npm, scripts, work);

        pageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String pageOrigin = "http://127.0.0.1:" + pageServer.getAddress().getPort();
        assertThat(pageOrigin).isNotEqualTo(server.uri().toString());

        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.putBucketCors(b -> b.bucket(BUCKET)
                .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                        .allowedOrigins(pageOrigin)
                        .allowedMethods("GET", "PUT", "POST", "HEAD")
                        .allowedHeaders("*")
                        .exposeHeaders("ETag")
                        .maxAgeSeconds(60)
                        .build())));

        String config = config(server);
        byte[] page = Files.readAllBytes(scripts.resolve("page.html"));
        pageServer.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> respond(exchange, 200, "text/html; charset=utf-8", page);
                case "/page-helpers.js" -> respond(exchange, 200, "application/javascript", PAGE_HELPERS.get());
                case "/config.json" ->
                    respond(exchange, 200, "application/json", config.getBytes(StandardCharsets.UTF_8));
                default -> respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        });
        pageServer.start();

        JsonNode result = runBrowser(node, chromium, scripts, pageOrigin + "/", work, spki(server));
        String report = result.toString();

        byte[] putData = content(PUT_SEED, SIZE);
        byte[] formData = content(FORM_SEED, SIZE);
        String putEtag = s3.headObject(b -> b.bucket(BUCKET).key(PUT_KEY)).eTag();
        String formEtag = s3.headObject(b -> b.bucket(BUCKET).key(FORM_KEY)).eTag();
        assertThat(putEtag).isEqualTo("\"" + ObjectIT.md5Hex(putData) + "\"");
        assertThat(formEtag).isEqualTo("\"" + ObjectIT.md5Hex(formData) + "\"");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(PUT_KEY)).asByteArray())
                .isEqualTo(putData);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(FORM_KEY)).asByteArray())
                .isEqualTo(formData);

        assertThat(text(result, "origin")).isEqualTo(pageOrigin);
        // (a) presigned PUT: the ETag is readable only because the rule exposes it.
        assertThat(text(result, "put", "error")).as(report).isNull();
        assertThat(text(result, "put", "status")).as(report).isEqualTo("200");
        assertThat(text(result, "put", "etag")).as(report).isEqualTo(putEtag);
        // (b) form POST with success_action_status 201: the ETag header and the PostResponse document.
        assertThat(text(result, "post", "error")).as(report).isNull();
        assertThat(text(result, "post", "status")).as(report).isEqualTo("201");
        assertThat(text(result, "post", "etag")).as(report).isEqualTo(formEtag);
        assertThat(text(result, "post", "xml", "etag")).as(report).isEqualTo(formEtag);
        assertThat(text(result, "post", "xml", "bucket")).as(report).isEqualTo(BUCKET);
        assertThat(text(result, "post", "xml", "key")).as(report).isEqualTo(FORM_KEY);
        // (c) presigned GETs: the page compared the bytes; the digests are checked here too.
        for (Map.Entry<String, byte[]> get :
                Map.of("getPut", putData, "getPost", formData).entrySet()) {
            String name = get.getKey();
            assertThat(text(result, name, "error")).as(report).isNull();
            assertThat(text(result, name, "status")).as(report).isEqualTo("200");
            assertThat(text(result, name, "length")).as(report).isEqualTo(String.valueOf(SIZE));
            assertThat(text(result, name, "equal")).as(report).isEqualTo("true");
            assertThat(text(result, name, "sha256")).as(report).isEqualTo(sha256Hex(get.getValue()));
            assertThat(text(result, name, "etag")).as(report).isEqualTo(name.equals("getPut") ? putEtag : formEtag);
        }
    }

    /** The page's configuration: presigned URLs and the signed form fields. */
    private static String config(GranaryServerExtension server) {
        Duration validity = Duration.ofMinutes(5);
        try (S3Presigner presigner = server.presigner()) {
            String putUrl = presigner
                    .presignPutObject(p -> p.signatureDuration(validity)
                            .putObjectRequest(o -> o.bucket(BUCKET).key(PUT_KEY)))
                    .url()
                    .toString();
            String getPutUrl = presigner
                    .presignGetObject(p -> p.signatureDuration(validity)
                            .getObjectRequest(o -> o.bucket(BUCKET).key(PUT_KEY)))
                    .url()
                    .toString();
            String getFormUrl = presigner
                    .presignGetObject(p -> p.signatureDuration(validity)
                            .getObjectRequest(o -> o.bucket(BUCKET).key(FORM_KEY)))
                    .url()
                    .toString();
            PostPolicyForm form = new PostPolicyForm(BUCKET, FORM_KEY)
                    .field("success_action_status", "201")
                    .condition("[\"content-length-range\", 1, " + SIZE + "]");
            String fields = form.signed().entrySet().stream()
                    .map(f -> json(f.getKey()) + ": " + json(f.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
            return "{\"size\": " + SIZE + ", \"putSeed\": " + PUT_SEED + ", \"formSeed\": " + FORM_SEED
                    + ", \"putUrl\": " + json(putUrl) + ", \"getPutUrl\": " + json(getPutUrl)
                    + ", \"getFormUrl\": " + json(getFormUrl) + ", \"formUrl\": " + json(server.uri() + "/" + BUCKET)
                    + ", \"formFields\": " + fields + "}";
        }
    }

    /** {@code npm ci} of playwright-core next to the script (under target/), once. */
    private static void installPlaywright(String npm, Path scripts, Path work) throws Exception {
        npmCi(npm, scripts, work, "playwright-core");
    }

    /** {@code npm ci} of the package.json in {@code scripts} (under target/), once: {@code module} tells. */
    static void npmCi(String npm, Path scripts, Path work, String module) throws Exception {
        if (Files.isRegularFile(scripts.resolve("node_modules/" + module + "/package.json"))) {
            return;
        }
        List<String> command = List.of(
                npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--fetch-timeout=20000", "--fetch-retries=1");
        String output = run(command, scripts, work.resolve("npm.log"), 60, Map.of());
        assertThat(Files.isRegularFile(scripts.resolve("node_modules/" + module + "/package.json")))
                .as("npm ci installed " + module + ":\n" + output)
                .isTrue();
    }

    /** What the browser is to trust: the SPKI hash of an HTTPS server's certificate, empty for plain HTTP. */
    private static String spki(GranaryServerExtension server) throws Exception {
        if (server.certificates() == null) {
            return "";
        }
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) sslContext(server)
                .getSocketFactory()
                .createSocket("127.0.0.1", server.uri().getPort())) {
            socket.startHandshake();
            return TestCertificates.spkiSha256(
                    (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]);
        }
    }

    private static javax.net.ssl.SSLContext sslContext(GranaryServerExtension server) throws Exception {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, server.certificates().trustManagers(), null);
        return context;
    }

    private static JsonNode runBrowser(
            String node, String chromium, Path scripts, String pageUrl, Path work, String spki) throws Exception {
        String output = run(
                List.of(node, scripts.resolve("upload.mjs").toString(), pageUrl),
                scripts,
                work.resolve("browser.log"),
                60,
                Map.of("CHROMIUM", chromium, "GRANARY_SPKI", spki));
        System.out.println(output);
        String line = output.lines()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line from the browser script:\n" + output));
        JsonNode result = JsonNode.parser().parse(line.substring("RESULT ".length()));
        assertThat(result.field("fatal")).as(output).isEmpty();
        return result;
    }

    /** Runs {@code command} to completion within {@code seconds}, asserting exit code 0; returns its output. */
    static String run(List<String> command, Path dir, Path log, int seconds, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        boolean finished = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!finished) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished)
                .as(command + " finished within " + seconds + " s:\n" + output)
                .isTrue();
        assertThat(p.exitValue()).as(command + " output:\n" + output).isZero();
        return output;
    }

    /** The same bytes as page.html's content(seed, size). */
    static byte[] content(int seed, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ((i * 31 + seed * 17 + (i >> 8)) & 0xff);
        }
        return b;
    }

    /** The value at {@code path} as text (numbers and booleans as written), or null when missing or null. */
    static String text(JsonNode node, String... path) {
        for (String name : path) {
            if (node == null || !node.isObject()) {
                return null;
            }
            node = node.field(name).orElse(null);
        }
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isString()) {
            return node.asString();
        }
        if (node.isNumber()) {
            return node.asNumber();
        }
        if (node.isBoolean()) {
            return String.valueOf(node.asBoolean());
        }
        return node.toString();
    }

    /** The helpers both browser pages load ({@code browser/page-helpers.js}). */
    static final java.util.function.Supplier<byte[]> PAGE_HELPERS = () -> {
        try (var in = BrowserIT.class.getResourceAsStream("/browser/page-helpers.js")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    };

    /** A JSON string literal of {@code s}. */
    static String json(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String sha256Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Answers the page server's request, uncached. */
    static void respond(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (var out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
