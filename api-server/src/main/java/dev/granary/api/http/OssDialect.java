package dev.granary.api.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Alibaba Cloud OSS's dialect of the same API, on the same port: a request signed the OSS way is answered in OSS's
 * words. Its {@code x-oss-*} headers are read as their {@code x-amz-*} counterparts (one object model, one set of
 * handlers), and the answer's {@code x-amz-*} headers go out as {@code x-oss-*}, its XML without S3's namespace.
 */
final class OssDialect {
    private static final String OSS_PREFIX = "x-oss-";
    private static final String AMZ_PREFIX = "x-amz-";

    /** The signature's own headers: they stay OSS's (and mean nothing to S3's handlers). */
    private static final Set<String> NOT_TRANSLATED = Set.of(
            "x-oss-date",
            "x-oss-content-sha256",
            "x-oss-signature",
            "x-oss-signature-version",
            "x-oss-credential",
            "x-oss-expires",
            "x-oss-additional-headers");

    private OssDialect() {}

    /**
     * Whether the request is signed the OSS way: {@code Authorization: OSS ...} or {@code OSS4-HMAC-SHA256 ...}, or
     * a presigned URL's {@code OSSAccessKeyId} or {@code x-oss-signature-version}.
     */
    static boolean isOss(HttpServerExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst(AmzHeaders.AUTHORIZATION);
        if (authorization != null) {
            String a = authorization.stripLeading();
            return a.startsWith("OSS ") || a.startsWith("OSS4-HMAC-SHA256");
        }
        // Most queries name neither: they are parsed only when one appears in them.
        String query = exchange.getQueryString();
        if (query == null || !(query.contains("OSSAccessKeyId") || query.contains("x-oss-signature-version"))) {
            return false;
        }
        Map<String, String> parameters = UrlCodec.parseQuery(query);
        return parameters.containsKey("OSSAccessKeyId") || parameters.containsKey("x-oss-signature-version");
    }

    /**
     * Adds the {@code x-amz-*} counterpart of each {@code x-oss-*} request header ({@code x-oss-object-acl} is
     * {@code x-amz-acl}, its {@code default} S3's {@code private}); the OSS ones stay, for the signature.
     */
    static void translateRequest(HeaderMap headers) {
        List<HeaderValues> oss = new ArrayList<>();
        for (HeaderValues values : headers) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith(OSS_PREFIX) && !NOT_TRANSLATED.contains(name)) {
                oss.add(values);
            }
        }
        for (HeaderValues values : oss) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (name.equals("x-oss-object-acl")) {
                // OSS's "default" (no ACL of the object's own) is what S3 calls private: nothing is stored for it.
                String acl = values.getFirst();
                headers.put(new HttpString("x-amz-acl"), "default".equals(acl) ? "private" : acl);
                continue;
            }
            headers.putAll(new HttpString(AMZ_PREFIX + name.substring(OSS_PREFIX.length())), new ArrayList<>(values));
        }
    }

    /** Renames the answer's {@code x-amz-*} headers {@code x-oss-*} (S3's second request id goes). */
    static void translateResponse(HeaderMap headers) {
        List<HeaderValues> amz = new ArrayList<>();
        for (HeaderValues values : headers) {
            if (values.getHeaderName().toString().toLowerCase(Locale.ROOT).startsWith(AMZ_PREFIX)) {
                amz.add(values);
            }
        }
        for (HeaderValues values : amz) {
            HttpString name = values.getHeaderName();
            List<String> kept = new ArrayList<>(values);
            headers.remove(name);
            String lower = name.toString().toLowerCase(Locale.ROOT);
            if (!lower.equals("x-amz-id-2")) {
                headers.putAll(new HttpString(OSS_PREFIX + lower.substring(AMZ_PREFIX.length())), kept);
            }
        }
    }
}
