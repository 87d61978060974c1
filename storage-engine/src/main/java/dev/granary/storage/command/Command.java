package dev.granary.storage.command;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A write to one partition, as data. Everything that is not a function of the partition's state is fixed by the
 * proposer ({@link IdSource}): times, version-id suffixes, data ids, upload ids. Applying a command reads only the
 * command and the partition, so the same sequence of commands leaves every replica in the same state. Maps are
 * {@link TreeMap}s so that {@link CommandCodec} encodes a command one way only.
 */
public sealed interface Command
        permits Command.PutObject,
                Command.AppendObject,
                Command.DeleteObject,
                Command.ReplaceAttributes,
                Command.CreateUpload,
                Command.PutPart,
                Command.CompleteUpload,
                Command.AbortUpload,
                Command.MarkPending,
                Command.PutBucketView,
                Command.DropBucketView,
                Command.WriteChunk,
                Command.WriteFileChunk,
                Command.DiscardData,
                Command.WriteRecords,
                Command.KeepNullVersion,
                Command.AbortUploads,
                Command.CorrectUsage,
                Command.Reclaim {

    /** Where a written body's bytes are. */
    sealed interface Body permits Inline, Stored {
        /** Number of bytes. */
        long length();
    }

    /**
     * A small body kept whole in the object's record.
     *
     * @param bytes the body; not copied, so callers must not change it
     */
    @SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the bytes
    record Inline(byte[] bytes) implements Body {
        /** Checks that there are bytes. */
        public Inline {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inline other && Arrays.equals(bytes, other.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Inline[" + bytes.length + " bytes]";
        }
    }

    /**
     * A body written as chunks under a data id before the command, marked pending until a command claims it.
     *
     * @param dataId the chunks' id
     * @param length number of bytes
     * @param chunkSize bytes per chunk
     * @param file whether the chunks are in a data file rather than in the partition's {@code data} column family
     */
    record Stored(DataId dataId, long length, int chunkSize, boolean file) implements Body {
        /** Checks the fields. */
        public Stored {
            Objects.requireNonNull(dataId, "dataId");
            if (length < 0 || chunkSize <= 0) {
                throw new IllegalArgumentException("bad segment: " + length + " bytes in chunks of " + chunkSize);
            }
        }
    }

    /**
     * Makes a new version of {@code key} current.
     *
     * @param key the object
     * @param attributes its attributes
     * @param condition checked against the current version
     * @param body its bytes
     * @param etag hex MD5 of the bytes
     * @param proposedMillis its modification time, unless the key's newest version is as new (then one later)
     * @param proposedMicros the time part of its version id, unless the newest id's is as new
     * @param versionSuffix the random part of its version id ({@value IdSource#SUFFIX_LENGTH} characters)
     */
    record PutObject(
            ObjectKey key,
            ObjectAttributes attributes,
            WriteCondition condition,
            Body body,
            String etag,
            long proposedMillis,
            long proposedMicros,
            String versionSuffix)
            implements Command {
        /** Checks that no field is missing. */
        public PutObject {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(etag, "etag");
            checkSuffix(versionSuffix);
        }
    }

    /**
     * Appends a stored body at the end of an appendable object, or makes one of it (Alibaba Cloud OSS's AppendObject).
     * The appended bytes become one more segment of the object, none is copied; an append changes its object in
     * place (no new version in a versioned bucket, as in OSS).
     *
     * @param key the object
     * @param position where the bytes go: the object's length, 0 to make it
     * @param expectedEtag the ETag of the object the proposer read, null when it read none: the object must still be
     *     that one (the checksums below were computed from it)
     * @param attributes the object's attributes after the append; when it makes the object, all of them, else only
     *     its checksums are taken (the proposer combined the object's with the appended bytes')
     * @param body the appended bytes
     * @param etag hex MD5 of the appended bytes
     * @param proposedMillis the modification time, unless the key's newest version is as new (then one later)
     * @param proposedMicros the time part of the version id of an object it makes
     * @param versionSuffix the random part of that version id
     */
    record AppendObject(
            ObjectKey key,
            long position,
            String expectedEtag,
            ObjectAttributes attributes,
            Stored body,
            String etag,
            long proposedMillis,
            long proposedMicros,
            String versionSuffix)
            implements Command {
        /** Checks that no field is missing. */
        public AppendObject {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(etag, "etag");
            if (position < 0) {
                throw new IllegalArgumentException("negative append position " + position);
            }
            checkSuffix(versionSuffix);
        }
    }

    /**
     * Deletes the current version ({@code versionId} null: by its bucket's versioning state) or one version.
     *
     * @param key the object
     * @param versionId the version, {@code null} the string for the null version; null for the current one
     * @param condition checked against the version acted on
     * @param proposedMillis the modification time of a delete marker it makes
     * @param proposedMicros the time part of a delete marker's version id
     * @param versionSuffix the random part of a delete marker's version id
     */
    record DeleteObject(
            ObjectKey key,
            String versionId,
            WriteCondition condition,
            long proposedMillis,
            long proposedMicros,
            String versionSuffix)
            implements Command {
        /** Checks that no field is missing. */
        public DeleteObject {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(condition, "condition");
            checkSuffix(versionSuffix);
        }
    }

    /**
     * Replaces the attributes of a version in place, if its ETag is still {@code expectedEtag}.
     *
     * @param key the object
     * @param versionId the version, or null for the current one
     * @param expectedEtag the ETag the version must have
     * @param attributes its new attributes
     * @param proposedMillis its new modification time, unless only tags or system properties change
     */
    record ReplaceAttributes(
            ObjectKey key, String versionId, String expectedEtag, ObjectAttributes attributes, long proposedMillis)
            implements Command {
        /** Checks that no field is missing. */
        public ReplaceAttributes {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(expectedEtag, "expectedEtag");
            Objects.requireNonNull(attributes, "attributes");
        }
    }

    /**
     * Starts a multipart upload.
     *
     * @param key the object it will make
     * @param uploadId its id ({@link IdSource#uploadId})
     * @param owner who started it
     * @param attributes the attributes of the object it will make
     * @param initiatedMillis when it started
     */
    record CreateUpload(ObjectKey key, String uploadId, String owner, ObjectAttributes attributes, long initiatedMillis)
            implements Command {
        /** Checks that no field is missing. */
        public CreateUpload {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadId, "uploadId");
            Objects.requireNonNull(attributes, "attributes");
        }
    }

    /**
     * Stores (or replaces) a part of an upload.
     *
     * @param key the upload's object
     * @param uploadId the upload
     * @param partNumber 1 to 10,000
     * @param etag hex MD5 of the part
     * @param checksums the part's checksums by algorithm
     * @param system the part's system properties
     * @param body its chunks
     * @param proposedMillis its modification time
     */
    record PutPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            String etag,
            SortedMap<String, String> checksums,
            SortedMap<String, String> system,
            Stored body,
            long proposedMillis)
            implements Command {
        /** Checks the fields; keeps sorted copies of the maps (null: empty). */
        public PutPart {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadId, "uploadId");
            Objects.requireNonNull(etag, "etag");
            Objects.requireNonNull(body, "body");
            checksums = sorted(checksums);
            system = sorted(system);
        }
    }

    /**
     * Completes an upload: the listed parts become the object's segments. The proposer read the parts and chose
     * {@code systemAdded} from them; if any chosen part's data id is no longer the one it read (the part was
     * uploaded again meanwhile), applying fails without a change and the proposer reads them again.
     *
     * @param key the upload's object
     * @param uploadId the upload
     * @param parts the parts as the request listed them
     * @param expectedDataIds the data id of each listed part as the proposer read it, in the same order
     * @param minPartSize the least size of every part but the last
     * @param checksums the object's checksums, or null
     * @param checksumType the checksum type, or null
     * @param systemAdded system properties added to the upload's
     * @param proposedMillis the object's modification time, unless the key's newest version is as new
     * @param proposedMicros the time part of its version id
     * @param versionSuffix the random part of its version id
     */
    record CompleteUpload(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            List<DataId> expectedDataIds,
            long minPartSize,
            SortedMap<String, String> checksums,
            String checksumType,
            SortedMap<String, String> systemAdded,
            long proposedMillis,
            long proposedMicros,
            String versionSuffix)
            implements Command {
        /** Checks the fields; keeps immutable and sorted copies. */
        public CompleteUpload {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadId, "uploadId");
            parts = List.copyOf(parts);
            expectedDataIds = List.copyOf(expectedDataIds);
            if (parts.size() != expectedDataIds.size()) {
                throw new IllegalArgumentException(
                        parts.size() + " parts listed but " + expectedDataIds.size() + " data ids expected");
            }
            checksums = checksums == null ? null : sorted(checksums);
            systemAdded = sorted(systemAdded);
            checkSuffix(versionSuffix);
        }
    }

    /**
     * Abandons an upload: it and its parts go, their data is queued for reclamation.
     *
     * @param key the upload's object
     * @param uploadId the upload
     */
    record AbortUpload(ObjectKey key, String uploadId) implements Command {
        /** Checks that no field is missing. */
        public AbortUpload {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(uploadId, "uploadId");
        }
    }

    /**
     * Marks a data id as being written: its data is garbage unless a later command claims it.
     *
     * @param dataId the data id
     * @param proposedMillis when the write began
     */
    record MarkPending(DataId dataId, long proposedMillis) implements Command {
        /** Checks that no field is missing. */
        public MarkPending {
            Objects.requireNonNull(dataId, "dataId");
        }
    }

    /**
     * Tells a partition a bucket's state as of {@code versioningEpoch}: object commands of the bucket are refused
     * without a view, and read their versioning state from it. Ignored when the partition's view has an epoch as
     * new or newer, so views sent again, or out of order, converge on the newest.
     *
     * @param bucket the bucket
     * @param incarnation which creation of the bucket under that name
     * @param versioning its versioning state
     * @param versioningEpoch increases with every change of the bucket's state, across incarnations too
     */
    record PutBucketView(String bucket, long incarnation, Versioning versioning, long versioningEpoch)
            implements Command {
        /** Checks that no field is missing. */
        public PutBucketView {
            Objects.requireNonNull(bucket, "bucket");
            Objects.requireNonNull(versioning, "versioning");
        }
    }

    /**
     * Removes a bucket's view from a partition, if it is of {@code incarnation}: object commands of the bucket are
     * refused from then on.
     *
     * @param bucket the bucket
     * @param incarnation the creation of the bucket being deleted
     */
    record DropBucketView(String bucket, long incarnation) implements Command {
        /** Checks that no field is missing. */
        public DropBucketView {
            Objects.requireNonNull(bucket, "bucket");
        }
    }

    /**
     * Stores one chunk of a body being written under {@code dataId}; the first chunk also marks the id pending, so no
     * chunk outlives a crash without the marker that gets it reclaimed unless a later command claims it.
     *
     * @param dataId the body's data id
     * @param index the chunk's number, from 0
     * @param value the chunk as stored (its CRC32C, then its bytes); not copied
     */
    @SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the bytes
    record WriteChunk(DataId dataId, int index, byte[] value) implements Command {
        /** Checks that no field is missing. */
        public WriteChunk {
            Objects.requireNonNull(dataId, "dataId");
            Objects.requireNonNull(value, "value");
            if (index < 0) {
                throw new IllegalArgumentException("negative chunk index " + index);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WriteChunk other
                    && dataId.equals(other.dataId)
                    && index == other.index
                    && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dataId, index, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "WriteChunk[" + dataId + " #" + index + ", " + value.length + " bytes]";
        }
    }

    /**
     * One chunk of a body kept in a data file ({@link Stored#file}), in a replicated partition: every replica writes
     * {@code value} into the data file of {@code dataId} at the chunk's place <em>beside</em> the log, before the entry
     * is committed, so the bytes are not in the log itself (Ratis state-machine data). The entry as the log keeps it
     * has no value ({@link #header}); applying it changes no record (the id was marked pending by a {@link
     * MarkPending} before the first chunk).
     *
     * @param dataId the body's data id
     * @param index the chunk's number, from 0
     * @param chunkSize the body's chunk size, which places chunk {@code index} in the file
     * @param length the length of {@code value}: the chunk's CRC32C (4 bytes), then its bytes
     * @param value the chunk as stored, or null in the log's form of the entry; not copied
     */
    @SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the bytes
    record WriteFileChunk(DataId dataId, int index, int chunkSize, int length, byte[] value) implements Command {
        /** Checks that no field is missing and that the value has its stated length. */
        public WriteFileChunk {
            Objects.requireNonNull(dataId, "dataId");
            if (index < 0 || chunkSize < 1 || length < 4 || length > chunkSize + 4) {
                throw new IllegalArgumentException(
                        "bad file chunk #" + index + " of " + length + " bytes, chunk size " + chunkSize);
            }
            if (value != null && value.length != length) {
                throw new IllegalArgumentException("file chunk of " + value.length + " bytes, not " + length);
            }
        }

        /** The chunk {@code value} (its CRC32C, then its bytes) as the proposer sends it. */
        public static WriteFileChunk of(DataId dataId, int index, int chunkSize, byte[] value) {
            return new WriteFileChunk(dataId, index, chunkSize, value.length, value);
        }

        /** This chunk without its bytes, as the log keeps it. */
        public WriteFileChunk header() {
            return value == null ? this : new WriteFileChunk(dataId, index, chunkSize, length, null);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof WriteFileChunk other
                    && dataId.equals(other.dataId)
                    && index == other.index
                    && chunkSize == other.chunkSize
                    && length == other.length
                    && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dataId, index, chunkSize, length, Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "WriteFileChunk[" + dataId + " #" + index + ", " + length + " bytes"
                    + (value == null ? ", beside the log]" : "]");
        }
    }

    /**
     * Drops what a body that will never be committed left under {@code dataId}: its chunks and its pending marker
     * (a data file's deletion is the proposer's, beside the command).
     */
    record DiscardData(DataId dataId) implements Command {
        /** Checks that no field is missing. */
        public DiscardData {
            Objects.requireNonNull(dataId, "dataId");
        }
    }

    /** The tables of small records that {@link WriteRecords} writes. */
    enum RecordTable {
        /** Users, keys, metering rows, background progress (partition 0). */
        SYSTEM,
        /** Bucket records, in the bucket's home partition. */
        BUCKETS,
        /** Bucket configuration documents, in the bucket's home partition. */
        BUCKET_CONFIG
    }

    /**
     * A record of a {@link RecordTable} written (or, with a null value, deleted) by {@link WriteRecords}.
     *
     * @param table its table
     * @param key its key
     * @param value its value, or null to delete it
     */
    @SuppressWarnings("ArrayRecordComponent") // equals and hashCode below compare the bytes
    record SmallRecord(RecordTable table, byte[] key, byte[] value) {
        /** Checks that there is a table and a key. */
        public SmallRecord {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(key, "key");
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SmallRecord other
                    && table == other.table
                    && Arrays.equals(key, other.key)
                    && Arrays.equals(value, other.value);
        }

        @Override
        public int hashCode() {
            return Objects.hash(table, Arrays.hashCode(key), Arrays.hashCode(value));
        }

        @Override
        public String toString() {
            return "SmallRecord[" + table + ", " + key.length + " byte key, "
                    + (value == null ? "deleted" : value.length + " bytes") + "]";
        }
    }

    /**
     * Writes small records in one batch, if every expectation holds: each {@code expected} record's key has exactly
     * that value (or, with a null value, is absent). Refused with {@code PRECONDITION_FAILED} otherwise, so that a
     * read-check-write of small records (a bucket created once) is atomic where the command applies.
     *
     * @param expected what must hold first
     * @param writes the records to put or delete
     * @param deletedPrefixes every record whose key starts with one of these keys (in its table) is deleted first
     */
    record WriteRecords(List<SmallRecord> expected, List<SmallRecord> writes, List<SmallRecord> deletedPrefixes)
            implements Command {
        /** Keeps immutable copies. */
        public WriteRecords {
            expected = List.copyOf(expected);
            writes = List.copyOf(writes);
            deletedPrefixes = List.copyOf(deletedPrefixes);
        }

        /** Unconditional writes. */
        public static WriteRecords of(List<SmallRecord> writes) {
            return new WriteRecords(List.of(), writes, List.of());
        }
    }

    /**
     * Moves an object written before its bucket was versioned into the versions as the key's null version (its id
     * derived from the key and its modification time, alike on every replica), if it is still such an object.
     */
    record KeepNullVersion(ObjectKey key) implements Command {
        /** Checks that no field is missing. */
        public KeepNullVersion {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Aborts every multipart upload of a bucket the partition holds (the bucket is being deleted). */
    record AbortUploads(String bucket) implements Command {
        /** Checks that no field is missing. */
        public AbortUploads {
            Objects.requireNonNull(bucket, "bucket");
        }
    }

    /**
     * Adds {@code deltas} to a bucket's usage counters in the partition: the difference its proposer found between
     * a recount and the counters at one consistent state of the partition (writes after that state carry their own
     * deltas, so the correction is exact whenever it applies).
     *
     * @param bucket the bucket
     * @param deltas one per counter, in the counters' order
     */
    record CorrectUsage(String bucket, List<Long> deltas) implements Command {
        /** Keeps an immutable copy. */
        public CorrectUsage {
            Objects.requireNonNull(bucket, "bucket");
            deltas = List.copyOf(deltas);
        }
    }

    /**
     * Drops the chunks of data ids queued for reclamation, and their queue records; ids no longer queued (reclaimed
     * by an earlier command) are skipped. Data files are deleted by each node beside the command, not by it.
     *
     * @param dataIds the ids, in order
     */
    record Reclaim(List<DataId> dataIds) implements Command {
        /** Keeps an immutable copy. */
        public Reclaim {
            dataIds = List.copyOf(dataIds);
        }
    }

    private static SortedMap<String, String> sorted(Map<String, String> map) {
        return map == null ? new TreeMap<>() : new TreeMap<>(map);
    }

    private static void checkSuffix(String suffix) {
        if (suffix == null || suffix.length() != IdSource.SUFFIX_LENGTH) {
            throw new IllegalArgumentException("a version suffix has " + IdSource.SUFFIX_LENGTH + " characters");
        }
        for (int i = 0; i < suffix.length(); i++) {
            if (IdSource.ALPHABET.indexOf(suffix.charAt(i)) < 0) {
                throw new IllegalArgumentException("a version suffix has letters and digits only: " + suffix);
            }
        }
    }
}
