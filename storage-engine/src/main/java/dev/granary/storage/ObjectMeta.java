package dev.granary.storage;

import java.time.Instant;
import java.util.List;

/**
 * The committed state of an object version, or a delete marker.
 *
 * @param key where it lives
 * @param size its length in bytes (0 for a delete marker)
 * @param etag the ETag without quotes: hex MD5 of the content, or {@code hex(md5(part md5s))-N} after a
 *     multipart upload (empty for a delete marker)
 * @param lastModified commit time (millisecond precision)
 * @param attributes content headers, user metadata and checksums
 * @param partSizes sizes of the parts in order for an object made by a multipart upload, empty otherwise
 * @param versionId the version id as S3 shows it ({@code null} the string for the null version), or null when the
 *     bucket was never versioned (no version id is shown at all)
 * @param deleteMarker whether this version is a delete marker
 */
public record ObjectMeta(
        ObjectKey key,
        long size,
        String etag,
        Instant lastModified,
        ObjectAttributes attributes,
        List<Long> partSizes,
        String versionId,
        boolean deleteMarker) {

    /**
     * The system property ({@link ObjectAttributes#system()}) marking an object made by appends (Alibaba Cloud OSS's
     * Appendable objects): it takes further appends at its end.
     */
    public static final String APPENDABLE = "append.appendable";

    /** The version id S3 shows for the version of a key written while versioning was never enabled or suspended. */
    public static final String NULL_VERSION = "null";

    /** The state of an object of a bucket that was never versioned. */
    public ObjectMeta(
            ObjectKey key,
            long size,
            String etag,
            Instant lastModified,
            ObjectAttributes attributes,
            List<Long> partSizes) {
        this(key, size, etag, lastModified, attributes, partSizes, null, false);
    }

    /** The ETag as HTTP and S3 XML show it, in double quotes. */
    public String quotedEtag() {
        return "\"" + etag + "\"";
    }

    /** Whether the object was made by appends and takes more ({@link #APPENDABLE}). */
    public boolean appendable() {
        return attributes.system().containsKey(APPENDABLE);
    }

    /** Number of parts, or 0 for an object stored by a single PUT. */
    public int partCount() {
        return partSizes.size();
    }
}
