package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * Alibaba Cloud's ali-oss (npm 6.23.0, its own browser bundle {@code dist/aliyun-oss-sdk.min.js}, pinned in
 * {@code src/test/resources/browser-oss/package-lock.json}) in Debian's headless chromium against a real server: a
 * page from another origin puts an object signed with V4 ({@code authorizationV4: true}) with user metadata, reads it
 * back (head, get), uploads another in 100 KiB parts (multipartUpload: the parts' ETags are read through CORS), puts and
 * gets one signed with V1, fetches SDK-presigned GETs (V1 and V4), and uploads two files with PostObject forms (V1
 * fields signed here as a web backend would, V4 fields signed in the page by the SDK's signPostObjectPolicyV4). The
 * bucket's CORS rule allows exactly the request headers the SDK sends and exposes what it reads. BrowserIT's
 * {@code upload.mjs} drives chromium (playwright-core). Skipped when chromium, node or npm is missing, unless
 * {@code GRANARY_REQUIRE_CLIENTS=1}.
 */
class OssBrowserIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "browser-oss";
    private static final String REGION = "cn-hangzhou";
    private static final String PUT_KEY = "from-browser/put object.bin";
    private static final String MULTIPART_KEY = "from-browser/multipart.bin";
    private static final String V1_KEY = "from-browser/v1.bin";
    private static final String FORM_V1_KEY = "from-browser/form v1.bin";
    private static final String FORM_V4_KEY = "from-browser/form v4.bin";
    private static final int SIZE = 300 * 1024 + 7;
    private static final int MULTIPART_SIZE = 350 * 1024 + 17;
    private static final int PUT_SEED = 3;
    private static final int MULTIPART_SEED = 4;
    private static final int V1_SEED = 6;
    private static final int FORM_V1_SEED = 7;
    private static final int FORM_V4_SEED = 8;

    private HttpServer pageServer;

    @AfterEach
    void stopPageServer() {
        if (pageServer != null) {
            pageServer.stop(0);
        }
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aliOssInABrowserSignsV4AndV1UploadsInPartsAndPostsFormsOfBothVersions(@TempDir Path work) throws Exception {
        BrowserIT.Tools tools = BrowserIT.Tools.require();
        String chromium = tools.chromium();
        String node = tools.node();
        String npm = tools.npm();
        // playwright-core and its driver from BrowserIT's folder, ali-oss from this test's own.
        Path driver = Path.of(
                        OssBrowserIT.class.getResource("/browser/upload.mjs").toURI())
                .getParent();
        Path scripts = Path.of(
                        OssBrowserIT.class.getResource("/browser-oss/page.html").toURI())
                .getParent();
        Files.createDirectories(work.resolve("playwright"));
        Files.createDirectories(work.resolve("ali-oss"));
        BrowserIT.npmCi(npm, driver, work.resolve("playwright"), "playwright-core");
        BrowserIT.npmCi(npm, scripts, work.resolve("ali-oss"), "ali-oss");
        byte[] bundle = Files.readAllBytes(scripts.resolve("node_modules/ali-oss/dist/aliyun-oss-sdk.min.js"));

        pageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String pageOrigin = "http://127.0.0.1:" + pageServer.getAddress().getPort();

        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        // What ali-oss's requests ask for in their preflights (Chromium lists them): authorization, content-type,
        // x-oss-date, x-oss-user-agent, x-oss-content-sha256 (V4), x-oss-meta-* (user metadata), content-md5
        // (CompleteMultipartUpload). What it reads: ETag (multipart parts, or it fails: "Please set the etag of
        // expose-headers in OSS"), x-oss-request-id (errors without a body), x-oss-meta-* (head's meta).
        s3.putBucketCors(b -> b.bucket(BUCKET)
                .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                        .allowedOrigins(pageOrigin)
                        .allowedMethods("GET", "PUT", "POST", "HEAD", "DELETE")
                        .allowedHeaders("authorization", "content-type", "content-md5", "x-oss-*")
                        .exposeHeaders("ETag", "x-oss-request-id", "x-oss-hash-crc64ecma", "x-oss-meta-author")
                        .maxAgeSeconds(60)
                        .build())));

        byte[] page = Files.readAllBytes(scripts.resolve("page.html"));
        byte[] config = config(server).getBytes(StandardCharsets.UTF_8);
        pageServer.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> BrowserIT.respond(exchange, 200, "text/html; charset=utf-8", page);
                case "/page-helpers.js" ->
                    BrowserIT.respond(exchange, 200, "application/javascript", BrowserIT.PAGE_HELPERS.get());
                case "/config.json" -> BrowserIT.respond(exchange, 200, "application/json", config);
                case "/aliyun-oss-sdk.min.js" -> BrowserIT.respond(exchange, 200, "application/javascript", bundle);
                default -> BrowserIT.respond(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        });
        pageServer.start();

        JsonNode result = runBrowser(node, chromium, driver, pageOrigin + "/", work);
        String report = result.toString();
        assertThat(BrowserIT.text(result, "origin")).isEqualTo(pageOrigin);
        assertThat(BrowserIT.text(result, "sdkVersion")).isEqualTo("6.23.0");

        byte[] putData = BrowserIT.content(PUT_SEED, SIZE);
        HeadObjectResponse putHead = s3.headObject(b -> b.bucket(BUCKET).key(PUT_KEY));
        assertThat(putHead.metadata()).containsEntry("author", "alice");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(PUT_KEY)).asByteArray())
                .isEqualTo(putData);

        // (a) V4 put: status, ETag and CRC-64 read through the rule's ExposeHeaders, OSS's request id.
        assertThat(BrowserIT.text(result, "put", "error")).as(report).isNull();
        assertThat(BrowserIT.text(result, "put", "status")).as(report).isEqualTo("200");
        assertThat(BrowserIT.text(result, "put", "etag")).as(report).isEqualToIgnoringCase(putHead.eTag());
        assertThat(BrowserIT.text(result, "put", "requestId")).as(report).isNotBlank();
        assertThat(BrowserIT.text(result, "put", "crc64")).as(report).isEqualTo(crc64(putData));
        // (b) head: the metadata, (c) get: the bytes, with response-cache-control=no-cache honoured.
        assertThat(BrowserIT.text(result, "head", "error")).as(report).isNull();
        assertThat(BrowserIT.text(result, "head", "meta", "author")).as(report).isEqualTo("alice");
        assertThat(BrowserIT.text(result, "head", "contentLength")).as(report).isEqualTo(String.valueOf(SIZE));
        assertThat(BrowserIT.text(result, "get", "error")).as(report).isNull();
        assertThat(BrowserIT.text(result, "get", "equal")).as(report).isEqualTo("true");
        assertThat(BrowserIT.text(result, "get", "sha256")).as(report).isEqualTo(BrowserIT.sha256Hex(putData));
        assertThat(BrowserIT.text(result, "get", "cacheControl")).as(report).isEqualTo("no-cache");

        // (d) multipartUpload in 100 KiB parts: four parts, completed, read back.
        byte[] multipartData = BrowserIT.content(MULTIPART_SEED, MULTIPART_SIZE);
        assertThat(BrowserIT.text(result, "multipart", "error")).as(report).isNull();
        assertThat(BrowserIT.text(result, "multipart", "status")).as(report).isEqualTo("200");
        // (ali-oss's result.etag is the CompleteMultipartUpload answer's ETag header, which S3 does not send: not
        // asserted.)
        assertThat(BrowserIT.text(result, "multipart", "equal")).as(report).isEqualTo("true");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(MULTIPART_KEY)).asByteArray())
                .isEqualTo(multipartData);

        // (e) V1-signed put and get.
        assertThat(BrowserIT.text(result, "v1", "error")).as(report).isNull();
        assertThat(BrowserIT.text(result, "v1", "putStatus")).as(report).isEqualTo("200");
        assertThat(BrowserIT.text(result, "v1", "equal")).as(report).isEqualTo("true");
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(V1_KEY)).asByteArray())
                .isEqualTo(BrowserIT.content(V1_SEED, SIZE));

        // (f) presigned GETs the SDK made, fetched by the page.
        for (String presign : List.of("presignV1", "presignV4")) {
            assertThat(BrowserIT.text(result, presign, "error")).as(report).isNull();
            assertThat(BrowserIT.text(result, presign, "status")).as(report).isEqualTo("200");
            assertThat(BrowserIT.text(result, presign, "equal")).as(report).isEqualTo("true");
        }

        // The SDK's V4 form signature is the hex HMAC-SHA256 of the base64 policy under the aliyun_v4 signing key.
        String date = BrowserIT.text(result, "postV4", "signed", "date");
        assertThat(BrowserIT.text(result, "postV4", "signed", "credential"))
                .isEqualTo(GranaryServerExtension.ACCESS_KEY + "/" + date.substring(0, 8) + "/" + REGION
                        + "/oss/aliyun_v4_request");
        assertThat(BrowserIT.text(result, "postV4", "signed", "signature"))
                .isEqualTo(v4PolicySignature(
                        GranaryServerExtension.SECRET_KEY,
                        date.substring(0, 8),
                        REGION,
                        BrowserIT.text(result, "postV4", "signed", "policy")));
        // (g, h) PostObject forms, V1 and V4: 201 with the PostResponse document, answered in OSS's words
        // (x-oss-request-id), though the request carries no Authorization header: the form's fields tell.
        Map<String, byte[]> forms = Map.of(
                "postV1", BrowserIT.content(FORM_V1_SEED, SIZE), "postV4", BrowserIT.content(FORM_V4_SEED, SIZE));
        for (Map.Entry<String, byte[]> form : forms.entrySet()) {
            String name = form.getKey();
            String key = name.equals("postV1") ? FORM_V1_KEY : FORM_V4_KEY;
            assertThat(BrowserIT.text(result, name, "error")).as(report).isNull();
            assertThat(BrowserIT.text(result, name, "status")).as(report).isEqualTo("201");
            String etag = s3.headObject(b -> b.bucket(BUCKET).key(key)).eTag();
            assertThat(etag).isEqualTo("\"" + ObjectIT.md5Hex(form.getValue()) + "\"");
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray())
                    .isEqualTo(form.getValue());
            assertThat(BrowserIT.text(result, name, "etag")).as(report).isEqualToIgnoringCase(etag);
            assertThat(BrowserIT.text(result, name, "requestId")).as(report).isNotBlank();
            assertThat(BrowserIT.text(result, name, "xml", "bucket")).as(report).isEqualTo(BUCKET);
            assertThat(BrowserIT.text(result, name, "xml", "key")).as(report).isEqualTo(key);
            assertThat(BrowserIT.text(result, name, "xml", "etag")).as(report).isEqualToIgnoringCase(etag);
        }

        // (i) a missing key: OSS's error document through CORS, parsed by the SDK.
        assertThat(BrowserIT.text(result, "missing", "unexpected")).as(report).isNull();
        assertThat(BrowserIT.text(result, "missing", "sdkError", "code"))
                .as(report)
                .isEqualTo("NoSuchKey");
        assertThat(BrowserIT.text(result, "missing", "sdkError", "status"))
                .as(report)
                .isEqualTo("404");
        assertThat(BrowserIT.text(result, "missing", "sdkError", "requestId"))
                .as(report)
                .isNotBlank();
        assertThat(BrowserIT.text(result, "missing", "sdkError", "ec"))
                .as(report)
                .isEqualTo("0026-00000001");
    }

    /** The page's configuration: the endpoint, the credentials, the keys and seeds, the V1 form's signed fields. */
    private static String config(GranaryServerExtension server) throws Exception {
        int port = server.uri().getPort();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("put", PUT_KEY);
        keys.put("multipart", MULTIPART_KEY);
        keys.put("v1", V1_KEY);
        keys.put("formV1", FORM_V1_KEY);
        keys.put("formV4", FORM_V4_KEY);
        keys.put("missing", "from-browser/missing");
        // A V1 form as a web application's backend signs it: base64 HMAC-SHA1 of the base64 policy.
        String policy = "{\"expiration\":\""
                + Instant.now().plus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS)
                + "\",\"conditions\":[{\"bucket\":\"" + BUCKET + "\"},[\"eq\",\"$key\",\"" + FORM_V1_KEY
                + "\"],[\"content-length-range\",1," + SIZE + "],[\"eq\",\"$success_action_status\",\"201\"]]}";
        String policyBase64 = Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.UTF_8));
        Map<String, String> formV1 = new LinkedHashMap<>();
        formV1.put("key", FORM_V1_KEY);
        formV1.put("success_action_status", "201");
        formV1.put("OSSAccessKeyId", GranaryServerExtension.ACCESS_KEY);
        formV1.put("policy", policyBase64);
        formV1.put("Signature", v1PolicySignature(GranaryServerExtension.SECRET_KEY, policyBase64));
        return "{\"endpoint\": " + BrowserIT.json("http://127.0.0.1:" + port)
                + ", \"localEndpoint\": " + BrowserIT.json("http://localhost:" + port)
                + ", \"region\": " + BrowserIT.json("oss-" + REGION)
                + ", \"bucket\": " + BrowserIT.json(BUCKET)
                + ", \"accessKeyId\": " + BrowserIT.json(GranaryServerExtension.ACCESS_KEY)
                + ", \"accessKeySecret\": " + BrowserIT.json(GranaryServerExtension.SECRET_KEY)
                + ", \"size\": " + SIZE + ", \"multipartSize\": " + MULTIPART_SIZE
                + ", \"putSeed\": " + PUT_SEED + ", \"multipartSeed\": " + MULTIPART_SEED + ", \"v1Seed\": " + V1_SEED
                + ", \"formV1Seed\": " + FORM_V1_SEED + ", \"formV4Seed\": " + FORM_V4_SEED
                + ", \"keys\": " + object(keys)
                + ", \"formUrl\": " + BrowserIT.json(server.uri() + "/" + BUCKET)
                + ", \"formV1Fields\": " + object(formV1) + "}";
    }

    /** PostObject V1 ({@code Signature}): base64 HMAC-SHA1 of the base64 policy under the secret. */
    static String v1PolicySignature(String secret, String policyBase64) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(policyBase64.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * PostObject V4 ({@code x-oss-signature}): hex HMAC-SHA256 of the base64 policy under the key chained from
     * {@code "aliyun_v4" + secret} over the date, the region, {@code oss} and {@code aliyun_v4_request}.
     */
    static String v4PolicySignature(String secret, String yyyymmdd, String region, String policyBase64)
            throws Exception {
        byte[] key = ("aliyun_v4" + secret).getBytes(StandardCharsets.UTF_8);
        for (String part : List.of(yyyymmdd, region, "oss", "aliyun_v4_request")) {
            key = hmacSha256(key, part);
        }
        return HexFormat.of().formatHex(hmacSha256(key, policyBase64));
    }

    private static byte[] hmacSha256(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    /** CRC-64/XZ in x-oss-hash-crc64ecma's form (unsigned decimal), by the OSS SDK's own implementation. */
    private static String crc64(byte[] bytes) {
        com.aliyun.oss.common.utils.CRC64 crc = new com.aliyun.oss.common.utils.CRC64();
        crc.update(bytes, bytes.length);
        return Long.toUnsignedString(crc.getValue());
    }

    /** Runs BrowserIT's upload.mjs on the page and returns its RESULT, failing on a fatal error in the page. */
    private static JsonNode runBrowser(String node, String chromium, Path driver, String pageUrl, Path work)
            throws Exception {
        String output = BrowserIT.run(
                List.of(node, driver.resolve("upload.mjs").toString(), pageUrl),
                driver,
                work.resolve("browser.log"),
                90,
                Map.of("CHROMIUM", chromium, "GRANARY_SPKI", ""));
        System.out.println(output);
        String line = output.lines()
                .filter(l -> l.startsWith("RESULT "))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no RESULT line from the browser script:\n" + output));
        JsonNode result = JsonNode.parser().parse(line.substring("RESULT ".length()));
        assertThat(result.field("fatal")).as(output).isEmpty();
        return result;
    }

    private static String object(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(f -> BrowserIT.json(f.getKey()) + ": " + BrowserIT.json(f.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
