package dev.granary.api.route;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps a request to an S3 operation. A pure function of method, host, decoded path, query keys and the
 * copy-source header; precedence is written out in code, not left to registration order.
 */
public final class S3Router {
    /** Bucket subresources recognised but not implemented: answered NotImplemented, never treated as objects. */
    private static final Set<String> BUCKET_SUBRESOURCES = Set.of(
            "accelerate",
            "analytics",
            "cors",
            "encryption",
            "intelligent-tiering",
            "inventory",
            "lifecycle",
            "logging",
            "metrics",
            "notification",
            "object-lock",
            "ownershipControls",
            "policy",
            "policyStatus",
            "publicAccessBlock",
            "replication",
            "requestPayment",
            "tagging",
            "website",
            "versions",
            "versioning",
            "acl",
            "metadataTable",
            "session");

    private static final Set<String> OBJECT_SUBRESOURCES =
            Set.of("tagging", "retention", "legal-hold", "torrent", "restore", "select", "attributes", "acl");

    private final String virtualHostDomain;

    /**
     * @param virtualHostDomain requests to {@code <bucket>.<domain>} address that bucket (virtual-hosted style);
     *     null or empty for path style only
     */
    public S3Router(String virtualHostDomain) {
        this.virtualHostDomain = virtualHostDomain == null || virtualHostDomain.isEmpty()
                ? null
                : virtualHostDomain.toLowerCase(Locale.ROOT);
    }

    /**
     * Routes one request.
     *
     * @param method the HTTP method
     * @param host the Host header, possibly with a port, or null
     * @param path the decoded request path, starting with '/'
     * @param query the decoded query parameters
     * @param hasCopySource whether x-amz-copy-source is present
     */
    public Route route(String method, String host, String path, Map<String, String> query, boolean hasCopySource) {
        String bucket;
        String key;
        String hostBucket = bucketFromHost(host);
        if (hostBucket != null) {
            bucket = hostBucket;
            key = path.length() > 1 ? path.substring(1) : null;
        } else {
            if (isHealth(method, path)) {
                return new Route(S3Operation.HEALTH, null, null);
            }
            String rest = path.startsWith("/") ? path.substring(1) : path;
            int slash = rest.indexOf('/');
            if (rest.isEmpty()) {
                bucket = null;
                key = null;
            } else if (slash < 0) {
                bucket = rest;
                key = null;
            } else {
                bucket = rest.substring(0, slash);
                key = rest.substring(slash + 1);
                // "/bucket/" addresses the bucket, as AWS does.
                if (key.isEmpty()) {
                    key = null;
                }
            }
        }
        S3Operation op;
        if ("OPTIONS".equals(method) && bucket != null) {
            // Browsers send preflights for objects and for the bucket itself (a POST form upload).
            op = S3Operation.CORS_PREFLIGHT;
        } else if (bucket == null) {
            op = "GET".equals(method) ? S3Operation.LIST_BUCKETS : S3Operation.METHOD_NOT_ALLOWED;
        } else if (key == null) {
            op = bucketOperation(method, query);
        } else {
            op = objectOperation(method, query, hasCopySource);
        }
        return new Route(op, bucket, key);
    }

    private static boolean isHealth(String method, String path) {
        return ("GET".equals(method) || "HEAD".equals(method))
                && (path.equals("/health") || path.equals("/minio/health/live") || path.equals("/minio/health/ready"));
    }

    /**
     * The bucket a virtual-hosted request names in its Host header, or null for a path-style request (SigV2 signs
     * the resource as "/bucket/key" either way, so authentication needs it).
     */
    public String virtualHostBucket(String host) {
        return bucketFromHost(host);
    }

    private String bucketFromHost(String host) {
        if (virtualHostDomain == null || host == null) {
            return null;
        }
        String h = host.toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        if (colon > 0 && h.indexOf(']') < colon) {
            h = h.substring(0, colon);
        }
        String suffix = "." + virtualHostDomain;
        if (h.endsWith(suffix) && h.length() > suffix.length()) {
            return h.substring(0, h.length() - suffix.length());
        }
        return null;
    }

