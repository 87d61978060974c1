package dev.granary.bench.load;

import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SignableRequest;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default client: Granary's own {@link SigV4Signer} over one keep-alive {@link HttpConnection} per worker.
 * Bodies are sent as UNSIGNED-PAYLOAD (what SDKs send over TLS), so the client never hashes the payload and the
 * server's work is the same for every size; bodiless requests sign the empty payload's SHA-256 like SDKs do.
 */
final class LeanS3Client implements S3Ops {
    private static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    private static final String EMPTY_SHA256 = emptySha256();

    private final HttpConnection http;
    private final SigV4Signer signer;
    private final String hostHeader;

    LeanS3Client(String host, int port, SigV4Signer signer) {
        this.http = new HttpConnection(host, port);
        this.signer = signer;
        this.hostHeader = host + ":" + port;
    }

    @Override
    public void createBucket(String bucket) throws IOException {
        HttpConnection.Response r = send("PUT", "/" + bucket, "", null, null);
        if (!r.ok() && !r.bodyText().contains("BucketAlreadyOwnedByYou")) {
            throw failure("CreateBucket " + bucket, r);
        }
    }

    @Override
    public void put(String bucket, String key, ObjectBody body) throws IOException {
        HttpConnection.Response r = send("PUT", path(bucket, key), "", body, null);
        if (!r.ok()) {
            throw failure("PUT " + key, r);
        }
    }

    @Override
    public void get(String bucket, String key, ObjectBody expected) throws IOException {
        ObjectBody.Verifier verifier = expected.verifier();
        HttpConnection.Response r = send("GET", path(bucket, key), "", null, verifier);
        if (!r.ok()) {
            throw failure("GET " + key, r);
        }
        if (!verifier.verified()) {
            throw new OpException("GET " + key + ": content differs from what was stored (" + verifier.received()
                    + " of " + expected.length() + " bytes received)");
        }
    }

    @Override
    public void stat(String bucket, String key, long expectedSize) throws IOException {
        HttpConnection.Response r = send("HEAD", path(bucket, key), "", null, null);
        if (!r.ok() || r.contentLength() != expectedSize) {
            throw new OpException("HEAD " + key + ": status " + r.status() + ", Content-Length " + r.contentLength());
        }
    }

    @Override
    public void delete(String bucket, String key) throws IOException {
        HttpConnection.Response r = send("DELETE", path(bucket, key), "", null, null);
        if (!r.ok()) {
            throw failure("DELETE " + key, r);
        }
    }

    @Override
    public int list(String bucket, String prefix, int maxKeys) throws IOException {
        String query = "list-type=2&max-keys=" + maxKeys + "&prefix=" + SigV4Signer.encodeQueryComponent(prefix);
        HttpConnection.Response r = send("GET", "/" + bucket, query, null, null);
        if (!r.ok()) {
            throw failure("LIST " + prefix, r);
        }
        return ListingXml.countKeys(r.body());
    }

    private HttpConnection.Response send(
            String method, String rawPath, String rawQuery, ObjectBody body, HttpConnection.BodySink sink)
            throws IOException {
        SignableRequest signed = signer.sign(
                new SignableRequest(method, rawPath, rawQuery, Map.of("host", List.of(hostHeader))),
                body == null ? EMPTY_SHA256 : UNSIGNED_PAYLOAD,
                Instant.now());
        Map<String, String> headers = new LinkedHashMap<>();
        signed.headers().forEach((name, values) -> headers.put(name, values.get(0)));
        String target = rawQuery.isEmpty() ? rawPath : rawPath + "?" + rawQuery;
        return http.exchange(method, target, headers, body, sink);
    }

    private static String path(String bucket, String key) {
        return SigV4Signer.encodePath("/" + bucket + "/" + key);
    }

    private static OpException failure(String what, HttpConnection.Response r) {
        String text = r.body() == null ? "" : r.bodyText();
        return new OpException(what + ": status " + r.status() + (text.isEmpty() ? "" : " " + abbreviate(text)));
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private static String emptySha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
