package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of an object's current version (CF {@code meta}). Its bytes are either inline (small
 * objects, one read) or a list of segments: one for a PUT, one per part for a completed multipart upload,
 * which is how completion avoids copying bytes.
 *
 * @param size object length
 * @param etag ETag without quotes
 * @param lastModified commit time in epoch millis
 * @param attributes content headers, metadata, checksums
 * @param multipart whether it was made by a multipart upload (then each segment is a part)
 * @param inline the bytes when stored inline, else null
 * @param segments the data segments when not inline, else empty
 */
record ObjectRecord(
        long size,
        String etag,
        long lastModified,
        ObjectAttributes attributes,
        boolean multipart,
        byte[] inline,
        List<Segment> segments) {

    private static final byte INLINE = 0;
    private static final byte SEGMENTS = 1;

    ObjectMeta toMeta(ObjectKey key) {
        List<Long> partSizes = new ArrayList<>();
        if (multipart) {
            segments.forEach(s -> partSizes.add(s.length()));
        }
        return new ObjectMeta(key, size, etag, Instant.ofEpochMilli(lastModified), attributes, List.copyOf(partSizes));
    }

    ObjectRecord withAttributes(ObjectAttributes newAttributes, long newLastModified) {
        return new ObjectRecord(size, etag, newLastModified, newAttributes, multipart, inline, segments);
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
            if (kind == INLINE) {
                return new ObjectRecord(
                        size, etag, lastModified, attributes, multipart, Codec.readBytesOrNull(in), List.of());
            }
            int count = in.readInt();
            List<Segment> segments = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                segments.add(Codec.readSegment(in));
            }
            return new ObjectRecord(size, etag, lastModified, attributes, multipart, null, List.copyOf(segments));
        });
    }
}
