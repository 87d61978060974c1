package dev.granary.storage.command;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one binary form of a {@link Command}: a format byte, a tag naming the record, then its fields in declaration
 * order. Strings are length-prefixed UTF-8 (-1 for null), so any key, U+0000 included, survives; maps are written in
 * key order, so equal commands encode to equal bytes (a Raft log entry, a digest). Decoding fails on an unknown
 * format or tag and on bytes left over.
 */
public final class CommandCodec {
    /** The format this codec writes and reads. */
    public static final byte FORMAT = 1;

    private static final int PUT_OBJECT = 1;
    private static final int DELETE_OBJECT = 2;
    private static final int REPLACE_ATTRIBUTES = 3;
    private static final int CREATE_UPLOAD = 4;
    private static final int PUT_PART = 5;
    private static final int COMPLETE_UPLOAD = 6;
    private static final int ABORT_UPLOAD = 7;
    private static final int MARK_PENDING = 8;
    private static final int PUT_BUCKET_VIEW = 9;
    private static final int DROP_BUCKET_VIEW = 10;
    private static final int WRITE_CHUNK = 11;
    private static final int DISCARD_DATA = 12;
    private static final int WRITE_RECORDS = 13;
    private static final int KEEP_NULL_VERSION = 14;
    private static final int ABORT_UPLOADS = 15;
    private static final int CORRECT_USAGE = 16;
    private static final int RECLAIM = 17;
    private static final int WRITE_FILE_CHUNK = 18;
    private static final int APPEND_OBJECT = 19;

    /**
     * Bytes of an encoded {@link Command.WriteFileChunk} before its value (format, tag, data id, index, chunk size,
     * length): the value is the rest, so that it can be carried apart from the header without a copy.
     */
    public static final int FILE_CHUNK_HEADER = 2 + IdSource.DATA_ID_LENGTH + 12;

    private static final int NONE = 0;
    private static final int IF_MATCH = 1;
    private static final int IF_NONE_MATCH = 2;
    private static final int ALL_OF = 3;
    private static final int SAME_VERSION = 4;

    private static final int INLINE = 0;
    private static final int STORED = 1;

    private CommandCodec() {}