    private static S3Operation bucketOperation(String method, Map<String, String> q) {
        switch (method) {
            case "GET" -> {
                if (q.containsKey("location")) {
                    return S3Operation.GET_BUCKET_LOCATION;
                }
                if (q.containsKey("uploads")) {
                    return S3Operation.LIST_MULTIPART_UPLOADS;
                }
                if (q.containsKey("versioning")) {
                    return S3Operation.GET_BUCKET_VERSIONING;
                }
                if (q.containsKey("lifecycle")) {
                    return S3Operation.GET_BUCKET_LIFECYCLE;
                }
                if (q.containsKey("versions")) {
                    return S3Operation.LIST_OBJECT_VERSIONS;
                }
                if (q.containsKey("acl")) {
                    return S3Operation.GET_BUCKET_ACL;
                }
                if (q.containsKey("policy")) {
                    return S3Operation.GET_BUCKET_POLICY;
                }
                if (q.containsKey("policyStatus")) {
                    return S3Operation.GET_BUCKET_POLICY_STATUS;
                }
                if (q.containsKey("publicAccessBlock")) {
                    return S3Operation.GET_PUBLIC_ACCESS_BLOCK;
                }
                if (q.containsKey("cors")) {
                    return S3Operation.GET_BUCKET_CORS;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.GET_BUCKET_TAGGING;
                }
                if (q.containsKey("encryption")) {
                    return S3Operation.GET_BUCKET_ENCRYPTION;
                }
                if (hasAny(q, BUCKET_SUBRESOURCES)) {
                    return S3Operation.UNSUPPORTED_BUCKET_SUBRESOURCE;
                }
                return "2".equals(q.get("list-type")) ? S3Operation.LIST_OBJECTS_V2 : S3Operation.LIST_OBJECTS;
            }
            case "PUT" -> {
                if (q.containsKey("cors")) {
                    return S3Operation.PUT_BUCKET_CORS;
                }
                if (q.containsKey("acl")) {
                    return S3Operation.PUT_BUCKET_ACL;
                }
                if (q.containsKey("policy")) {
                    return S3Operation.PUT_BUCKET_POLICY;
                }
                if (q.containsKey("publicAccessBlock")) {
                    return S3Operation.PUT_PUBLIC_ACCESS_BLOCK;
                }
                if (q.containsKey("versioning")) {
                    return S3Operation.PUT_BUCKET_VERSIONING;
                }
                if (q.containsKey("lifecycle")) {
                    return S3Operation.PUT_BUCKET_LIFECYCLE;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.PUT_BUCKET_TAGGING;
                }
                if (q.containsKey("encryption")) {
                    return S3Operation.PUT_BUCKET_ENCRYPTION;
                }
                return hasAny(q, BUCKET_SUBRESOURCES)
                        ? S3Operation.UNSUPPORTED_BUCKET_SUBRESOURCE
                        : S3Operation.CREATE_BUCKET;
            }
            case "HEAD" -> {
                return S3Operation.HEAD_BUCKET;
            }
            case "DELETE" -> {
                if (q.containsKey("cors")) {
                    return S3Operation.DELETE_BUCKET_CORS;
                }
                if (q.containsKey("lifecycle")) {
                    return S3Operation.DELETE_BUCKET_LIFECYCLE;
                }
                if (q.containsKey("policy")) {
                    return S3Operation.DELETE_BUCKET_POLICY;
                }
                if (q.containsKey("publicAccessBlock")) {
                    return S3Operation.DELETE_PUBLIC_ACCESS_BLOCK;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.DELETE_BUCKET_TAGGING;
                }
                if (q.containsKey("encryption")) {
                    return S3Operation.DELETE_BUCKET_ENCRYPTION;
                }
                return hasAny(q, BUCKET_SUBRESOURCES)
                        ? S3Operation.UNSUPPORTED_BUCKET_SUBRESOURCE
                        : S3Operation.DELETE_BUCKET;
            }
            case "POST" -> {
                return q.containsKey("delete") ? S3Operation.DELETE_OBJECTS : S3Operation.POST_OBJECT;
            }
            default -> {
                return S3Operation.METHOD_NOT_ALLOWED;
            }
        }
    }

    private static S3Operation objectOperation(String method, Map<String, String> q, boolean hasCopySource) {
        switch (method) {
            case "PUT" -> {
                if (q.containsKey("uploadId") || q.containsKey("partNumber")) {
                    return hasCopySource ? S3Operation.UPLOAD_PART_COPY : S3Operation.UPLOAD_PART;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.PUT_OBJECT_TAGGING;
                }
                if (q.containsKey("acl")) {
                    return S3Operation.PUT_OBJECT_ACL;
                }
                if (q.containsKey("symlink")) {
                    return S3Operation.PUT_SYMLINK;
                }
                if (hasAny(q, OBJECT_SUBRESOURCES)) {
                    return S3Operation.UNSUPPORTED_OBJECT_SUBRESOURCE;
                }
                return hasCopySource ? S3Operation.COPY_OBJECT : S3Operation.PUT_OBJECT;
            }
            case "GET" -> {
                if (q.containsKey("uploadId")) {
                    return S3Operation.LIST_PARTS;
                }
                if (q.containsKey("acl")) {
                    return S3Operation.GET_OBJECT_ACL;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.GET_OBJECT_TAGGING;
                }
                if (q.containsKey("attributes")) {
                    return S3Operation.GET_OBJECT_ATTRIBUTES;
                }
                if (q.containsKey("symlink")) {
                    return S3Operation.GET_SYMLINK;
                }
                return hasAny(q, OBJECT_SUBRESOURCES)
                        ? S3Operation.UNSUPPORTED_OBJECT_SUBRESOURCE
                        : S3Operation.GET_OBJECT;
            }
            case "HEAD" -> {
                return S3Operation.HEAD_OBJECT;
            }
            case "POST" -> {
                if (q.containsKey("uploads")) {
                    return S3Operation.CREATE_MULTIPART_UPLOAD;
                }
                if (q.containsKey("uploadId")) {
                    return S3Operation.COMPLETE_MULTIPART_UPLOAD;
                }
                if (q.containsKey("append")) {
                    return S3Operation.APPEND_OBJECT;
                }
                return hasAny(q, OBJECT_SUBRESOURCES)
                        ? S3Operation.UNSUPPORTED_OBJECT_SUBRESOURCE
                        : S3Operation.METHOD_NOT_ALLOWED;
            }
            case "DELETE" -> {
                if (q.containsKey("uploadId")) {
                    return S3Operation.ABORT_MULTIPART_UPLOAD;
                }
                if (q.containsKey("tagging")) {
                    return S3Operation.DELETE_OBJECT_TAGGING;
                }
                return hasAny(q, OBJECT_SUBRESOURCES)
                        ? S3Operation.UNSUPPORTED_OBJECT_SUBRESOURCE
                        : S3Operation.DELETE_OBJECT;
            }
            default -> {
                return S3Operation.METHOD_NOT_ALLOWED;
            }
        }
    }

    private static boolean hasAny(Map<String, String> q, Set<String> names) {
        if (q.isEmpty()) {
            return false;
        }
        for (String name : q.keySet()) {
            if (names.contains(name)) {
                return true;
            }
        }
        return false;
    }
}
