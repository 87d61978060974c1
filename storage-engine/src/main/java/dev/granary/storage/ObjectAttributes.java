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
 * @param tags the object's tags (key to value); empty when it has none
 * @param system what the server keeps about the object besides (never sent as user metadata): its ACL and owner,
 *     its encryption parameters. Keys are namespaced by their owner, e.g. {@code acl}, {@code sse.algorithm};
 *     empty when there is nothing
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
        String checksumType,
        SortedMap<String, String> tags,
        SortedMap<String, String> system) {

    public ObjectAttributes {
        tags = tags == null ? new TreeMap<>() : tags;
        system = system == null ? new TreeMap<>() : system;
    }

    /** Attributes without system properties. */
    public ObjectAttributes(
            String contentType,
            String contentEncoding,
            String contentDisposition,
            String contentLanguage,
            String cacheControl,
            String expires,
            SortedMap<String, String> userMetadata,
            Map<String, String> checksums,
            String checksumType,
            SortedMap<String, String> tags) {
        this(
                contentType,
                contentEncoding,
                contentDisposition,
                contentLanguage,
                cacheControl,
                expires,
                userMetadata,
                checksums,
                checksumType,
                tags,
                new TreeMap<>());
    }

    /** Attributes without tags. */
    public ObjectAttributes(
            String contentType,
            String contentEncoding,
            String contentDisposition,
            String contentLanguage,
            String cacheControl,
            String expires,
            SortedMap<String, String> userMetadata,
            Map<String, String> checksums,
            String checksumType) {
        this(
                contentType,
                contentEncoding,
                contentDisposition,
                contentLanguage,
                cacheControl,
                expires,
                userMetadata,
                checksums,
                checksumType,
                new TreeMap<>());
    }

    /** No headers, no metadata, no checksums, no tags. */
    public static ObjectAttributes empty() {
        return new ObjectAttributes(null, null, null, null, null, null, new TreeMap<>(), new TreeMap<>(), null);
    }

    /** A copy with other tags. */
    public ObjectAttributes withTags(SortedMap<String, String> newTags) {
        return new ObjectAttributes(
                contentType,
                contentEncoding,
                contentDisposition,
                contentLanguage,
                cacheControl,
                expires,
                userMetadata,
                checksums,
                checksumType,
                newTags,
                system);
    }

    /** A copy with other system properties. */
    public ObjectAttributes withSystem(SortedMap<String, String> newSystem) {
        return new ObjectAttributes(
                contentType,
                contentEncoding,
                contentDisposition,
                contentLanguage,
                cacheControl,
                expires,
                userMetadata,
                checksums,
                checksumType,
                tags,
                newSystem);
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
                newChecksumType,
                tags,
                system);
    }
}