    /** The bytes of {@code command}. */
    public static byte[] encode(Command command) {
        if (command instanceof Command.WriteFileChunk c) {
            return encodeFileChunk(c); // one array of the exact size: the value is up to a chunk (1 MiB)
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            write(out, command);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static byte[] encodeFileChunk(Command.WriteFileChunk c) {
        int valueLength = c.value() == null ? 0 : c.length();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(FILE_CHUNK_HEADER + valueLength)
                .put(FORMAT)
                .put((byte) WRITE_FILE_CHUNK)
                .put(c.dataId().bytes())
                .putInt(c.index())
                .putInt(c.chunkSize())
                .putInt(c.length());
        if (c.value() != null) {
            out.put(c.value());
        }
        return out.array();
    }

    /** Whether {@code bytes} (at least their first two) are those of a {@link Command.WriteFileChunk}. */
    public static boolean isFileChunk(byte format, byte tag) {
        return format == FORMAT && tag == WRITE_FILE_CHUNK;
    }

    /**
     * The command {@code bytes} encode.
     *
     * @throws IllegalArgumentException when they are not a command of this format
     */
    public static Command decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new IllegalArgumentException(
                    "not a command of format " + FORMAT + (bytes.length == 0 ? ": empty" : ": format " + bytes[0]));
        }
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes, 1, bytes.length - 1);
        try (DataInputStream in = new DataInputStream(stream)) {
            Command command = read(in);
            if (stream.available() > 0) {
                throw new IllegalArgumentException(stream.available() + " bytes after the command");
            }
            return command;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated command", e);
        }
    }

    /** The bytes of {@code result}: the format byte, then its fields in declaration order. */
    public static byte[] encode(CommandResult result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, result.status().name());
            writeString(out, result.reason() == null ? null : result.reason().name());
            writeString(out, result.message());
            writeString(out, result.versionId());
            out.writeBoolean(result.deleteMarker());
            out.writeLong(result.lastModified());
            out.writeBoolean(result.leavesGarbage());
            writeBytes(out, result.record());
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The result {@code bytes} encode.
     *
     * @throws IllegalArgumentException when they are not a result of this format
     */
    public static CommandResult decodeResult(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != FORMAT) {
            throw new IllegalArgumentException("not a command result of format " + FORMAT);
        }
        ByteArrayInputStream stream = new ByteArrayInputStream(bytes, 1, bytes.length - 1);
        try (DataInputStream in = new DataInputStream(stream)) {
            CommandResult.Status status = CommandResult.Status.valueOf(readString(in));
            String reason = readString(in);
            CommandResult result = new CommandResult(
                    status,
                    reason == null ? null : StorageException.Reason.valueOf(reason),
                    readString(in),
                    readString(in),
                    in.readBoolean(),
                    in.readLong(),
                    in.readBoolean(),
                    readBytes(in));
            if (stream.available() > 0) {
                throw new IllegalArgumentException(stream.available() + " bytes after the result");
            }
            return result;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated command result", e);
        }
    }

    private static void write(DataOutputStream out, Command command) throws IOException {
        if (command instanceof Command.PutObject c) {
            out.writeByte(PUT_OBJECT);
            writeKey(out, c.key());
            writeAttributes(out, c.attributes());
            writeCondition(out, c.condition());
            writeBody(out, c.body());
            writeString(out, c.etag());
            out.writeLong(c.proposedMillis());
            out.writeLong(c.proposedMicros());
            writeString(out, c.versionSuffix());
        } else if (command instanceof Command.AppendObject c) {
            out.writeByte(APPEND_OBJECT);
            writeKey(out, c.key());
            out.writeLong(c.position());
            writeString(out, c.expectedEtag());
            writeAttributes(out, c.attributes());
            writeBody(out, c.body());
            writeString(out, c.etag());
            out.writeLong(c.proposedMillis());
            out.writeLong(c.proposedMicros());
            writeString(out, c.versionSuffix());
        } else if (command instanceof Command.DeleteObject c) {
            out.writeByte(DELETE_OBJECT);
            writeKey(out, c.key());
            writeString(out, c.versionId());
            writeCondition(out, c.condition());
            out.writeLong(c.proposedMillis());
            out.writeLong(c.proposedMicros());
            writeString(out, c.versionSuffix());
        } else if (command instanceof Command.ReplaceAttributes c) {
            out.writeByte(REPLACE_ATTRIBUTES);
            writeKey(out, c.key());
            writeString(out, c.versionId());
            writeString(out, c.expectedEtag());
            writeAttributes(out, c.attributes());
            out.writeLong(c.proposedMillis());
        } else if (command instanceof Command.CreateUpload c) {
            out.writeByte(CREATE_UPLOAD);
            writeKey(out, c.key());
            writeString(out, c.uploadId());
            writeString(out, c.owner());
            writeAttributes(out, c.attributes());
            out.writeLong(c.initiatedMillis());
        } else if (command instanceof Command.PutPart c) {
            out.writeByte(PUT_PART);
            writeKey(out, c.key());
            writeString(out, c.uploadId());
            out.writeInt(c.partNumber());
            writeString(out, c.etag());
            writeMap(out, c.checksums());
            writeMap(out, c.system());
            writeBody(out, c.body());
            out.writeLong(c.proposedMillis());
        } else if (command instanceof Command.CompleteUpload c) {
            out.writeByte(COMPLETE_UPLOAD);
            writeKey(out, c.key());
            writeString(out, c.uploadId());
            out.writeInt(c.parts().size());
            for (int i = 0; i < c.parts().size(); i++) {
                out.writeInt(c.parts().get(i).partNumber());
                writeString(out, c.parts().get(i).etag());
                out.write(c.expectedDataIds().get(i).bytes());
            }
            out.writeLong(c.minPartSize());
            writeMap(out, c.checksums());
            writeString(out, c.checksumType());
            writeMap(out, c.systemAdded());
            out.writeLong(c.proposedMillis());
            out.writeLong(c.proposedMicros());
            writeString(out, c.versionSuffix());
        } else if (command instanceof Command.AbortUpload c) {
            out.writeByte(ABORT_UPLOAD);
            writeKey(out, c.key());
            writeString(out, c.uploadId());
        } else if (command instanceof Command.MarkPending c) {
            out.writeByte(MARK_PENDING);
            out.write(c.dataId().bytes());
            out.writeLong(c.proposedMillis());
        } else if (command instanceof Command.PutBucketView c) {
            out.writeByte(PUT_BUCKET_VIEW);
            writeString(out, c.bucket());
            out.writeLong(c.incarnation());
            out.writeByte(versioningCode(c.versioning()));
            out.writeLong(c.versioningEpoch());
        } else if (command instanceof Command.DropBucketView c) {
            out.writeByte(DROP_BUCKET_VIEW);
            writeString(out, c.bucket());
            out.writeLong(c.incarnation());
        } else if (command instanceof Command.WriteChunk c) {
            out.writeByte(WRITE_CHUNK);
            out.write(c.dataId().bytes());
            out.writeInt(c.index());
            writeBytes(out, c.value());
        } else if (command instanceof Command.WriteFileChunk c) {
            out.write(encodeFileChunk(c), 1, FILE_CHUNK_HEADER - 1 + (c.value() == null ? 0 : c.length()));
        } else if (command instanceof Command.DiscardData c) {
            out.writeByte(DISCARD_DATA);
            out.write(c.dataId().bytes());
        } else if (command instanceof Command.WriteRecords c) {
            out.writeByte(WRITE_RECORDS);
            writeRecords(out, c.expected());
            writeRecords(out, c.writes());
            writeRecords(out, c.deletedPrefixes());
        } else if (command instanceof Command.KeepNullVersion c) {
            out.writeByte(KEEP_NULL_VERSION);
            writeKey(out, c.key());
        } else if (command instanceof Command.AbortUploads c) {
            out.writeByte(ABORT_UPLOADS);
            writeString(out, c.bucket());
        } else if (command instanceof Command.Reclaim c) {
            out.writeByte(RECLAIM);
            out.writeInt(c.dataIds().size());
            for (DataId id : c.dataIds()) {
                out.write(id.bytes());
            }
        } else if (command instanceof Command.CorrectUsage c) {
            out.writeByte(CORRECT_USAGE);
            writeString(out, c.bucket());
            out.writeInt(c.deltas().size());
            for (long delta : c.deltas()) {
                out.writeLong(delta);
            }
        } else {
            throw new IllegalArgumentException("unknown " + command);
        }
    }

    private static Command read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case PUT_OBJECT ->
                new Command.PutObject(
                        readKey(in),
                        readAttributes(in),
                        readCondition(in),
                        readBody(in),
                        readString(in),
                        in.readLong(),
                        in.readLong(),
                        readString(in));
            case APPEND_OBJECT -> {
                ObjectKey key = readKey(in);
                long position = in.readLong();
                String expectedEtag = readString(in);
                ObjectAttributes attributes = readAttributes(in);
                if (!(readBody(in) instanceof Command.Stored body)) {
                    throw new IOException("an append's body is inline");
                }
                yield new Command.AppendObject(
                        key,
                        position,
                        expectedEtag,
                        attributes,
                        body,
                        readString(in),
                        in.readLong(),
                        in.readLong(),
                        readString(in));
            }
            case DELETE_OBJECT ->
                new Command.DeleteObject(
                        readKey(in), readString(in), readCondition(in), in.readLong(), in.readLong(), readString(in));
            case REPLACE_ATTRIBUTES ->
                new Command.ReplaceAttributes(
                        readKey(in), readString(in), readString(in), readAttributes(in), in.readLong());
            case CREATE_UPLOAD ->
                new Command.CreateUpload(
                        readKey(in), readString(in), readString(in), readAttributes(in), in.readLong());
            case PUT_PART -> {
                ObjectKey key = readKey(in);
                String uploadId = readString(in);
                int partNumber = in.readInt();
                String etag = readString(in);
                SortedMap<String, String> checksums = readMap(in);
                SortedMap<String, String> system = readMap(in);
                Command.Body body = readBody(in);
                if (!(body instanceof Command.Stored stored)) {
                    throw new IllegalArgumentException("a part's body is stored, not inline");
                }
                yield new Command.PutPart(key, uploadId, partNumber, etag, checksums, system, stored, in.readLong());
            }
            case COMPLETE_UPLOAD -> {
                ObjectKey key = readKey(in);
                String uploadId = readString(in);
                int count = readCount(in);
                List<CompletedPart> parts = new ArrayList<>(count);
                List<DataId> dataIds = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    parts.add(new CompletedPart(in.readInt(), readString(in)));
                    dataIds.add(readDataId(in));
                }
                yield new Command.CompleteUpload(
                        key,
                        uploadId,
                        parts,
                        dataIds,
                        in.readLong(),
                        readMap(in),
                        readString(in),
                        readMap(in),
                        in.readLong(),
                        in.readLong(),
                        readString(in));
            }
            case ABORT_UPLOAD -> new Command.AbortUpload(readKey(in), readString(in));
            case MARK_PENDING -> new Command.MarkPending(readDataId(in), in.readLong());
            case PUT_BUCKET_VIEW ->
                new Command.PutBucketView(
                        readString(in), in.readLong(), versioning(in.readUnsignedByte()), in.readLong());
            case DROP_BUCKET_VIEW -> new Command.DropBucketView(readString(in), in.readLong());
            case WRITE_CHUNK -> new Command.WriteChunk(readDataId(in), in.readInt(), readBytes(in));
            case WRITE_FILE_CHUNK -> {
                DataId id = readDataId(in);
                int index = in.readInt();
                int chunkSize = in.readInt();
                int length = in.readInt();
                // The value is the rest: present as proposed, absent as the log keeps the entry.
                byte[] value = in.available() == 0 ? null : in.readNBytes(length);
                yield new Command.WriteFileChunk(id, index, chunkSize, length, value);
            }
            case DISCARD_DATA -> new Command.DiscardData(readDataId(in));
            case WRITE_RECORDS -> new Command.WriteRecords(readRecords(in), readRecords(in), readRecords(in));
            case KEEP_NULL_VERSION -> new Command.KeepNullVersion(readKey(in));
            case ABORT_UPLOADS -> new Command.AbortUploads(readString(in));
            case RECLAIM -> {
                int count = readCount(in);
                List<DataId> ids = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    ids.add(readDataId(in));
                }
                yield new Command.Reclaim(ids);
            }
            case CORRECT_USAGE -> {
                String bucket = readString(in);
                int count = readCount(in);
                List<Long> deltas = new ArrayList<>();
                for (int i = 0; i < Math.min(count, 64); i++) {
                    deltas.add(in.readLong());
                }
                if (count > 64) {
                    throw new IllegalArgumentException(count + " usage counters");
                }
                yield new Command.CorrectUsage(bucket, deltas);
            }
            default -> throw new IllegalArgumentException("unknown command " + tag);
        };
    }

    // Versioning's codes spelled out: reordering the enum must not change what an encoded command means.
    private static int versioningCode(Versioning versioning) {
        return switch (versioning) {
            case UNVERSIONED -> 0;
            case ENABLED -> 1;
            case SUSPENDED -> 2;
        };
    }

    private static Versioning versioning(int code) {
        return switch (code) {
            case 0 -> Versioning.UNVERSIONED;
            case 1 -> Versioning.ENABLED;
            case 2 -> Versioning.SUSPENDED;
            default -> throw new IllegalArgumentException("unknown versioning code " + code);
        };
    }

    private static void writeCondition(DataOutputStream out, WriteCondition condition) throws IOException {
        if (condition instanceof WriteCondition.None) {
            out.writeByte(NONE);
        } else if (condition instanceof WriteCondition.IfMatch c) {
            out.writeByte(IF_MATCH);
            writeStrings(out, c.etags());
        } else if (condition instanceof WriteCondition.IfNoneMatch c) {
            out.writeByte(IF_NONE_MATCH);
            writeStrings(out, c.etags());
        } else if (condition instanceof WriteCondition.AllOf c) {
            out.writeByte(ALL_OF);
            out.writeInt(c.conditions().size());
            for (WriteCondition each : c.conditions()) {
                writeCondition(out, each);
            }
        } else if (condition instanceof WriteCondition.SameVersion c) {
            out.writeByte(SAME_VERSION);
            writeString(out, c.shownVersionId());
            writeString(out, c.etag());
            out.writeLong(c.size());
            out.writeLong(c.lastModifiedMillis());
            out.writeBoolean(c.deleteMarker());
            writeAttributes(out, c.attributes());
        } else {
            throw new IllegalArgumentException("unknown " + condition);
        }
    }

    private static WriteCondition readCondition(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case NONE -> WriteCondition.NONE;
            case IF_MATCH -> new WriteCondition.IfMatch(readStrings(in));
            case IF_NONE_MATCH -> new WriteCondition.IfNoneMatch(readStrings(in));
            case ALL_OF -> {
                int count = readCount(in);
                List<WriteCondition> conditions = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    conditions.add(readCondition(in));
                }
                yield new WriteCondition.AllOf(conditions);
            }
            case SAME_VERSION ->
                new WriteCondition.SameVersion(
                        readString(in),
                        readString(in),
                        in.readLong(),
                        in.readLong(),
                        in.readBoolean(),
                        readAttributes(in));
            default -> throw new IllegalArgumentException("unknown condition " + tag);
        };
    }

    private static void writeBody(DataOutputStream out, Command.Body body) throws IOException {
        if (body instanceof Command.Inline b) {
            out.writeByte(INLINE);
            out.writeInt(b.bytes().length);
            out.write(b.bytes());
        } else if (body instanceof Command.Stored b) {
            out.writeByte(STORED);
            out.write(b.dataId().bytes());
            out.writeLong(b.length());
            out.writeInt(b.chunkSize());
            out.writeBoolean(b.file());
        } else {
            throw new IllegalArgumentException("unknown " + body);
        }
    }

    private static Command.Body readBody(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        return switch (tag) {
            case INLINE -> {
                byte[] bytes = new byte[readCount(in)];
                in.readFully(bytes);
                yield new Command.Inline(bytes);
            }
            case STORED -> new Command.Stored(readDataId(in), in.readLong(), in.readInt(), in.readBoolean());
            default -> throw new IllegalArgumentException("unknown body " + tag);
        };
    }

    private static void writeAttributes(DataOutputStream out, ObjectAttributes a) throws IOException {
        writeString(out, a.contentType());
        writeString(out, a.contentEncoding());
        writeString(out, a.contentDisposition());
        writeString(out, a.contentLanguage());
        writeString(out, a.cacheControl());
        writeString(out, a.expires());
        writeMap(out, a.userMetadata());
        writeMap(out, a.checksums());
        writeString(out, a.checksumType());
        writeMap(out, a.tags());
        writeMap(out, a.system());
    }

    private static ObjectAttributes readAttributes(DataInputStream in) throws IOException {
        return new ObjectAttributes(
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readString(in),
                readMap(in),
                readMap(in),
                readString(in),
                readMap(in),
                readMap(in));
    }

    private static void writeKey(DataOutputStream out, ObjectKey key) throws IOException {
        writeString(out, key.bucket());
        writeString(out, key.key());
    }

    private static ObjectKey readKey(DataInputStream in) throws IOException {
        return new ObjectKey(readString(in), readString(in));
    }

    /** Bytes with a length first; -1 for null (the form of every byte string in commands, results and reads). */
    public static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Bytes {@link #writeBytes} wrote, or null. */
    public static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        checkCount(length);
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeRecords(DataOutputStream out, List<Command.SmallRecord> records) throws IOException {
        out.writeInt(records.size());
        for (Command.SmallRecord record : records) {
            writeString(out, record.table().name());
            writeBytes(out, record.key());
            writeBytes(out, record.value());
        }
    }

    private static List<Command.SmallRecord> readRecords(DataInputStream in) throws IOException {
        int count = readCount(in);
        List<Command.SmallRecord> records = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            Command.RecordTable table = Command.RecordTable.valueOf(readString(in));
            byte[] key = readBytes(in);
            if (key == null) {
                throw new IllegalArgumentException("a record without a key");
            }
            records.add(new Command.SmallRecord(table, key, readBytes(in)));
        }
        return records;
    }

    private static DataId readDataId(DataInputStream in) throws IOException {
        byte[] id = new byte[IdSource.DATA_ID_LENGTH];
        in.readFully(id);
        return new DataId(id);
    }

    /** A map in key order; -1 for null (attributes tell a missing map from an empty one). */
    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        if (map == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static SortedMap<String, String> readMap(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size == -1) {
            return null;
        }
        checkCount(size);
        SortedMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int count = readCount(in);
        List<String> strings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            strings.add(readString(in));
        }
        return strings;
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        checkCount(length);
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private static int readCount(DataInputStream in) throws IOException {
        int count = in.readInt();
        checkCount(count);
        return count;
    }

    /** A count no larger than the bytes there are: a corrupt length must not allocate gigabytes. */
    private static void checkCount(int count) {
        if (count < 0 || count > 1 << 30) {
            throw new IllegalArgumentException("bad length " + count);
        }
    }
}
