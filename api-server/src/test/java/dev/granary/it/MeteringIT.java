package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.MeteringSupport.Counts;
import dev.granary.it.MeteringSupport.Expected;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Metering is exact: a known mix of requests (PUTs of known sizes, ranged GETs, failed, anonymous and presigned
 * requests, a multipart upload, a download the client cuts) shows up in the usage report request for request and
 * byte for byte; storage figures match the objects present; /metrics parses and has the series.
 */
class MeteringIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Fields of an access-log line up to bytes sent: owner bucket [time] ip requester id op key "uri" status err sent. */
    private static final Pattern LOG_LINE = Pattern.compile(
            "^(\\S+) (\\S+) \\[[^\\]]*\\] (\\S+) (\\S+) (\\S+) (\\S+) (\\S+) \"[^\"]*\" (\\d+) (\\S+) (\\S+) .*$");

    /** A client with the SDK's defaults whose every request, as transmitted, is added to {@code expected}. */
    static S3Client recordingClient(URI endpoint, Expected expected) {
        ExecutionInterceptor recorder = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
                long in = context.httpRequest()
                        .firstMatchingHeader("Content-Length")
                        .map(Long::parseLong)
                        .orElse(0L);
                int status = context.httpResponse().statusCode();
                boolean noBody = context.httpRequest().method() == SdkHttpMethod.HEAD || status == 204 || status == 304;
                long out = noBody
                        ? 0
                        : context.httpResponse()
                                .firstMatchingHeader("Content-Length")
                                .map(Long::parseLong)
                                .orElseThrow(() -> new AssertionError(operation + " answered without Content-Length"));
                expected.add(operation, context.httpResponse().statusCode(), in, out);
            }
        };
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(server.credentials())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(recorder))
                .build();
    }

    static byte[] random(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void usageReportMatchesEveryRequestByteForByteAndStorageMatchesTheObjects() throws Exception {
        Expected expected = new Expected();
        S3Client s3 = recordingClient(server.uri(), expected);
        String bucket = "metered";
        s3.createBucket(b -> b.bucket(bucket));
        for (int size : new int[] {0, 1000, 200_000}) {
            s3.putObject(b -> b.bucket(bucket).key("obj-" + size), RequestBody.fromBytes(random(size)));
        }
        s3.putObject(b -> b.bucket(bucket).key("big"), RequestBody.fromBytes(random(16 << 20)));
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("obj-1000"));
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("obj-200000").range("bytes=10-99"));
        s3.getObjectAsBytes(b -> b.bucket(bucket).key("obj-200000").range("bytes=-500"));
        s3.headObject(b -> b.bucket(bucket).key("obj-0"));
        s3.listObjectsV2(b -> b.bucket(bucket));
        // Failed requests: missing key, missing key on HEAD, a body that does not match its Content-MD5.
        expectFailure(() -> s3.getObjectAsBytes(b -> b.bucket(bucket).key("missing")));
        expectFailure(() -> s3.headObject(b -> b.bucket(bucket).key("missing")));
        expectFailure(() -> s3.putObject(
                b -> b.bucket(bucket).key("bad-md5").contentMD5("1B2M2Y8AsgTpgAmY7PhCfg=="),
                RequestBody.fromBytes(random(777))));
        // A multipart upload.
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("multi")).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        int[] partSizes = {5 << 20, 1234};
        for (int i = 0; i < partSizes.length; i++) {
            int n = i + 1;
            byte[] data = random(partSizes[i]);
            String etag = s3.uploadPart(
                            b -> b.bucket(bucket)
                                    .key("multi")
                                    .uploadId(uploadId)
                                    .partNumber(n),
                            RequestBody.fromBytes(data))
                    .eTag();
            parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
        }
        s3.completeMultipartUpload(
                b -> b.bucket(bucket).key("multi").uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
        // An upload left in progress: its part counts as multipart storage, not as an object.
        String pending =
                s3.createMultipartUpload(b -> b.bucket(bucket).key("pending")).uploadId();
        s3.uploadPart(
                b -> b.bucket(bucket).key("pending").uploadId(pending).partNumber(1),
                RequestBody.fromBytes(random(4321)));
        s3.deleteObject(b -> b.bucket(bucket).key("obj-0"));

        // Presigned GETs, and an anonymous one (refused, billed to the bucket owner).
        try (var presigner = server.presigner()) {
            for (String key : List.of("obj-1000", "obj-200000")) {
                URI url = presigner
                        .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                                .getObjectRequest(g -> g.bucket(bucket).key(key)))
                        .url()
                        .toURI();
                HttpResponse<byte[]> r =
                        HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(r.statusCode()).isEqualTo(200);
                expected.add("GetObject", 200, 0, r.body().length);
            }
            HttpResponse<byte[]> anonymous = HTTP.send(
                    HttpRequest.newBuilder(URI.create(server.uri() + "/" + bucket + "/obj-1000"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(anonymous.statusCode()).isEqualTo(403);
            expected.add("GetObject", 403, 0, anonymous.body().length);

            // A download the client cuts after 64 KiB: the server counts the bytes it actually sent.
            URI big = presigner
                    .presignGetObject(p -> p.signatureDuration(Duration.ofMinutes(5))
                            .getObjectRequest(g -> g.bucket(bucket).key("big")))
                    .url()
                    .toURI();
            HttpURLConnection connection = (HttpURLConnection) big.toURL().openConnection();
            String requestId;
            try (InputStream in = connection.getInputStream()) {
                requestId = connection.getHeaderField("x-amz-request-id");
                assertThat(in.readNBytes(64 * 1024)).hasSize(64 * 1024);
                connection.disconnect();
            } catch (java.io.IOException closedUnderUs) {
                throw closedUnderUs;
            }
            long sent = bytesSentFor(requestId);
            assertThat(sent).isBetween(64L * 1024, (16L << 20) - 1);
            expected.add("GetObject", 200, 0, sent);
        }

        Map<String, Counts> want = expected.snapshot();
        assertThat(MeteringSupport.usageByOperation(server.adminUri(), bucket)).isEqualTo(want);
        server.flushMetering(); // the same figures once they are written durably
        assertThat(MeteringSupport.usageByOperation(server.adminUri(), bucket)).isEqualTo(want);

        // Storage: the objects present, byte for byte, and the part still in progress.
        long bytes = 0;
        long objects = 0;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
            bytes += o.size();
            objects++;
        }
        assertThat(bytes).isEqualTo(1000 + 200_000 + (16 << 20) + (5 << 20) + 1234);
        String storage = MeteringSupport.admin(server.adminUri(), "/admin/v1/usage/storage")
                .body();
        assertThat(storage)
                .contains(
                        "{\"bucket\":\"metered\",\"account\":\"" + dev.granary.Granary.ROOT_ACCOUNT_ID + "\",\"bytes\":"
                                + bytes + ",\"objects\":" + objects + ",\"multipartBytes\":4321,\"multipartParts\":1,");
        String checked = MeteringSupport.admin(
                        server.adminUri(), "POST", "/admin/v1/usage/storage/check", GranaryServerExtension.SECRET_KEY)
                .body();
        assertThat(checked).contains("\"bytes\":" + bytes + ",\"objects\":" + objects + ",");
    }

    private static void expectFailure(Runnable call) {
        try {
            call.run();
            throw new AssertionError("expected the request to fail");
        } catch (S3Exception expected) {
            // counted by the interceptor
        }
    }

    /** Bytes sent of one request, from its access-log line (the per-request record), waiting for it to appear. */
    private static long bytesSentFor(String requestId) throws Exception {
        Matcher m = logLine(requestId);
        return m.group(10).equals("-") ? 0 : Long.parseLong(m.group(10));
    }

    @Test
    void aFormUploadIsLoggedAsItsSigner() throws Exception {
        server.client().createBucket(b -> b.bucket("form-metered"));
        String boundary = "----MeteringFormBoundary";
        StringBuilder body = new StringBuilder();
        new PostPolicyForm("form-metered", "signed.txt")
                .signed()
                .forEach((name, value) -> body.append("--")
                        .append(boundary)
                        .append("\r\nContent-Disposition: form-data; name=\"")
                        .append(name)
                        .append("\"\r\n\r\n")
                        .append(value)
                        .append("\r\n"));
        body.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--")
                .append(boundary)
                .append("--\r\n");
        HttpResponse<String> posted = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/form-metered"))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).isEqualTo(204);
        String requestId = posted.headers().firstValue("x-amz-request-id").orElseThrow();
        // The requester field of its access-log line is the account that signed the form, not anonymous.
        assertThat(logLine(requestId).group(4)).isEqualTo(dev.granary.Granary.ROOT_ACCOUNT_ID);
    }

    private static Matcher logLine(String requestId) throws Exception {
        Path log = server.dataDir().resolve("access-logs").resolve("access.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    Matcher m = LOG_LINE.matcher(line);
                    if (m.matches() && m.group(5).equals(requestId)) {
                        return m;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no access-log line for request " + requestId);
    }

    @Test
    void adminApiNeedsTheRootSignature() throws Exception {
        HttpResponse<String> unsigned = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.adminUri() + "/admin/v1/usage"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        HttpResponse<String> wrongSecret =
                MeteringSupport.admin(server.adminUri(), "GET", "/admin/v1/usage", "not-the-secret");
        assertThat(wrongSecret.statusCode()).isEqualTo(403);
        HttpResponse<String> badTime = MeteringSupport.admin(
                server.adminUri(), "GET", "/admin/v1/usage?from=yesterday", GranaryServerExtension.SECRET_KEY);
        assertThat(badTime.statusCode()).isEqualTo(400);
        String json = MeteringSupport.admin(
                        server.adminUri(),
                        "/admin/v1/usage?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z&groupBy=account,class,hour")
                .body();
        assertThat(json)
                .startsWith("{\"from\":\"2000-01-01T00:00:00Z\"")
                .contains("\"groupBy\":[\"account\",\"class\",\"hour\"]");
    }

    /** Series name, labels and value of one sample line of the Prometheus text format (0.0.4), strictly. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|\\+Inf|-Inf)( -?[0-9]+)?$");

    @Test
    void metricsParseAsPrometheusTextAndHaveTheSeries() throws Exception {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket("scraped"));
        s3.putObject(b -> b.bucket("scraped").key("k"), RequestBody.fromBytes(random(5000)));
        s3.getObjectAsBytes(b -> b.bucket("scraped").key("k"));
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(server.adminUri() + "/metrics"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, Double> samples = new HashMap<>();
        for (String line : r.body().lines().toList()) {
            if (line.isEmpty() || line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("not a Prometheus sample line: %s", line).isTrue();
            samples.put(
                    m.group(1) + (m.group(2) == null ? "" : m.group(2)),
                    Double.parseDouble(m.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
        }
        assertThat(samples.get("granary_requests_total{operation=\"PutObject\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(samples.get("granary_request_body_out_bytes_total{operation=\"GetObject\"}"))
                .isGreaterThanOrEqualTo(5000);
        assertThat(samples.get("granary_request_body_in_bytes_total{operation=\"PutObject\"}"))
                .isGreaterThanOrEqualTo(5000);
        assertThat(samples.keySet())
                .anyMatch(s -> s.startsWith("granary_request_duration_seconds_bucket{operation=\"GetObject\",le="));
        assertThat(samples.get("granary_storage_bytes{account=\"" + dev.granary.Granary.ROOT_ACCOUNT_ID
                        + "\",bucket=\"scraped\"}"))
                .isEqualTo(5000);
        assertThat(samples.get("granary_storage_objects{account=\"" + dev.granary.Granary.ROOT_ACCOUNT_ID
                        + "\",bucket=\"scraped\"}"))
                .isEqualTo(1);
        assertThat(samples.get("granary_engine_partitions")).isEqualTo(8);
        assertThat(samples)
                .containsKeys(
                        "granary_rocksdb_sst_files_size_bytes",
                        "granary_rocksdb_blob_files_size_bytes",
                        "granary_rocksdb_pending_compaction_bytes");
        assertThat(samples.keySet()).anyMatch(s -> s.startsWith("jvm_memory_used_bytes"));
    }
}
