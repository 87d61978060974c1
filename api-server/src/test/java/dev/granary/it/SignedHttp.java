package dev.granary.it;

import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Raw SigV4-signed requests through the JDK's HTTP client, for what the AWS SDK refuses to send (invalid bucket
 * names, skewed clocks, lying payload hashes).
 */
final class SignedHttp {
    private final GranaryServerExtension server;
    private final HttpClient http = HttpClient.newHttpClient();

    SignedHttp(GranaryServerExtension server) {
        this.server = server;
    }

    HttpResponse<String> send(String method, String rawPath, byte[] body) throws Exception {
        return send(method, rawPath, body, sha256Hex(body), Instant.now(), Map.of());
    }

    HttpResponse<String> send(
            String method, String rawPath, byte[] body, String payloadHash, Instant time, Map<String, String> extra)
            throws Exception {
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:" + server.uri().getPort()));
        extra.forEach((k, v) -> headers.put(k, List.of(v)));
        int q = rawPath.indexOf('?');
        String path = q < 0 ? rawPath : rawPath.substring(0, q);
        String query = q < 0 ? null : rawPath.substring(q + 1);
        SignableRequest signed = signer.sign(new SignableRequest(method, path, query, headers), payloadHash, time);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.uri() + rawPath))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach((name, values) -> {
            if (!name.equals("host")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The head of a raw HTTP/1.1 request signed with UNSIGNED-PAYLOAD, for what the JDK's client cannot send
     * (pipelined requests, lengths that lie): request line, {@code headers} and the signature's, then
     * {@code unsignedLines} (each ending in CRLF) and the blank line. {@code target} may carry a query.
     */
    static byte[] rawHead(int port, String method, String target, Map<String, String> headers, String unsignedLines) {
        SigV4Signer signer =
                new SigV4Signer(GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY, "us-east-1");
        Map<String, List<String>> h = new TreeMap<>();
        h.put("host", List.of("127.0.0.1:" + port));
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        SignableRequest signed =
                signer.sign(new SignableRequest(method, path, query, h), "UNSIGNED-PAYLOAD", Instant.now());
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
        signed.headers()
                .forEach((name, values) -> values.forEach(
                        v -> request.append(name).append(": ").append(v).append("\r\n")));
        return request.append(unsignedLines).append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String sha256Hex(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
