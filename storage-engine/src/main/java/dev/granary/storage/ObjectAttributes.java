package dev.granary.storage;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a client stores beside an object's bytes: the content headers, user metadata and checksums.
 *
 * @param contentType Content-Type, or null
 * @param contentEncoding Content-Encoding, or null
 * @param contentDisposition Content-Disposition, or null
 * @param contentLanguage Content-Language, or null
 * @param cacheControl Cache-Control, or null
 * @param expires Expires as the client sent it, or null
 * @param userMetadata x-amz-meta-* values by lower-case name without the prefix
 * @param checksums flexible checksums by algorithm name in upper case ({@code CRC32}, {@code CRC32C},
 *     {@code SHA1}, {@code SHA256}, {@code CRC64NVME}) to their base64 value. The store reads this map only
 *     after the body reached its end, so a verifying stream may fill it when it sees the end (a trailer).
 * @param checksumType {@code FULL_OBJECT} or {@code COMPOSITE} for multipart, or null
 */
public record ObjectAttributes(
        String contentType,
        String contentEncoding,
        String contentDisposition,
        String contentLanguage,
        String cacheControl,
        String expires,
        SortedMap<String, String> userMetadata,
        Map<String, String> checksums,
        String checksumType) {

    /** No headers, no metadata, no checksums. */
    public static ObjectAttributes empty() {
        return new ObjectAttributes(null, null, null, null, null, null, new TreeMap<>(), new TreeMap<>(), null);
    }

    /** A copy with other checksums. */
    public ObjectAttributes withChecksums(Map<String, String> newChecksums, String newChecksumType) {
        return new ObjectAttributes(
                contentType,
                contentEncoding,
                contentDisposition,
                contentLanguage,
                cacheControl,
                expires,
                userMetadata,
                newChecksums,
                newChecksumType);
    }
}
