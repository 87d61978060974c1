package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Every request body the S3 API parses, fuzzed through a real server (Jazzer, coverage-guided over the whole
 * pipeline): bucket lifecycle, CORS, tagging, ACL, versioning, encryption, public access block and policy, object
 * tagging and ACL, DeleteObjects, CompleteMultipartUpload and CreateBucket's configuration, each signed correctly so
 * that the body reaches its parser. Whatever the body, the answer is no 5xx and, when it has a body, well-formed
 * XML; and an object no request names stays as it was.
 */
class XmlBodiesFuzzIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "fuzz";
    private static final String KEEP = "fuzz-keep";
    private static final byte[] KEPT = "an object no fuzzed request may change".getBytes(StandardCharsets.UTF_8);
    private static final String[][] TARGETS = {
        {"PUT", "/" + BUCKET + "?lifecycle"},
        {"PUT", "/" + BUCKET + "?cors"},
        {"PUT", "/" + BUCKET + "?tagging"},
        {"PUT", "/" + BUCKET + "?acl"},
        {"PUT", "/" + BUCKET + "?versioning"},
        {"PUT", "/" + BUCKET + "?encryption"},
        {"PUT", "/" + BUCKET + "?publicAccessBlock"},
        {"PUT", "/" + BUCKET + "?policy"},
        {"PUT", "/" + BUCKET + "/obj?tagging"},
        {"PUT", "/" + BUCKET + "/obj?acl"},
        {"POST", "/" + BUCKET + "?delete"},
        {"POST", "/" + BUCKET + "/mp?uploadId=UPLOAD"},
        {"PUT", "/fuzz-created"},
    };

    private static SignedHttp http;
    private static String uploadId;

    @BeforeAll
    static void setUp() {
        http = new SignedHttp(server);
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        s3.createBucket(b -> b.bucket(KEEP));
        s3.putObject(b -> b.bucket(BUCKET).key("obj"), RequestBody.fromString("fuzzed"));
        s3.putObject(b -> b.bucket(KEEP).key("kept"), RequestBody.fromBytes(KEPT));
        uploadId = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mp")).uploadId();
        s3.uploadPart(b -> b.bucket(BUCKET).key("mp").uploadId(uploadId).partNumber(1), RequestBody.fromString("p"));
    }

    @AfterAll
    static void nothingElseChanged() {
        S3Client s3 = server.client();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(KEEP).key("kept")).asByteArray())
                .isEqualTo(KEPT);
        assertThat(s3.listObjectsV2(b -> b.bucket(KEEP)).keyCount()).isEqualTo(1);
    }

    @FuzzTest
    void requestBodies(FuzzedDataProvider data) throws Exception {
        String[] target = TARGETS[data.consumeInt(0, TARGETS.length - 1)];
        String path = target[1].replace("UPLOAD", uploadId);
        byte[] body = data.consumeRemainingAsBytes();
        String md5 = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("MD5").digest(body));
        HttpResponse<String> response =
                http.send(target[0], path, body, SignedHttp.sha256Hex(body), Instant.now(), Map.of("content-md5", md5));
        String what = target[0] + " " + path + " with " + body.length + " bytes: " + response.statusCode() + " "
                + response.body();
        try {
            assertThat(response.statusCode()).as(what).isLessThan(500);
            String answer = response.body();
            if (!answer.isEmpty()) {
                DocumentBuilderFactory strict = DocumentBuilderFactory.newInstance();
                strict.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                strict.newDocumentBuilder().parse(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)));
            }
            if (path.equals("/fuzz-created") && response.statusCode() == 200) {
                server.client().deleteBucket(b -> b.bucket("fuzz-created"));
            }
        } catch (Exception | AssertionError e) {
            // A forked test JVM that ends on a finding may lose its report: say here what failed.
            System.err.println("XmlBodiesFuzzIT finding on " + what);
            throw e;
        }
    }
}
