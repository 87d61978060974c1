package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CORSRule;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** POST object: HTML form uploads signed with a SigV4 POST policy, built here as a browser page would get it. */
class PostObjectIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "forms";

    private final S3Client s3 = server.client();
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
        server.client()
                .putBucketCors(b -> b.bucket(BUCKET)
                        .corsConfiguration(c -> c.corsRules(CORSRule.builder()
                                .allowedOrigins("https://app.example.com")
                                .allowedMethods("POST")
                                .exposeHeaders("ETag")
                                .build())));
    }

    /** A form for {@code key} in the test bucket. */
    private static PostPolicyForm form(String key) {
        return new PostPolicyForm(BUCKET, key);
    }

    private HttpResponse<String> post(PostPolicyForm form, String filename, byte[] file, Map<String, String> headers)
            throws Exception {
        String boundary = "----GranaryFormBoundary7MA4YWxkTrZu0gW";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : form.signed().entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                            + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        // A field after the file is ignored, as S3 ignores it.
        body.writeBytes(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"submit\"\r\n\r\nUpload\r\n--"
                        + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(PostPolicyForm form, byte[] file) throws Exception {
        return post(form, "upload.bin", file, Map.of());
    }

    private byte[] get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    @Test
    void signedFormUploadStoresTheFileWithItsFieldsAs204() throws Exception {
        byte[] data = ObjectIT.randomBytes(3 * 1024 * 1024 + 17, 7);
        PostPolicyForm form = form("uploads/photo.jpg")
                .field("Content-Type", "image/jpeg")
                .field("x-amz-meta-owner", "alice")
                .field("Cache-Control", "max-age=60");

        HttpResponse<String> r = post(form, data);

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + ObjectIT.md5Hex(data) + "\"");
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/forms/uploads/photo.jpg"));
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("uploads/photo.jpg"));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().contentType()).isEqualTo("image/jpeg");
        assertThat(got.response().cacheControl()).isEqualTo("max-age=60");
        assertThat(got.response().metadata()).containsEntry("owner", "alice");
    }

    @Test
    void taggingFieldTagsTheObject() throws Exception {
        PostPolicyForm form = form("tagged/form.txt")
                .field(
                        "tagging",
                        "<Tagging><TagSet><Tag><Key>source</Key><Value>form</Value></Tag></TagSet></Tagging>");

        assertThat(post(form, "x".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(204);
        assertThat(s3.getObjectTagging(b -> b.bucket(BUCKET).key("tagged/form.txt"))
                        .tagSet())
                .singleElement()
                .satisfies(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("source=form"));
    }

    @Test
    void customerKeyFieldsEncryptTheUploadAndTheKeyReadsItBack() throws Exception {
        byte[] key = new byte[32];
        new java.util.Random(5).nextBytes(key);
        String key64 = java.util.Base64.getEncoder().encodeToString(key);
        String md5 = java.util.Base64.getEncoder()
                .encodeToString(java.security.MessageDigest.getInstance("MD5").digest(key));
        PostPolicyForm form = form("sse-c/form.txt")
                .field("x-amz-server-side-encryption-customer-algorithm", "AES256")
                .field("x-amz-server-side-encryption-customer-key", key64)
                .field("x-amz-server-side-encryption-customer-key-MD5", md5);

        assertThat(post(form, "bar".getBytes(StandardCharsets.UTF_8)).statusCode())
                .isEqualTo(204);
        assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET)
                                .key("sse-c/form.txt")
                                .sseCustomerAlgorithm("AES256")
                                .sseCustomerKey(key64)
                                .sseCustomerKeyMD5(md5))
                        .asUtf8String())
                .isEqualTo("bar");
        assertThatThrownBy(() -> s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("sse-c/form.txt")))
                .isInstanceOfSatisfying(
                        software.amazon.awssdk.services.s3.model.S3Exception.class,
                        e -> assertThat(e.statusCode()).isEqualTo(400));
    }

    @Test
    void checksumFieldIsCheckedAgainstTheFile() throws Exception {
        byte[] data = "checked".getBytes(StandardCharsets.UTF_8);
        String sha = java.util.Base64.getEncoder()
                .encodeToString(
                        java.security.MessageDigest.getInstance("SHA-256").digest(data));
        PostPolicyForm good = form("sum/good.txt");
        Map<String, String> extra = Map.of("x-amz-checksum-sha256", sha);
        assertThat(postWith(good, extra, data).statusCode()).isEqualTo(204);
        assertThat(s3.getObject(b -> b.bucket(BUCKET).key("sum/good.txt").checksumMode("ENABLED"))
                        .response()
                        .checksumSHA256())
                .isEqualTo(sha);

        HttpResponse<String> bad = postWith(form("sum/bad.txt"), extra, "other".getBytes(StandardCharsets.UTF_8));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("<Code>BadDigest</Code>");
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key("sum/bad.txt")))
                .isInstanceOf(software.amazon.awssdk.services.s3.model.NoSuchKeyException.class);
    }

    /** A form with fields the policy does not cover (a checksum of the file is not a policy matter). */
    private HttpResponse<String> postWith(PostPolicyForm form, Map<String, String> unsignedFields, byte[] file)
            throws Exception {
        String boundary = "----GranaryFormBoundaryChecksum";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Map<String, String> fields = new java.util.LinkedHashMap<>(form.signed());
        fields.putAll(unsignedFields);
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                            + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET))
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void filenameIsSubstitutedIntoTheKey() throws Exception {
        PostPolicyForm form = form("user/${filename}").condition("[\"starts-with\", \"$key\", \"user/\"]");

        HttpResponse<String> r = post(form, "report.pdf", "pdf".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(get("user/report.pdf")).isEqualTo("pdf".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void successActionStatus201AnswersWithPostResponseXmlAnd200WithNothing() throws Exception {
        HttpResponse<String> created = post(form("s201").field("success_action_status", "201"), new byte[] {1});
        HttpResponse<String> ok = post(form("s200").field("success_action_status", "200"), new byte[] {2});

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body())
                .contains("<PostResponse>")
                .contains("<Bucket>forms</Bucket>")
                .contains("<Key>s201</Key>")
                .contains("<ETag>&quot;");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        assertThat(get("s200")).containsExactly(2);
    }

    @Test
    void successActionRedirectAnswers303WithBucketKeyAndEtag() throws Exception {
        byte[] data = "redirected".getBytes(StandardCharsets.UTF_8);
        PostPolicyForm form = form("dir/r 1.txt").field("success_action_redirect", "https://app.example.com/done?x=1");

        HttpResponse<String> r = post(form, data);

        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("https://app.example.com/done?x=1&bucket=forms&key=dir%2Fr%201.txt&etag=%22"
                        + ObjectIT.md5Hex(data) + "%22");
        assertThat(get("dir/r 1.txt")).isEqualTo(data);
    }

    @Test
    void fileLargerThanContentLengthRangeFailsWithEntityTooLargeAndStoresNothing() throws Exception {
        PostPolicyForm form = form("too-large").condition("[\"content-length-range\", 1, 1024]");

        HttpResponse<String> r = post(form, new byte[1025]);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>EntityTooLarge</Code>").contains("<MaxSizeAllowed>1024</MaxSizeAllowed>");
        assertThatThrownBy(() -> get("too-large")).isInstanceOf(NoSuchKeyException.class);
        assertThat(post(form("just-right").condition("[\"content-length-range\", 1, 1024]"), new byte[1024])
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void fileSmallerThanContentLengthRangeFailsWithEntityTooSmall() throws Exception {
        PostPolicyForm form = form("too-small").condition("[\"content-length-range\", 10, 1024]");

        HttpResponse<String> r = post(form, new byte[9]);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>EntityTooSmall</Code>");
        assertThatThrownBy(() -> get("too-small")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void expiredPolicyIsDenied() throws Exception {
        PostPolicyForm form = form("expired");
        form.expiration = Instant.now().minus(1, ChronoUnit.MINUTES);

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body())
                .contains("<Code>AccessDenied</Code>")
                .contains("Invalid according to Policy: Policy expired.");
        assertThatThrownBy(() -> get("expired")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void failedConditionIsDeniedWithTheCondition() throws Exception {
        PostPolicyForm form = form("other/x").condition("[\"starts-with\", \"$key\", \"user/\"]");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body())
                .contains(
                        "Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;, &quot;user/&quot;]");
    }

    @Test
    void fieldNotCoveredByThePolicyIsDenied() throws Exception {
        PostPolicyForm form = form("extra");
        form.fields.put("x-amz-meta-sneaky", "1");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Invalid according to Policy: Extra input fields: x-amz-meta-sneaky");
    }

    @Test
    void wrongSignatureFailsWithSignatureDoesNotMatch() throws Exception {
        PostPolicyForm form = form("bad-signature");
        form.secret = "not-the-secret";

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void unsignedFormIsDenied() throws Exception {
        PostPolicyForm form = form("unsigned");
        form.sign = false;

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>AccessDenied</Code>");
    }

    @Test
    void formWithoutAKeyFieldFailsWithInvalidArgument() throws Exception {
        PostPolicyForm form = form("k");
        form.fields.remove("key");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body())
                .contains("<Code>InvalidArgument</Code>")
                .contains("must contain a field named &apos;key&apos;");
    }

    @Test
    void postThatIsNotMultipartFailsWithPreconditionFailed() throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(server.uri() + "/" + BUCKET))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("key=a"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(r.body()).contains("<Code>PreconditionFailed</Code>").contains("multipart/form-data");
    }

    @Test
    void formUploadFromAnAllowedOriginCarriesCorsHeaders() throws Exception {
        HttpResponse<String> r =
                post(form("from-browser"), "f.txt", new byte[] {1}, Map.of("Origin", "https://app.example.com"));

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("ETag");
    }
}
