package dev.granary.storage;

import java.time.Instant;
import java.util.Map;

/**
 * A stored part of a multipart upload.
 *
 * @param partNumber 1 to 10,000
 * @param size its length in bytes
 * @param etag hex MD5 of its content, without quotes
 * @param lastModified when it was stored
 * @param checksums flexible checksums of the part by algorithm, as for {@link ObjectAttributes#checksums()}
 * @param system what the caller stored with the part (see {@link ObjectStore#uploadPart}), never shown to clients
 */
public record PartMeta(
        int partNumber,
        long size,
        String etag,
        Instant lastModified,
        Map<String, String> checksums,
        Map<String, String> system) {

    /** An absent system map becomes empty. */
    public PartMeta {
        system = system == null ? Map.of() : system;
    }

    /** The ETag as HTTP and S3 XML show it, in double quotes. */
    public String quotedEtag() {
        return "\"" + etag + "\"";
    }
}
