package dev.granary.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.commons.codec.binary.Hex;

/**
 * Signs S3 requests with SigV4 as a client would: Authorization header, presigned query and aws-chunked bodies.
 * For tests and the load driver; it shares the canonicalization code with {@link SigV4Verifier}, so it proves
 * round trips, while the AWS vectors prove the canonicalization itself.
 */
public final class SigV4Signer {
    @SuppressWarnings("ArrayRecordComponent") // a private cache entry, never compared or hashed
    private record DayKey(String date, byte[] key) {}

    private volatile DayKey dayKey;

    private final String accessKey;
    private final String secretKey;
    private final String region;

    /**
     * Creates a signer for the s3 service.
     *
     * @param accessKey the access key id
     * @param secretKey the secret key
     * @param region the region to sign for
     */
    public SigV4Signer(String accessKey, String secretKey, String region) {
        this.accessKey = Objects.requireNonNull(accessKey, "accessKey");
        this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
        this.region = Objects.requireNonNull(region, "region");
    }

    /**
     * Percent-encodes an object path the way SDKs put it on the wire: every byte but A-Z a-z 0-9 - . _ ~ and '/'.
     *
     * @param path the decoded path, such as "/bucket/my key.txt"
     * @return the raw path to send
     */
    public static String encodePath(String path) {
        return SigV4.encode(path, true);
    }

    /**
     * Percent-encodes a query parameter name or value ('/' included).
     *
     * @param text the decoded text
     * @return the encoded text
     */
    public static String encodeQueryComponent(String text) {
        return SigV4.encode(text, false);
    }

    /**
     * Signs a request in the Authorization header. Adds x-amz-date and x-amz-content-sha256 and signs every
     * header of the request; the request must carry a host header.
     *
     * @param request the request to sign; header names lower case
     * @param payloadHash the x-amz-content-sha256 value: a SHA-256 hex or a payload marker such as UNSIGNED-PAYLOAD
     * @param time the signing time
     * @return a copy of the request with the x-amz-date, x-amz-content-sha256 and authorization headers
     */
    public SignableRequest sign(SignableRequest request, String payloadHash, Instant time) {
        if (request.header("host") == null) {
            throw new IllegalArgumentException("a signed request needs a host header");
        }
        String amzDate = SigV4.formatAmzDate(time);
        Map<String, List<String>> headers = new TreeMap<>(request.headers());
        headers.remove("authorization");
        headers.put("x-amz-date", List.of(amzDate));
        headers.put("x-amz-content-sha256", List.of(payloadHash));
        SignableRequest toSign = new SignableRequest(request.method(), request.rawPath(), request.rawQuery(), headers);
        List<String> signedHeaders = new ArrayList<>(headers.keySet()); // TreeMap: already sorted
        String scope = SigV4.scope(amzDate.substring(0, 8), region, SigV4.SERVICE_S3);
        String canonical =
                SigV4.canonicalRequest(toSign, SigV4.parseQuery(toSign.rawQuery(), true), signedHeaders, payloadHash);
        String signature = SigV4.signature(signingKey(amzDate), SigV4.stringToSign(amzDate, scope, canonical));
        Map<String, List<String>> signed = new LinkedHashMap<>(headers);
        signed.put(
                "authorization",
                List.of(SigV4.ALGORITHM + " Credential=" + accessKey + '/' + scope + ", SignedHeaders="
                        + String.join(";", signedHeaders) + ", Signature=" + signature));
        return new SignableRequest(request.method(), request.rawPath(), request.rawQuery(), signed);
    }

