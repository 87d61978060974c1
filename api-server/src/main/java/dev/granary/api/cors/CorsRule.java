package dev.granary.api.cors;

import java.util.List;
import java.util.Locale;

/**
 * One CORSRule: who may call (origins, each with at most one {@code *}), with which methods and request
 * headers, which response headers the browser may read, and how long it may cache a preflight.
 *
 * @param id the rule's ID, or null
 * @param maxAgeSeconds MaxAgeSeconds, or null
 */
public record CorsRule(
        String id,
        List<String> allowedOrigins,
        List<String> allowedMethods,
        List<String> allowedHeaders,
        List<String> exposeHeaders,
        Integer maxAgeSeconds) {

    public CorsRule {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /** The pattern among AllowedOrigin that matches {@code origin}, or null. */
    public String matchingOrigin(String origin) {
        for (String pattern : allowedOrigins) {
            if (wildcardMatch(pattern, origin, false)) {
                return pattern;
            }
        }
        return null;
    }

    public boolean allowsMethod(String method) {
        return allowedMethods.contains(method);
    }

    /** Whether every requested header matches an AllowedHeader (header names compare case-insensitively). */
    public boolean allowsHeaders(List<String> requestHeaders) {
        for (String header : requestHeaders) {
            boolean allowed = false;
            for (String pattern : allowedHeaders) {
                if (wildcardMatch(pattern, header, true)) {
                    allowed = true;
                    break;
                }
            }
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** Matches {@code value} against a pattern with at most one {@code *} (validated on PutBucketCors). */
    static boolean wildcardMatch(String pattern, String value, boolean ignoreCase) {
        if (ignoreCase) {
            pattern = pattern.toLowerCase(Locale.ROOT);
            value = value.toLowerCase(Locale.ROOT);
        }
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(value);
        }
        String prefix = pattern.substring(0, star);
        String suffix = pattern.substring(star + 1);
        return value.length() >= prefix.length() + suffix.length()
                && value.startsWith(prefix)
                && value.endsWith(suffix);
    }
}
