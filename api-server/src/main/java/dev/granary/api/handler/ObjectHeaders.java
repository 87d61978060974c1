package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.HttpDates;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.auth.PayloadDecoder;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectMeta;
import io.undertow.util.HeaderValues;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** Object headers in (request to {@link ObjectAttributes}) and out (object metadata to response headers). */
final class ObjectHeaders {
    /** What S3 answers for an object stored without a Content-Type. */
    static final String DEFAULT_CONTENT_TYPE = "binary/octet-stream";

    private ObjectHeaders() {}

    /**
     * The attributes a PUT, POST uploads, multipart create or REPLACE copy gives an object, tags from
     * {@code x-amz-tagging} included; checksums fill as the body ends.
     */
    static ObjectAttributes fromRequest(S3Request request, Map<String, String> checksums) {
        SortedMap<String, String> meta = new TreeMap<>();
        int metaBytes = 0;
        for (HeaderValues values : request.headers()) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            if (name.startsWith(AmzHeaders.X_AMZ_META_PREFIX)) {
                String key = name.substring(AmzHeaders.X_AMZ_META_PREFIX.length());
                String value = String.join(",", values);
                meta.put(key, value);
                metaBytes +=
                        key.getBytes(StandardCharsets.UTF_8).length + value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        if (metaBytes > Limits.MAX_USER_METADATA_BYTES) {
            throw new S3Exception(S3Error.METADATA_TOO_LARGE)
                    .with("Size", Integer.toString(metaBytes))
                    .with("MaxSizeAllowed", Integer.toString(Limits.MAX_USER_METADATA_BYTES));
        }
        return new ObjectAttributes(
                request.header(AmzHeaders.CONTENT_TYPE),
                // "aws-chunked" only describes the transfer; AWS drops it from the stored value.
                PayloadDecoder.storedContentEncoding(request.header(AmzHeaders.CONTENT_ENCODING)),
                request.header(AmzHeaders.CONTENT_DISPOSITION),
                request.header(AmzHeaders.CONTENT_LANGUAGE),
                request.header(AmzHeaders.CACHE_CONTROL),
                request.header(AmzHeaders.EXPIRES),
                meta,
                checksums,
                null,
                Tagging.parseHeader(request.header(AmzHeaders.X_AMZ_TAGGING)));
    }

    /** Writes the headers of a GET or HEAD answer, applying response-* overrides from the query. */
    static void write(S3Response response, ObjectMeta meta, S3Request request) {
        ObjectAttributes a = meta.attributes();
        response.header(AmzHeaders.ETAG, meta.quotedEtag())
                .header(AmzHeaders.LAST_MODIFIED, HttpDates.format(meta.lastModified()))
                .header(AmzHeaders.ACCEPT_RANGES, "bytes")
                .header(
                        AmzHeaders.CONTENT_TYPE,
                        override(
                                request,
                                "response-content-type",
                                a.contentType() == null ? DEFAULT_CONTENT_TYPE : a.contentType()))
                .header(
                        AmzHeaders.CONTENT_ENCODING,
                        override(request, "response-content-encoding", a.contentEncoding()))
                .header(
                        AmzHeaders.CONTENT_DISPOSITION,
                        override(request, "response-content-disposition", a.contentDisposition()))
                .header(
                        AmzHeaders.CONTENT_LANGUAGE,
                        override(request, "response-content-language", a.contentLanguage()))
                .header(AmzHeaders.CACHE_CONTROL, override(request, "response-cache-control", a.cacheControl()))
                .header(AmzHeaders.EXPIRES, override(request, "response-expires", a.expires()));
        for (Map.Entry<String, String> m : a.userMetadata().entrySet()) {
            response.header(AmzHeaders.X_AMZ_META_PREFIX + m.getKey(), m.getValue());
        }
        writeVersion(response, meta);
        writeOssCrc64(request, response, a.checksums());
        if (request.oss()) {
            // OSS's object types; x-oss-* once the dialect renames the answer's headers.
            response.header(
                    Symlinks.OBJECT_TYPE,
                    meta.appendable() ? "Appendable" : meta.partCount() > 0 ? "Multipart" : "Normal");
            if (meta.appendable()) {
                response.header(AppendObjectHandler.NEXT_POSITION, Long.toString(meta.size()));
            }
        }
        if (!a.tags().isEmpty()) {
            response.header(
                    AmzHeaders.X_AMZ_TAGGING_COUNT, Integer.toString(a.tags().size()));
        }
        if (meta.partCount() > 0 && request.hasQuery("partNumber")) {
            response.header(AmzHeaders.X_AMZ_MP_PARTS_COUNT, Integer.toString(meta.partCount()));
        }
    }

    /** The version id header, for an object of a bucket that is or was versioned. */
    static void writeVersion(S3Response response, ObjectMeta meta) {
        if (meta.versionId() != null) {
            response.header(AmzHeaders.X_AMZ_VERSION_ID, meta.versionId());
        }
    }

    /**
     * The version id header of a write: the new version's id; none for a null version (a write to a bucket with
     * versioning suspended answers without one, as S3 does).
     */
    static void writeWrittenVersion(S3Response response, ObjectMeta meta) {
        if (meta.versionId() != null && !meta.versionId().equals(ObjectMeta.NULL_VERSION)) {
            response.header(AmzHeaders.X_AMZ_VERSION_ID, meta.versionId());
        }
    }

    private static String override(S3Request request, String param, String stored) {
        String v = request.query(param);
        return v != null ? v : stored;
    }

    /** Writes x-amz-checksum-* headers (and the checksum type) for stored checksums. */
    static void writeChecksums(S3Response response, Map<String, String> stored, String checksumType) {
        Map<String, String> checksums = s3Checksums(stored);
        for (Map.Entry<String, String> c : checksums.entrySet()) {
            response.header(AmzHeaders.X_AMZ_CHECKSUM_PREFIX + c.getKey().toLowerCase(Locale.ROOT), c.getValue());
        }
        if (!checksums.isEmpty()) {
            response.header(AmzHeaders.X_AMZ_CHECKSUM_TYPE, checksumType == null ? "FULL_OBJECT" : checksumType);
        }
    }

    /** S3's flexible checksums among those stored: OSS's CRC-64/XZ is shown to OSS's dialect alone. */
    static Map<String, String> s3Checksums(Map<String, String> stored) {
        if (!stored.containsKey(PayloadDecoder.CRC64ECMA)) {
            return stored;
        }
        Map<String, String> s3 = new TreeMap<>(stored);
        s3.remove(PayloadDecoder.CRC64ECMA);
        return s3;
    }

    /**
     * Writes OSS's {@code x-oss-hash-crc64ecma} (the whole object's CRC-64/XZ, also on ranged reads) for a request in
     * OSS's dialect, when the object or part has one: objects written through OSS do (the dialect computes it as the
     * body arrives); S3 writes do not pay for it, and an OSS client checks nothing where no value is sent.
     */
    static void writeOssCrc64(S3Request request, S3Response response, Map<String, String> checksums) {
        String crc = request.oss() ? checksums.get(PayloadDecoder.CRC64ECMA) : null;
        if (crc != null) {
            response.header(OSS_CRC64, crc); // x-oss-hash-crc64ecma once the dialect renames the answer's headers
        }
    }

    private static final String OSS_CRC64 = "x-amz-hash-crc64ecma";
}
