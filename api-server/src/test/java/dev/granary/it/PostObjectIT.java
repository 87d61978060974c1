package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.PostPolicyVerifier;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
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
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final S3Client s3 = server.client();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
        server.client().putBucketCors(b -> b.bucket(BUCKET).corsConfiguration(c -> c.corsRules(CORSRule.builder()
                .allowedOrigins("https://app.example.com")
                .allowedMethods("POST")
                .exposeHeaders("ETag")
                .build())));
    }

    /** A form: its policy conditions and the fields it sends, signed for {@code expiration}. */
    private static final class Form {
        final List<String> conditions = new ArrayList<>();
        final Map<String, String> fields = new LinkedHashMap<>();
        Instant expiration = Instant.now().plus(1, ChronoUnit.HOURS);
        String secret = GranaryServerExtension.SECRET_KEY;
        boolean sign = true;

        Form(String key) {
            fields.put("key", key);
            conditions.add("{\"bucket\": \"" + BUCKET + "\"}");
            conditions.add("[\"starts-with\", \"$key\", \"\"]");
        }

        Form field(String name, String value) {
            fields.put(name, value);
            conditions.add("[\"eq\", \"$" + name + "\", \"" + value + "\"]");
            return this;
        }

        Form condition(String json) {
            conditions.add(json);
            return this;
        }

        /** The fields as sent: the form's own, then the signing fields and the signed policy. */
        Map<String, String> signed() {
            Instant now = Instant.now();
            String amzDate = AMZ_DATE.format(now);
            String date = amzDate.substring(0, 8);
            String credential = GranaryServerExtension.ACCESS_KEY + "/" + date + "/us-east-1/s3/aws4_request";
            List<String> all = new ArrayList<>(conditions);
            all.add("{\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"}");
            all.add("{\"x-amz-credential\": \"" + credential + "\"}");
            all.add("{\"x-amz-date\": \"" + amzDate + "\"}");
            String policy = "{\"expiration\": \"" + expiration.truncatedTo(ChronoUnit.MILLIS) + "\", \"conditions\": ["
                    + String.join(", ", all) + "]}";
            String policyB64 = Base64.getEncoder().encodeToString(policy.getBytes(StandardCharsets.UTF_8));
            Map<String, String> result = new LinkedHashMap<>(fields);
            if (sign) {
                result.put("x-amz-algorithm", "AWS4-HMAC-SHA256");
                result.put("x-amz-credential", credential);
                result.put("x-amz-date", amzDate);
                result.put("policy", policyB64);
                result.put("x-amz-signature", PostPolicyVerifier.signature(secret, date, "us-east-1", policyB64));
            }
            return result;
        }
    }

    private HttpResponse<String> post(Form form, String filename, byte[] file, Map<String, String> headers)
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

    private HttpResponse<String> post(Form form, byte[] file) throws Exception {
        return post(form, "upload.bin", file, Map.of());
    }

    private byte[] get(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
    }

    @Test
    void signedFormUploadStoresTheFileWithItsFieldsAs204() throws Exception {
        byte[] data = ObjectIT.randomBytes(3 * 1024 * 1024 + 17, 7);
        Form form = new Form("uploads/photo.jpg")
                .field("Content-Type", "image/jpeg")
                .field("x-amz-meta-owner", "alice")
                .field("Cache-Control", "max-age=60");

        HttpResponse<String> r = post(form, data);

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"" + ObjectIT.md5Hex(data) + "\"");
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/forms/uploads/photo.jpg"));
        ResponseBytes<GetObjectResponse> got = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key("uploads/photo.jpg"));
        assertThat(got.asByteArray()).isEqualTo(data);
        assertThat(got.response().contentType()).isEqualTo("image/jpeg");
        assertThat(got.response().cacheControl()).isEqualTo("max-age=60");
        assertThat(got.response().metadata()).containsEntry("owner", "alice");
    }

    @Test
    void filenameIsSubstitutedIntoTheKey() throws Exception {
        Form form = new Form("user/${filename}").condition("[\"starts-with\", \"$key\", \"user/\"]");

        HttpResponse<String> r = post(form, "report.pdf", "pdf".getBytes(StandardCharsets.UTF_8), Map.of());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(get("user/report.pdf")).isEqualTo("pdf".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void successActionStatus201AnswersWithPostResponseXmlAnd200WithNothing() throws Exception {
        HttpResponse<String> created = post(new Form("s201").field("success_action_status", "201"), new byte[] {1});
        HttpResponse<String> ok = post(new Form("s200").field("success_action_status", "200"), new byte[] {2});

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
        Form form = new Form("dir/r 1.txt").field("success_action_redirect", "https://app.example.com/done?x=1");

        HttpResponse<String> r = post(form, data);

        assertThat(r.statusCode()).isEqualTo(303);
        assertThat(r.headers().firstValue("Location"))
                .hasValue("https://app.example.com/done?x=1&bucket=forms&key=dir%2Fr%201.txt&etag=%22"
                        + ObjectIT.md5Hex(data) + "%22");
        assertThat(get("dir/r 1.txt")).isEqualTo(data);
    }

    @Test
    void fileLargerThanContentLengthRangeFailsWithEntityTooLargeAndStoresNothing() throws Exception {
        Form form = new Form("too-large").condition("[\"content-length-range\", 1, 1024]");

        HttpResponse<String> r = post(form, new byte[1025]);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>EntityTooLarge</Code>").contains("<MaxSizeAllowed>1024</MaxSizeAllowed>");
        assertThatThrownBy(() -> get("too-large")).isInstanceOf(NoSuchKeyException.class);
        assertThat(post(new Form("just-right").condition("[\"content-length-range\", 1, 1024]"), new byte[1024])
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void fileSmallerThanContentLengthRangeFailsWithEntityTooSmall() throws Exception {
        Form form = new Form("too-small").condition("[\"content-length-range\", 10, 1024]");

        HttpResponse<String> r = post(form, new byte[9]);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>EntityTooSmall</Code>");
        assertThatThrownBy(() -> get("too-small")).isInstanceOf(NoSuchKeyException.class);
    }

    @Test
    void expiredPolicyIsDenied() throws Exception {
        Form form = new Form("expired");
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
        Form form = new Form("other/x").condition("[\"starts-with\", \"$key\", \"user/\"]");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Invalid according to Policy: Policy Condition failed: [&quot;starts-with&quot;, &quot;$key&quot;, &quot;user/&quot;]");
    }

    @Test
    void fieldNotCoveredByThePolicyIsDenied() throws Exception {
        Form form = new Form("extra");
        form.fields.put("x-amz-meta-sneaky", "1");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("Invalid according to Policy: Extra input fields: x-amz-meta-sneaky");
    }

    @Test
    void wrongSignatureFailsWithSignatureDoesNotMatch() throws Exception {
        Form form = new Form("bad-signature");
        form.secret = "not-the-secret";

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void unsignedFormIsDenied() throws Exception {
        Form form = new Form("unsigned");
        form.sign = false;

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).contains("<Code>AccessDenied</Code>");
    }

    @Test
    void formWithoutAKeyFieldFailsWithInvalidArgument() throws Exception {
        Form form = new Form("k");
        form.fields.remove("key");

        HttpResponse<String> r = post(form, new byte[] {1});

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<Code>InvalidArgument</Code>").contains("must contain a field named &apos;key&apos;");
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
                post(new Form("from-browser"), "f.txt", new byte[] {1}, Map.of("Origin", "https://app.example.com"));

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example.com");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("ETag");
    }
}
