package dev.granary.storage.rocksdb;

import dev.granary.storage.PartMeta;
import java.time.Instant;
import java.util.Map;

/**
 * The stored form of an uploaded part (CF {@code parts}). Parts are never inline: completion turns each
 * listed part's segment into a segment of the object.
 *
 * @param partNumber 1 to 10,000
 * @param etag hex MD5 of the part
 * @param lastModified when it was stored, epoch millis
 * @param checksums flexible checksums the client sent
 * @param segment where its bytes are
 * @param system the caller's properties of this part (e.g. its encryption IV); records before format 4 have none
 */
record PartRecord(
        int partNumber,
        String etag,
        long lastModified,
        Map<String, String> checksums,
        Segment segment,
        Map<String, String> system) {

    PartMeta toMeta() {
        return new PartMeta(partNumber, segment.length(), etag, Instant.ofEpochMilli(lastModified), checksums, system);
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeInt(partNumber);
            Codec.writeString(out, etag);
            out.writeLong(lastModified);
            Codec.writeMap(out, checksums);
            Codec.writeSegment(out, segment);
            Codec.writeMap(out, system);
        });
    }

    static PartRecord decode(byte[] value, String what) {
        return Codec.decode(
                value,
                what,
                in -> new PartRecord(
                        in.readInt(),
                        Codec.readString(in),
                        in.readLong(),
                        Codec.readMap(in),
                        Codec.readSegment(in),
                        in.version >= Codec.VERSION_WITH_PART_SYSTEM ? Codec.readMap(in) : Map.of()));
    }
}
