package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.StorageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The binary encoding shared by the stored records: a leading format version byte, then fields written with
 * {@link DataOutputStream}. Strings are length-prefixed UTF-8 (length -1 for null) rather than
 * {@code writeUTF}, which caps at 64 KiB and uses modified UTF-8.
 *
 * <p>Versions: 1 is the original format; 2 adds the object tags after the checksum type of
 * {@link ObjectAttributes}; 3 adds the system properties after the tags and the version id and version flags at
 * the end of an object record; 4 adds a part's system properties at the end of a part record. Records of
 * every version are read; version 1 attributes have no tags, records before 3 belong to no version. A segment's
 * chunk size has its top bit set when the segment's chunks are in a data file; records written before data
 * files existed never have it.
 */
final class Codec {
    static final byte VERSION = 4;
    static final byte VERSION_WITH_PART_SYSTEM = 4;
    static final byte VERSION_WITH_VERSIONS = 3;
    static final byte VERSION_WITH_TAGS = 2;
    static final byte VERSION_WITHOUT_TAGS = 1;

    private Codec() {}

    /** Writes a record's fields. */
    @FunctionalInterface
    interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a record's fields. */
    @FunctionalInterface
    interface Parser<T> {
        T read(Input in) throws IOException;
    }

    /** The fields of a record being decoded, with the format version it was written in. */
    static final class Input extends DataInputStream {
        final int version;

        Input(byte[] value, int version) {
            super(new ByteArrayInputStream(value, 1, value.length - 1));
            this.version = version;
        }
    }

    static byte[] encode(Body body) {
        return encode(VERSION, body);
    }

    /** Encodes in an older format version (tests of backward compatibility). */
    static byte[] encode(byte version, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding cannot fail", e);
        }
        return bytes.toByteArray();
    }

    static <T> T decode(byte[] value, String what, Parser<T> parser) {
        if (value.length == 0) {
            throw new StorageException(StorageException.Reason.CORRUPT_DATA, what + ": empty record");
        }
        int version = value[0] & 0xff;
        if (version < VERSION_WITHOUT_TAGS || version > VERSION) {
            throw new StorageException(
                    StorageException.Reason.CORRUPT_DATA, what + ": unknown record format " + version);
        }
        try (Input in = new Input(value, version)) {
            return parser.read(in);
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.CORRUPT_DATA, what + ": unreadable record", e);
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] bytes = readBytesOrNull(in);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static byte[] readBytesOrNull(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        Map<String, String> safe = map == null ? Map.of() : map;
        out.writeInt(safe.size());
        for (Map.Entry<String, String> e : safe.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    static SortedMap<String, String> readMap(DataInputStream in) throws IOException {
        int size = in.readInt();
        SortedMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    static void writeAttributes(DataOutputStream out, ObjectAttributes a) throws IOException {
        writeAttributes(out, a, true);
    }

    /** Writes attributes as format version 1 did, without tags (tests of backward compatibility). */
    static void writeAttributesWithoutTags(DataOutputStream out, ObjectAttributes a) throws IOException {
        writeAttributes(out, a, false);
    }

    private static void writeAttributes(DataOutputStream out, ObjectAttributes a, boolean withTags) throws IOException {
        writeString(out, a.contentType());
        writeString(out, a.contentEncoding());
        writeString(out, a.contentDisposition());
        writeString(out, a.contentLanguage());
        writeString(out, a.cacheControl());
        writeString(out, a.expires());
        writeMap(out, a.userMetadata());
        writeMap(out, a.checksums());
        writeString(out, a.checksumType());
        if (withTags) {
            writeMap(out, a.tags());
            writeMap(out, a.system());
        }
    }

    static ObjectAttributes readAttributes(Input in) throws IOException {
        String contentType = readString(in);
        String contentEncoding = readString(in);
        String contentDisposition = readString(in);
        String contentLanguage = readString(in);
        String cacheControl = readString(in);
        String expires = readString(in);
        SortedMap<String, String> userMetadata = readMap(in);
        SortedMap<String, String> checksums = readMap(in);
        String checksumType = readString(in);
        SortedMap<String, String> tags = in.version >= VERSION_WITH_TAGS ? readMap(in) : new TreeMap<>();
        SortedMap<String, String> system = in.version >= VERSION_WITH_VERSIONS ? readMap(in) : new TreeMap<>();
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
                system);
    }

    /** Set in a segment's stored chunk size when its chunks are in a data file (sizes never reach it). */
    private static final int FILE_SEGMENT = 0x8000_0000;

    static void writeSegment(DataOutputStream out, Segment segment) throws IOException {
        out.write(segment.dataId());
        out.writeLong(segment.length());
        out.writeInt(segment.file() ? segment.chunkSize() | FILE_SEGMENT : segment.chunkSize());
    }

    static Segment readSegment(DataInputStream in) throws IOException {
        byte[] dataId = new byte[Keys.DATA_ID_LENGTH];
        in.readFully(dataId);
        long length = in.readLong();
        int chunkSize = in.readInt();
        return new Segment(dataId, length, chunkSize & ~FILE_SEGMENT, (chunkSize & FILE_SEGMENT) != 0);
    }
}
