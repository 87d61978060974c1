package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of an object version (CF {@code meta} holds the current one, CF {@link Cf#VERSIONS versions} every version
 * of a versioned bucket). Its bytes are either inline (small objects, one read) or a list of segments: one for a
 * PUT, one per part for a completed multipart upload, which is how completion avoids copying bytes.
 *
 * @param size object length
 * @param etag ETag without quotes
 * @param lastModified commit time in epoch millis
 * @param attributes content headers, metadata, checksums
 * @param multipart whether it was made by a multipart upload (then each segment is a part)
 * @param inline the bytes when stored inline, else null
 * @param segments the data segments when not inline, else empty
 * @param versionId the version's id in CF {@link Cf#VERSIONS versions} (see {@link VersionIds}), or null for an object of a
 *     bucket that was never versioned
 * @param nullVersion whether this is the key's null version (S3 shows its id as {@code null})
 * @param deleteMarker whether this version is a delete marker (no content)
 */
@SuppressWarnings("ArrayRecordComponent") // decoded stored form, never compared or hashed (inline bytes stay unshared)
record ObjectRecord(
        long size,
        String etag,
        long lastModified,
        ObjectAttributes attributes,
        boolean multipart,
        byte[] inline,
        List<Segment> segments,
        String versionId,
        boolean nullVersion,
        boolean deleteMarker) {

    private static final byte INLINE = 0;
    private static final byte SEGMENTS = 1;
    private static final int NULL_VERSION = 1;
    private static final int DELETE_MARKER = 2;

    /** An object of a bucket that was never versioned. */
    ObjectRecord(
            long size,
            String etag,
            long lastModified,
            ObjectAttributes attributes,
            boolean multipart,
            byte[] inline,
            List<Segment> segments) {
        this(size, etag, lastModified, attributes, multipart, inline, segments, null, false, false);
    }

    /** A delete marker. */
    static ObjectRecord deleteMarker(String versionId, boolean nullVersion, long lastModified) {
        return new ObjectRecord(
                0,
                "",
                lastModified,
                ObjectAttributes.empty(),
                false,
                new byte[0],
                List.of(),
                versionId,
                nullVersion,
                true);
    }

    ObjectMeta toMeta(ObjectKey key) {
        List<Long> partSizes = new ArrayList<>();
        if (multipart) {
            segments.forEach(s -> partSizes.add(s.length()));
        }
        return new ObjectMeta(
                key,
                size,
                etag,
                Instant.ofEpochMilli(lastModified),
                attributes,
                List.copyOf(partSizes),
                shownVersionId(),
                deleteMarker);
    }

    /** The version id S3 shows: null when the bucket was never versioned, {@code "null"} for the null version. */
    String shownVersionId() {
        return versionId == null ? null : nullVersion ? ObjectMeta.NULL_VERSION : versionId;
    }

    ObjectRecord withAttributes(ObjectAttributes newAttributes, long newLastModified) {
        return new ObjectRecord(
                size,
                etag,
                newLastModified,
                newAttributes,
                multipart,
                inline,
                segments,
                versionId,
                nullVersion,
                deleteMarker);
    }

    /** This record as the version {@code id} of its key. */
    /**
     * This record without its inline bytes (an empty body in their place): what a result carries back to a proposer,
     * which needs the metadata only, and which Raft's retry cache keeps for a while.
     */
    ObjectRecord withoutInlineBody() {
        return inline == null || inline.length == 0
                ? this
                : new ObjectRecord(
                        size,
                        etag,
                        lastModified,
                        attributes,
                        multipart,
                        new byte[0],
                        segments,
                        versionId,
                        nullVersion,
                        deleteMarker);
    }

    ObjectRecord asVersion(String id, boolean isNullVersion) {
        return new ObjectRecord(
                size, etag, lastModified, attributes, multipart, inline, segments, id, isNullVersion, deleteMarker);
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeLong(size);
            Codec.writeString(out, etag);
            out.writeLong(lastModified);
            Codec.writeAttributes(out, attributes);
            out.writeBoolean(multipart);
            if (inline != null) {
                out.writeByte(INLINE);
                Codec.writeBytes(out, inline);
            } else {
                out.writeByte(SEGMENTS);
                out.writeInt(segments.size());
                for (Segment segment : segments) {
                    Codec.writeSegment(out, segment);
                }
            }
            Codec.writeString(out, versionId);
            out.writeByte((nullVersion ? NULL_VERSION : 0) | (deleteMarker ? DELETE_MARKER : 0));
        });
    }

    static ObjectRecord decode(byte[] value, String what) {
        return Codec.decode(value, what, in -> {
            long size = in.readLong();
            String etag = Codec.readString(in);
            long lastModified = in.readLong();
            ObjectAttributes attributes = Codec.readAttributes(in);
            boolean multipart = in.readBoolean();
            byte kind = in.readByte();
            byte[] inline = null;
            List<Segment> segments = List.of();
            if (kind == INLINE) {
                inline = Codec.readBytesOrNull(in);
            } else {
                int count = in.readInt();
                List<Segment> read = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    read.add(Codec.readSegment(in));
                }
                segments = List.copyOf(read);
            }
            String versionId = null;
            int flags = 0;
            if (in.version >= Codec.VERSION_WITH_VERSIONS) {
                versionId = Codec.readString(in);
                flags = in.readByte();
            }
            return new ObjectRecord(
                    size,
                    etag,
                    lastModified,
                    attributes,
                    multipart,
                    inline,
                    segments,
                    versionId,
                    (flags & NULL_VERSION) != 0,
                    (flags & DELETE_MARKER) != 0);
        });
    }
}