    /**
     * Presigns a request, signing only the host header and UNSIGNED-PAYLOAD.
     *
     * @param method the HTTP method
     * @param rawPath the encoded path, as it will be sent
     * @param rawQuery the encoded query the URL already has, or null
     * @param host the host header value the request will carry
     * @param expires how long the URL stays valid, at most seven days
     * @param time the signing time
     * @return the complete raw query for the URL, ending with X-Amz-Signature
     */
    public String presign(String method, String rawPath, String rawQuery, String host, Duration expires, Instant time) {
        String amzDate = SigV4.formatAmzDate(time);
        String scope = SigV4.scope(amzDate.substring(0, 8), region, SigV4.SERVICE_S3);
        StringBuilder query = new StringBuilder(rawQuery == null ? "" : rawQuery);
        appendParam(query, "X-Amz-Algorithm", SigV4.ALGORITHM);
        appendParam(query, "X-Amz-Credential", accessKey + '/' + scope);
        appendParam(query, "X-Amz-Date", amzDate);
        appendParam(query, "X-Amz-Expires", Long.toString(expires.toSeconds()));
        appendParam(query, "X-Amz-SignedHeaders", "host");
        SignableRequest toSign = new SignableRequest(method, rawPath, query.toString(), Map.of("host", List.of(host)));
        String canonical = SigV4.canonicalRequest(
                toSign, SigV4.parseQuery(toSign.rawQuery(), true), List.of("host"), SigV4.UNSIGNED_PAYLOAD);
        String signature = SigV4.signature(signingKey(amzDate), SigV4.stringToSign(amzDate, scope, canonical));
        appendParam(query, SigV4.X_AMZ_SIGNATURE, signature);
        return query.toString();
    }

    private static void appendParam(StringBuilder query, String name, String value) {
        if (query.length() > 0) {
            query.append('&');
        }
        query.append(encodeQueryComponent(name)).append('=').append(encodeQueryComponent(value));
    }

    /**
     * The context to sign the chunks of a request's aws-chunked body with.
     *
     * @param signed a request returned by {@link #sign}
     * @return the signing context, seeded with the request's signature
     */
    public SigningContext signingContext(SignableRequest signed) {
        String amzDate = signed.header("x-amz-date");
        String authorization = signed.header("authorization");
        String signature = authorization.substring(authorization.lastIndexOf("Signature=") + "Signature=".length());
        return new SigningContext(
                signingKey(amzDate),
                amzDate,
                SigV4.scope(amzDate.substring(0, 8), region, SigV4.SERVICE_S3),
                signature);
    }

    /**
     * Encodes a body as aws-chunked, the way SDKs stream uploads.
     *
     * @param payload the body
     * @param chunkSize the size of every chunk but the last
     * @param signing the context from {@link #signingContext} for chunk signatures, or null for unsigned chunks
     * @param trailers trailing headers (name lower case) to end the body with; empty for none. Signed with
     *     x-amz-trailer-signature when {@code signing} is given.
     * @return the encoded body
     */
    public static byte[] awsChunked(
            byte[] payload, int chunkSize, SigningContext signing, Map<String, String> trailers) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + payload.length / chunkSize * 100 + 512);
        String previous = signing == null ? null : signing.seedSignature();
        for (int off = 0, n = -1; n != 0; off += n) {
            n = Math.min(chunkSize, payload.length - off);
            StringBuilder header = new StringBuilder(Integer.toHexString(n));
            if (signing != null) {
                MessageDigest digest = SigV4.sha256();
                digest.update(payload, off, n);
                previous = signing.chunkSignature(previous, Hex.encodeHexString(digest.digest()));
                header.append(";chunk-signature=").append(previous);
            }
            write(out, header.append("\r\n").toString());
            out.write(payload, off, n);
            if (n > 0) {
                write(out, "\r\n");
            }
        }
        if (!trailers.isEmpty()) {
            StringBuilder canonical = new StringBuilder();
            trailers.forEach((name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                canonical.append(lower).append(':').append(value).append('\n');
                write(out, lower + ':' + value + "\r\n");
            });
            if (signing != null) {
                String signature = signing.trailerSignature(
                        previous, SigV4.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8)));
                write(out, "x-amz-trailer-signature:" + signature + "\r\n");
            }
        }
        write(out, "\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The day's signing key; derived (four HMACs) once per day rather than once per request. */
    private byte[] signingKey(String amzDate) {
        String date = amzDate.substring(0, 8);
        DayKey current = dayKey;
        if (current == null || !current.date().equals(date)) {
            current = new DayKey(date, SigV4.signingKey(secretKey, date, region, SigV4.SERVICE_S3));
            dayKey = current;
        }
        return current.key();
    }

    /** Leaves the secret out. */
    @Override
    public String toString() {
        return "SigV4Signer[accessKey=" + accessKey + ", region=" + region + "]";
    }
}
