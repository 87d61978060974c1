package dev.granary.storage;

import java.time.Instant;
import java.util.List;

/**
 * The committed state of an object.
 *
 * @param key where it lives
 * @param size its length in bytes
 * @param etag the ETag without quotes: hex MD5 of the content, or {@code hex(md5(part md5s))-N} after a
 *     multipart upload
 * @param lastModified commit time (millisecond precision)
 * @param attributes content headers, user metadata and checksums
 * @param partSizes sizes of the parts in order for an object made by a multipart upload, empty otherwise
 */
public record ObjectMeta(
        ObjectKey key, long size, String etag, Instant lastModified, ObjectAttributes attributes, List<Long> partSizes) {

    /** The ETag as HTTP and S3 XML show it, in double quotes. */
    public String quotedEtag() {
        return "\"" + etag + "\"";
    }

    /** Number of parts, or 0 for an object stored by a single PUT. */
    public int partCount() {
        return partSizes.size();
    }
}
