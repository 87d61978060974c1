package dev.granary.auth;

import java.util.List;
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
}
