package dev.granary.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an HTTP request that SigV4 signs, as received on the wire.
 *
 * @param method the HTTP method, upper case
 * @param rawPath the request path exactly as received: still percent-encoded, without the query
 * @param rawQuery the query exactly as received, without the leading '?'; null or empty when there is none
 * @param headers header values keyed by lower-case header name, each list in the order received
 */
public record SignableRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers) {

    /** Checks that method, path and headers are present; an absent query becomes the empty string. */
    public SignableRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(headers, "headers");
        rawQuery = rawQuery == null ? "" : rawQuery;
    }

    /**
     * Returns the first value of a header.
     *
     * @param lowerName the header name in lower case
     * @return the first value, or null when the header is absent
     */
    public String header(String lowerName) {
        List<String> values = headers.get(lowerName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /**
     * The query parameters, names and values percent-decoded ('+' as a space), in order received; a parameter
     * without '=' has an empty value.
     *
     * @return values keyed by name
     */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (SigV4.QueryParam p : SigV4.parseQuery(rawQuery, true)) {
            out.computeIfAbsent(p.name(), k -> new ArrayList<>()).add(p.value());
        }
        return out;
    }

    /**
     * How the request is signed, as the {@code s3:signatureversion} condition key names it: "AWS4-HMAC-SHA256",
     * "AWS" (SigV2), Alibaba Cloud OSS's "OSS4-HMAC-SHA256" (V4) or "OSS" (V1), or null when unsigned.
     */
    public String signatureVersion() {
        String authorization = header("authorization");
        if (authorization != null) {
            String a = authorization.strip();
            return a.startsWith("AWS ")
                    ? "AWS"
                    : a.startsWith("OSS4-HMAC-SHA256")
                            ? "OSS4-HMAC-SHA256"
                            : a.startsWith("OSS ") ? "OSS" : "AWS4-HMAC-SHA256";
        }
        Map<String, List<String>> query = queryParameters();
        if (query.containsKey("X-Amz-Algorithm")) {
            return "AWS4-HMAC-SHA256";
        }
        if (query.containsKey("x-oss-signature-version")) {
            return "OSS4-HMAC-SHA256";
        }
        if (query.containsKey("OSSAccessKeyId")) {
            return "OSS";
        }
        return query.containsKey("AWSAccessKeyId") ? "AWS" : null;
    }

    /**
     * The session token the request presents with session credentials: {@code x-amz-security-token} (header or
     * presigned query), or OSS's {@code x-oss-security-token} header or {@code security-token} query parameter; null
     * when there is none.
     */
    public String securityToken() {
        String token = header("x-amz-security-token");
        if (token == null) {
            token = header("x-oss-security-token");
        }
        if (token == null
                && !rawQuery().isEmpty()
                && rawQuery().toLowerCase(Locale.ROOT).contains("ecurity-")) {
            for (Map.Entry<String, List<String>> p : queryParameters().entrySet()) {
                String name = p.getKey().toLowerCase(Locale.ROOT);
                if ((name.equals("x-amz-security-token")
                                || name.equals("security-token")
                                || name.equals("x-oss-security-token"))
                        && !p.getValue().isEmpty()) {
                    token = p.getValue().get(0);
                    break;
                }
            }
        }
        return token;
    }

    /**
     * Where the signature is, as the {@code s3:authType} condition key names it: "REST-HEADER",
     * "REST-QUERY-STRING", or null when unsigned (a POST form upload is "POST", which the caller knows).
     */
    public String authType() {
        if (header("authorization") != null) {
            return "REST-HEADER";
        }
        return signatureVersion() != null ? "REST-QUERY-STRING" : null;
    }
}
