package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Protocol hygiene: error shapes, hardened XML, explicit limits, request ids, unsupported operations. */
class ProtocolIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "protocol";
    private final S3Client s3 = server.client();
    private final SignedHttp http = new SignedHttp(server);

    @BeforeAll
    static void createBucket() {
        server.client().createBucket(b -> b.bucket(BUCKET));
    }

    @Test
    void xmlWithADoctypeOrExternalEntityIsRejectedAsMalformed() throws Exception {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Delete><Object><Key>&x;</Key></Object></Delete>";
        HttpResponse<String> response =
                http.send("POST", "/" + BUCKET + "?delete", xxe.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MalformedXML</Code>").doesNotContain("root:");
    }

    @Test
    void garbageXmlAndOversizedBatchesAreMalformedXml() throws Exception {
        assertThat(http.send("POST", "/" + BUCKET + "?delete", "<Delete><Object>".getBytes(StandardCharsets.UTF_8))
                        .body())
                .contains("<Code>MalformedXML</Code>");
        StringBuilder many = new StringBuilder("<Delete>");
        for (int i = 0; i < 1001; i++) {
            many.append("<Object><Key>k").append(i).append("</Key></Object>");
        }
        many.append("</Delete>");
        HttpResponse<String> response =
                http.send("POST", "/" + BUCKET + "?delete", many.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MalformedXML</Code>");
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key("mp")).uploadId();
        HttpResponse<String> complete = http.send(
                "POST", "/" + BUCKET + "/mp?uploadId=" + uploadId, "not xml".getBytes(StandardCharsets.UTF_8));
        assertThat(complete.body()).contains("<Code>MalformedXML</Code>");
        HttpResponse<String> empty = http.send(
                "POST",
                "/" + BUCKET + "/mp?uploadId=" + uploadId,
                "<CompleteMultipartUpload></CompleteMultipartUpload>".getBytes(StandardCharsets.UTF_8));
        assertThat(empty.body()).contains("<Code>MalformedXML</Code>");
    }

    @Test
    void errorsCarryTheS3XmlBodyAndRequestIdButHeadErrorsHaveNoBody() throws Exception {
        HttpResponse<String> get = http.send("GET", "/" + BUCKET + "/missing-key", new byte[0]);
        assertThat(get.statusCode()).isEqualTo(404);
        assertThat(get.headers().firstValue("Content-Type")).hasValue("application/xml");
        assertThat(get.body())
                .startsWith("<?xml")
                .contains("<Code>NoSuchKey</Code>", "<Key>missing-key</Key>", "<RequestId>");
        String requestId = get.headers().firstValue("x-amz-request-id").orElseThrow();
        assertThat(get.body()).contains("<RequestId>" + requestId + "</RequestId>");

        HttpResponse<String> head = http.send("HEAD", "/" + BUCKET + "/missing-key", new byte[0]);
        assertThat(head.statusCode()).isEqualTo(404);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("x-amz-request-id")).isPresent();
        assertThat(head.headers().firstValue("Date")).isPresent();
    }

    @Test
    void unsupportedMethodsAndSubresourcesAnswerWithS3Errors() throws Exception {
        HttpResponse<String> patch = http.send("PATCH", "/" + BUCKET + "/k", new byte[0]);
        assertThat(patch.statusCode()).isEqualTo(405);
        assertThat(patch.body()).contains("<Code>MethodNotAllowed</Code>");
        HttpResponse<String> cors = http.send("GET", "/" + BUCKET + "?website", new byte[0]);
        assertThat(cors.statusCode()).isEqualTo(501);
        assertThat(cors.body()).contains("<Code>NotImplemented</Code>");
    }

    @Test
    void invalidListingArgumentsFailWithInvalidArgument() throws Exception {
        assertThat(http.send("GET", "/" + BUCKET + "?list-type=2&max-keys=abc", new byte[0])
                        .body())
                .contains("<Code>InvalidArgument</Code>");
        assertThat(http.send("GET", "/" + BUCKET + "?max-keys=-1", new byte[0]).body())
                .contains("<Code>InvalidArgument</Code>");
        assertThat(http.send("GET", "/" + BUCKET + "?encoding-type=base64", new byte[0])
                        .body())
                .contains("<Code>InvalidArgument</Code>");
        assertThat(http.send("GET", "/" + BUCKET + "?list-type=2&continuation-token=!!!!", new byte[0])
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void userMetadataAboveTwoKilobytesIsRejected() {
        assertThatThrownBy(() -> s3.putObject(
                        b -> b.bucket(BUCKET).key("meta").metadata(Map.of("big", "x".repeat(2100))),
                        RequestBody.fromString("x")))
                .isInstanceOfSatisfying(
                        S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("MetadataTooLarge"));
    }

    /** Sends a signed request line and headers on a raw socket and returns what the server answered. */
    private String raw(String method, String path, Map<String, String> headers, byte[] body) throws Exception {
        int port = server.uri().getPort();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(SignedHttp.rawHead(port, method, path, headers, "Connection: close\r\n"));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0 && answer.size() < 1_000_000; ) {
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void uploadsAboveFiveGibibytesAreRefusedBeforeTheBodyIsSent() throws Exception {
        String answer = raw(
                "PUT",
                "/" + BUCKET + "/huge",
                Map.of("content-length", Long.toString(6L * 1024 * 1024 * 1024), "expect", "100-continue"),
                new byte[0]);
        assertThat(answer)
                .startsWith("HTTP/1.1 400")
                .contains("<Code>EntityTooLarge</Code>")
                .doesNotContain("100 Continue");
    }

    @Test
    void chunkedTransferWithoutALengthFailsWithMissingContentLength() throws Exception {
        String answer = raw(
                "PUT",
                "/" + BUCKET + "/nolength",
                Map.of("transfer-encoding", "chunked"),
                "5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(answer).startsWith("HTTP/1.1 411").contains("<Code>MissingContentLength</Code>");
    }
}
