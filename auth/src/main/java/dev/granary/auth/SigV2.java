package dev.granary.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AWS Signature Version 2 algorithm for S3 (the "Signing and authenticating REST requests" chapter of the S3
 * guide): string to sign, canonicalized x-amz headers and resource, and the base64 HMAC-SHA1. Pure functions.
 */
final class SigV2 {

    /**
     * The query parameters S3 signs as part of the resource; every other parameter is left out of the signature.
     */
    static final Set<String> SUBRESOURCES = Set.of(
            "acl",
            "cors",
            "delete",
            "lifecycle",
            "location",
            "logging",
            "notification",
            "partNumber",
            "policy",
            "requestPayment",
            "tagging",
            "torrent",
            "uploadId",
            "uploads",
            "versionId",
            "versioning",
            "versions",
            "website",
            "restore",
            "encryption",
            "publicAccessBlock",
            "policyStatus",
            "object-lock",
            "legal-hold",
            "retention",
            "attributes",
            "ownershipControls",
            "replication",
            "accelerate",
            "analytics",
            "inventory",
            "metrics",
            "intelligent-tiering",
            "response-content-type",
            "response-content-language",
            "response-expires",
            "response-cache-control",
            "response-content-disposition",
            "response-content-encoding");

    private static final ThreadLocal<Mac> HMAC_SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA1 is a required JDK algorithm", e);
        }
    });

    private SigV2() {}

    /**
     * The string to sign.
     *
     * @param request the request as received
     * @param dateLine the fourth line: the Date header, "" when x-amz-date is signed instead, or the Expires value
     * @param virtualHostBucket the bucket named by the Host header, or null for a path-style request
     * @param excludeAmzDate whether x-amz-date is left out of the canonical headers (it then stands in the date
     *     line, as one of AWS's own examples signs it)
     * @param plusAsSpace whether '+' in the query decodes to a space
     */
    static String stringToSign(
            SignableRequest request,
            String dateLine,
            String virtualHostBucket,
            boolean excludeAmzDate,
            boolean plusAsSpace) {
        StringBuilder out = new StringBuilder(256);
        out.append(request.method()).append('\n');
        out.append(headerOrEmpty(request, "content-md5")).append('\n');
        out.append(headerOrEmpty(request, "content-type")).append('\n');
        out.append(dateLine).append('\n');
        out.append(canonicalizedAmzHeaders(request.headers(), excludeAmzDate));
        out.append(canonicalizedResource(request.rawPath(), request.rawQuery(), virtualHostBucket, plusAsSpace));
        return out.toString();
    }

    /** Lower-cased x-amz-* headers, sorted by name, values unfolded and trimmed, repeated values comma-joined. */
    static String canonicalizedAmzHeaders(Map<String, List<String>> headers, boolean excludeAmzDate) {
        TreeMap<String, List<String>> amz = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("x-amz-") && !(excludeAmzDate && lower.equals("x-amz-date"))) {
                amz.computeIfAbsent(lower, k -> new ArrayList<>()).addAll(values);
            }
        });
        StringBuilder out = new StringBuilder();
        amz.forEach((name, values) -> {
            out.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                // A folded header (value continued on the next line) is signed as one line.
                out.append(values.get(i).replaceAll("\\s*\\r?\\n\\s*", " ").strip());
            }
            out.append('\n');
        });
        return out.toString();
    }

    /**
     * The resource: "/bucket" for a virtual-hosted request, the raw path as sent, then the sub-resources present
     * in the query, sorted by name, values decoded ("?acl", "?partNumber=2&amp;uploadId=x").
     */
    static String canonicalizedResource(
            String rawPath, String rawQuery, String virtualHostBucket, boolean plusAsSpace) {
        StringBuilder out = new StringBuilder();
        if (virtualHostBucket != null && !virtualHostBucket.isEmpty()) {
            out.append('/').append(virtualHostBucket);
        }
        out.append(rawPath.isEmpty() ? "/" : rawPath);
        TreeMap<String, String> sub = new TreeMap<>();
        for (SigV4.QueryParam p : SigV4.parseQuery(rawQuery, plusAsSpace)) {
            if (SUBRESOURCES.contains(p.name())) {
                sub.putIfAbsent(p.name(), p.value());
            }
        }
        char sep = '?';
        for (Map.Entry<String, String> e : sub.entrySet()) {
            out.append(sep).append(e.getKey());
            if (!e.getValue().isEmpty()) {
                out.append('=').append(e.getValue());
            }
            sep = '&';
        }
        return out.toString();
    }

    /** base64(HMAC-SHA1(secret, stringToSign)). */
    static String sign(String secretKey, String stringToSign) {
        try {
            Mac mac = HMAC_SHA1.get();
            mac.init(new SecretKeySpec(secretKey.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 key rejected", e);
        }
    }

    /** Compares two base64 signatures in constant time. */
    static boolean signaturesMatch(String expected, String provided) {
        return provided != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII), provided.getBytes(StandardCharsets.US_ASCII));
    }

    private static String headerOrEmpty(SignableRequest request, String name) {
        String value = request.header(name);
        return value == null ? "" : value.strip();
    }
}
