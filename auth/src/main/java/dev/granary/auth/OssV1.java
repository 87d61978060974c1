package dev.granary.auth;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alibaba Cloud OSS's signature version 1 (the OSS Java SDK's default): base64 HMAC-SHA1 over the verb, Content-MD5,
 * Content-Type, the date, the {@code x-oss-*} headers and the resource. It is AWS's SigV2 with OSS's names, except
 * that the resource is the bucket and the object key as the client named them, not as they were encoded on the wire
 * ({@code /bucket/key}; {@code /bucket/} for an operation on a bucket, {@code /} for the service), and that the
 * sub-resources signed are OSS's. Pure functions.
 */
final class OssV1 {

    /**
     * The query parameters OSS signs as part of the resource (the OSS Java SDK's {@code SignParameters}); every other
     * parameter (prefix, marker, list-type, ...) is left out of the signature.
     */
    static final Set<String> SUBRESOURCES = Set.of(
            "acl",
            "uploads",
            "location",
            "cors",
            "logging",
            "website",
            "referer",
            "lifecycle",
            "delete",
            "append",
            "tagging",
            "objectMeta",
            "uploadId",
            "partNumber",
            "security-token",
            "position",
            "response-cache-control",
            "response-content-disposition",
            "response-content-encoding",
            "response-content-language",
            "response-content-type",
            "response-expires",
            "img",
            "style",
            "styleName",
            "replication",
            "replicationProgress",
            "replicationLocation",
            "cname",
            "bucketInfo",
            "comp",
            "qos",
            "live",
            "status",
            "vod",
            "startTime",
            "endTime",
            "x-oss-process",
            "processConfiguration",
            "symlink",
            "stat",
            "udf",
            "udfName",
            "udfImage",
            "udfImageDesc",
            "udfApplication",
            "udfApplicationLog",
            "restore",
            "versions",
            "versioning",
            "versionId",
            "encryption",
            "policy",
            "requestPayment",
            "x-oss-traffic-limit",
            "qosInfo",
            "asyncFetch",
            "sequential",
            "x-oss-request-payer",
            "vpcip",
            "vip",
            "inventory",
            "inventoryId",
            "continuation-token",
            "worm",
            "wormId",
            "wormExtend",
            "callback",
            "callback-var",
            "x-oss-dir",
            "x-oss-rename",
            "x-oss-delete",
            "transferAcceleration",
            "x-oss-ac-source-ip",
            "x-oss-ac-subnet-mask",
            "x-oss-ac-vpc-id",
            "x-oss-ac-forward-allow",
            "metaQuery",
            "resourceGroup",
            "regionList",
            "x-oss-async-process",
            "x-oss-write-get-object-response",
            "bucketArchiveDirectRead",
            "httpsConfig",
            "publicAccessBlock",
            "policyStatus",
            "redundancyTransition",
            "x-oss-target-redundancy-type",
            "x-oss-redundancy-transition-taskid",
            "accessPoint",
            "accessPointPolicy",
            "seal");

    private OssV1() {}

    /**
     * The string to sign.
     *
     * @param request the request as received
     * @param dateLine the fourth line: the Date header (or {@code x-oss-date}, which ali-oss puts there instead), or
     *     a presigned URL's Expires
     * @param virtualHostBucket the bucket named by the Host header, or null for a path-style request
     */
    static String stringToSign(SignableRequest request, String dateLine, String virtualHostBucket) {
        StringBuilder out = new StringBuilder(256);
        out.append(request.method()).append('\n');
        out.append(headerOrEmpty(request, "content-md5")).append('\n');
        out.append(headerOrEmpty(request, "content-type")).append('\n');
        out.append(dateLine).append('\n');
        out.append(canonicalizedOssHeaders(request.headers()));
        out.append(canonicalizedResource(request.rawPath(), request.rawQuery(), virtualHostBucket));
        return out.toString();
    }

    /** Lower-cased x-oss-* headers, sorted by name, values trimmed (the first of repeated ones). */
    static String canonicalizedOssHeaders(Map<String, List<String>> headers) {
        TreeMap<String, String> oss = new TreeMap<>();
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-oss-") && !values.isEmpty()) {
                oss.putIfAbsent(lower, values.get(0).strip());
            }
        });
        StringBuilder out = new StringBuilder();
        oss.forEach((name, value) -> out.append(name).append(':').append(value).append('\n'));
        return out.toString();
    }

    /**
     * The resource: {@code /bucket/key} with the key decoded ({@code /bucket/} for the bucket, {@code /} for the
     * service), then the signed sub-resources of the query sorted by name, values decoded, {@code =value} only where
     * the query gave the parameter a non-empty value ({@code ?acl} for {@code acl} and {@code acl=},
     * {@code ?partNumber=2&uploadId=x}).
     */
    static String canonicalizedResource(String rawPath, String rawQuery, String virtualHostBucket) {
        StringBuilder out = new StringBuilder(resource(rawPath, virtualHostBucket));
        TreeMap<String, String> sub = new TreeMap<>();
        for (String pair : rawQuery.isEmpty() ? new String[0] : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = percentDecode(eq < 0 ? pair : pair.substring(0, eq));
            if (SUBRESOURCES.contains(name)) {
                // "uploads=" signs as "uploads": the newer clients (alibabacloud-oss-v2, ali-oss) send sub-resources
                // without a value so, and sign them bare, as the older SDK signs "?uploads".
                String value = eq < 0 ? "" : percentDecode(pair.substring(eq + 1));
                sub.putIfAbsent(name, value.isEmpty() ? null : value);
            }
        }
        char sep = '?';
        for (Map.Entry<String, String> e : sub.entrySet()) {
            out.append(sep).append(e.getKey());
            if (e.getValue() != null) {
                out.append('=').append(e.getValue());
            }
            sep = '&';
        }
        return out.toString();
    }

    /**
     * The bucket and key as the client named them, as both OSS signature versions sign them: {@code /bucket/key}
     * decoded, {@code /bucket/} for the bucket ({@code /bucket} on the wire), {@code /} for the service.
     */
    static String resource(String rawPath, String virtualHostBucket) {
        String path = percentDecode(rawPath.isEmpty() ? "/" : rawPath);
        if (virtualHostBucket != null && !virtualHostBucket.isEmpty()) {
            return "/" + virtualHostBucket + path;
        }
        if (path.length() > 1 && path.indexOf('/', 1) < 0) {
            return path + "/";
        }
        return path;
    }

    /** Decodes %XX escapes (UTF-8); '+' stays '+' (OSS's clients encode a space as %20), a broken escape as sent. */
    static String percentDecode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi << 4 | lo);
                    i += 3;
                    continue;
                }
            }
            int end = i + Character.charCount(raw.codePointAt(i));
            bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
            i = end;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String headerOrEmpty(SignableRequest request, String name) {
        String value = request.header(name);
        return value == null ? "" : value.strip();
    }
}
