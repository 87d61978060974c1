package dev.granary.storage.rocksdb;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.StoredForm;
import dev.granary.storage.UploadListing;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.DataId;
import dev.granary.storage.command.IdSource;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Multipart uploads. An upload and its parts live in the partition of the object they will make, so
 * completion is one WriteBatch in one partition: the object's record gets one segment per listed part (no
 * byte is copied), the upload and part records go, and the data of unlisted parts and of the replaced
 * version is queued for reclamation.
 */
final class Multipart {
    private static final int MAX_PART_NUMBER = 10_000;
    /** Times a completion is tried while its parts keep being uploaded again under it. */
    private static final int COMPLETE_ATTEMPTS = 3;

    private final Partitions partitions;
    private final Buckets buckets;
    private final KeyLocks locks;
    private final BodyWriter bodies;
    private final Reclaimer reclaimer;
    private final IdSource ids;

    Multipart(
            Partitions partitions,
            Buckets buckets,
            KeyLocks locks,
            BodyWriter bodies,
            Reclaimer reclaimer,
            IdSource ids) {
        this.ids = ids;
        this.buckets = buckets;
        this.partitions = partitions;
        this.locks = locks;
        this.bodies = bodies;
        this.reclaimer = reclaimer;
    }

    MultipartUpload create(ObjectKey key, String owner, ObjectAttributes attributes) {
        Partition p = partitions.forObject(key);
        Command.CreateUpload command = new Command.CreateUpload(key, ids.uploadId(), owner, attributes, ids.millis());
        // Under the key's lock for its bucket check: the bucket cannot be deleted meanwhile.
        locks.withKey(key, () -> p.propose(command));
        return new UploadRecord(owner, command.initiatedMillis(), attributes).toUpload(key, command.uploadId());
    }

    MultipartUpload get(ObjectKey key, String uploadId) {
        return require(partitions.forObject(key), key, uploadId).toUpload(key, uploadId);
    }

    PartMeta uploadPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            InputStream body,
            long length,
            byte[] contentMd5,
            Map<String, String> checksums,
            StoredForm form,
            Map<String, String> system)
            throws IOException {
        if (partNumber < 1 || partNumber > MAX_PART_NUMBER) {
            throw new IllegalArgumentException("part number must be 1 to " + MAX_PART_NUMBER + ", not " + partNumber);
        }
        Partition p = partitions.forObject(key);
        require(p, key, uploadId); // fail before reading a body that could not be stored
        String what = "upload part " + partNumber + " of " + uploadId + " of " + key;
        BodyWriter.Written written = bodies.write(p, body, length, contentMd5, form, false, what);
        // The body has ended, so the caller's stream has filled the checksums it verified.
        Segment segment = written.segment();
        Command.PutPart command = new Command.PutPart(
                key,
                uploadId,
                partNumber,
                written.etag(),
                checksums == null ? null : new TreeMap<>(checksums),
                system == null ? null : new TreeMap<>(system),
                new Command.Stored(new DataId(segment.dataId()), segment.length(), segment.chunkSize(), segment.file()),
                ids.millis());
        PartitionService.Applied applied =
                BodyWriter.commit(p, written, what, () -> locks.withKey(key, () -> p.propose(command)));
        if (applied.leavesGarbage()) {
            reclaimer.wakeUp();
        }
        return new PartRecord(
                        partNumber,
                        written.etag(),
                        command.proposedMillis(),
                        command.checksums(),
                        segment,
                        command.system())
                .toMeta();
    }

    ObjectMeta complete(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            Map<String, String> checksums,
            String checksumType,
            Function<List<PartMeta>, Map<String, String>> system) {
        buckets.get(key.bucket()); // a bucket deleted meanwhile is no such bucket, not no such upload
        Partition p = partitions.forObject(key);
        String what = "complete upload " + uploadId + " of " + key;
        // Optimistic: the parts are read and the system properties chosen from them outside the key's lock; the
        // command carries the data ids it read and fails without a change if a part was uploaded again meanwhile.
        for (int attempt = 1; ; attempt++) {
            List<DataId> dataIds = new ArrayList<>();
            List<PartMeta> chosen = PartitionService.chosenParts(p, key, uploadId, parts, minPartSize, dataIds, what);
            Map<String, String> added = system.apply(chosen);
            Command.CompleteUpload command = new Command.CompleteUpload(
                    key,
                    uploadId,
                    parts,
                    dataIds,
                    minPartSize,
                    checksums == null ? null : new TreeMap<>(checksums),
                    checksumType,
                    added == null ? null : new TreeMap<>(added),
                    ids.millis(),
                    ids.micros(),
                    ids.versionSuffix());
            try {
                ObjectMeta meta =
                        locks.withKey(key, () -> p.propose(command).record().toMeta(key));
                reclaimer.wakeUp();
                return meta;
            } catch (PartitionService.PartsChanged e) {
                if (attempt == COMPLETE_ATTEMPTS) {
                    throw new StorageException(Reason.INVALID_PART, e.getMessage() + ", " + attempt + " times");
                }
            }
        }
    }

    /** The stored parts named by the request, checked in the order AWS checks them. */
    static List<PartRecord> choose(
            List<CompletedPart> parts, Map<Integer, PartRecord> stored, long minPartSize, String what) {
        if (parts == null || parts.isEmpty()) {
            throw new StorageException(Reason.INVALID_PART, what + ": no parts listed");
        }
        List<PartRecord> chosen = new ArrayList<>(parts.size());
        int previous = 0;
        for (CompletedPart requested : parts) {
            if (requested.partNumber() <= previous) {
                throw new StorageException(
                        Reason.INVALID_PART_ORDER,
                        what + ": part " + requested.partNumber() + " listed after part " + previous);
            }
            previous = requested.partNumber();
            PartRecord part = stored.get(requested.partNumber());
            if (part == null || !part.etag().equalsIgnoreCase(unquote(requested.etag()))) {
                throw new StorageException(
                        Reason.INVALID_PART,
                        what + ": part " + requested.partNumber()
                                + (part == null ? " was not uploaded" : " has another ETag"));
            }
            chosen.add(part);
        }
        for (int i = 0; i < chosen.size() - 1; i++) {
            if (chosen.get(i).segment().length() < minPartSize) {
                throw new StorageException(
                        Reason.ENTITY_TOO_SMALL,
                        what + ": part " + chosen.get(i).partNumber() + " is smaller than " + minPartSize
                                + " bytes and not the last");
            }
        }
        return chosen;
    }

    private static String unquote(String etag) {
        return etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")
                ? etag.substring(1, etag.length() - 1)
                : String.valueOf(etag);
    }

    void abort(ObjectKey key, String uploadId) {
        Partition p = partitions.forObject(key);
        locks.withKey(key, () -> p.propose(new Command.AbortUpload(key, uploadId)));
        reclaimer.wakeUp();
    }

    /**
     * Aborts every upload of the bucket. Runs under the bucket's exclusive lock (bucket deletion), so no other
     * commit on the bucket's keys runs meanwhile and the key locks are not needed.
     */
    void abortAll(String bucket) {
        for (Partition p : partitions.all()) {
            p.propose(new Command.AbortUploads(bucket));
        }
        reclaimer.wakeUp();
    }

    /**
     * Applies {@link Command.AbortUploads}: removes every upload of the bucket in the partition with its parts, in
     * one batch. Returns whether any part's data was queued for reclamation.
     */
    static boolean abortAllIn(Partition p, String bucket) {
        byte[] bucketPrefix = Keys.bucketPrefix(bucket);
        List<byte[]> uploadKeys = uploadKeys(p, bucketPrefix);
        if (uploadKeys.isEmpty()) {
            return false;
        }
        List<List<PartRecord>> parts = new ArrayList<>(uploadKeys.size());
        for (byte[] uploadKey : uploadKeys) {
            parts.add(readParts(p, uploadKey, 1, Integer.MAX_VALUE));
        }
        boolean garbage = parts.stream().anyMatch(list -> !list.isEmpty());
        p.commit("abort uploads of " + bucket, batch -> {
            for (int i = 0; i < uploadKeys.size(); i++) {
                List<PartRecord> uploadParts = parts.get(i);
                removeUpload(batch, p, uploadKeys.get(i), uploadParts);
                Stats.parts(batch, p, bucket, -partBytes(uploadParts), -uploadParts.size());
            }
        });
        return garbage;
    }

    private static List<byte[]> uploadKeys(Partition p, byte[] bucketPrefix) {
        List<byte[]> keys = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.UPLOADS, options)) {
            for (it.seek(bucketPrefix); it.isValid() && Keys.startsWith(it.key(), bucketPrefix); it.next()) {
                keys.add(it.key());
            }
            it.check("scan uploads");
        }
        return keys;
    }

    static long partBytes(Collection<PartRecord> parts) {
        long total = 0;
        for (PartRecord part : parts) {
            total += part.segment().length();
        }
        return total;
    }

    /** Adds to {@code batch}: the upload and all its part records go; the data of {@code garbage} is queued. */
    static void removeUpload(WriteBatch batch, Partition p, byte[] uploadKey, Collection<PartRecord> garbage)
            throws RocksDBException {
        batch.delete(p.cf(Cf.UPLOADS), uploadKey);
        byte[] partPrefix = Keys.partPrefix(uploadKey);
        batch.deleteRange(p.cf(Cf.PARTS), partPrefix, Keys.prefixSuccessor(partPrefix));
        for (PartRecord part : garbage) {
            Chunks.enqueueGc(batch, p, part.segment());
        }
    }

    /** Parts with numbers above the marker, at most {@code maxParts + 1} so the caller sees truncation. */
    List<PartMeta> listParts(ObjectKey key, String uploadId, int partNumberMarker, int maxParts) {
        Partition p = partitions.forObject(key);
        require(p, key, uploadId);
        byte[] uploadKey = Keys.uploadKey(key.bucket(), key.key(), uploadId);
        int from = Math.max(partNumberMarker, 0) + 1;
        if (maxParts < 0 || from > MAX_PART_NUMBER) {
            return List.of();
        }
        return readParts(p, uploadKey, from, maxParts + 1).stream()
                .map(PartRecord::toMeta)
                .toList();
    }

    /** Every part record of the upload, by number. */
    static Map<Integer, PartRecord> storedParts(Partition p, byte[] uploadKey) {
        Map<Integer, PartRecord> stored = new TreeMap<>();
        readParts(p, uploadKey, 1, Integer.MAX_VALUE).forEach(r -> stored.put(r.partNumber(), r));
        return stored;
    }

    /** Up to {@code limit} part records of the upload, from part number {@code from} on, by number. */
    static List<PartRecord> readParts(Partition p, byte[] uploadKey, int from, int limit) {
        byte[] prefix = Keys.partPrefix(uploadKey);
        List<PartRecord> parts = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.PARTS, options)) {
            for (it.seek(Keys.partKey(uploadKey, from));
                    it.isValid() && parts.size() < limit && Keys.startsWith(it.key(), prefix);
                    it.next()) {
                parts.add(PartRecord.decode(it.value(), "part " + Keys.partNumber(it.key())));
            }
            it.check("read parts");
        }
        return parts;
    }

    UploadListing listUploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads) {
        String safePrefix = prefix == null ? "" : prefix;
        String marker = keyMarker == null ? "" : keyMarker;
        byte[] bucketPrefix = Keys.bucketPrefix(bucket);
        byte[] lower = Keys.keyPrefix(bucket, safePrefix);
        byte[] from = lower;
        if (!marker.isEmpty()) {
            // With an upload id marker, continue after that upload of the key; without, after all of the key's
            // uploads: past every "bucket 0x00 key 0x00 ...".
            byte[] after = uploadIdMarker == null || uploadIdMarker.isEmpty()
                    ? Keys.prefixSuccessor(Keys.concat(Keys.objectKey(bucket, marker), new byte[] {Keys.SEPARATOR}))
                    : Keys.keySuccessor(Keys.uploadKey(bucket, marker, uploadIdMarker));
            from = Keys.max(lower, after);
        }
        try (MergedCursor cursor = new MergedCursor(partitions.all(), Cf.UPLOADS, lower, "list uploads of " + bucket)) {
            cursor.seek(from);
            Function<byte[], String> objectKeyOf =
                    raw -> Keys.decodeKey(raw, bucketPrefix.length, Keys.keyEnd(raw, bucketPrefix.length));
            PrefixListing listing =
                    new PrefixListing(cursor, bucketPrefix, safePrefix, delimiter, Keys.utf8(marker), objectKeyOf);
            PrefixListing.Page page = listing.page(maxUploads);
            List<MultipartUpload> uploads = new ArrayList<>();
            List<String> commonPrefixes = new ArrayList<>();
            for (PrefixListing.Entry entry : page.entries()) {
                if (entry.isPrefix()) {
                    commonPrefixes.add(entry.commonPrefix());
                } else {
                    byte[] raw = entry.rawKey();
                    String uploadId = Keys.string(raw, Keys.keyEnd(raw, bucketPrefix.length) + 1, raw.length);
                    ObjectKey key = new ObjectKey(bucket, entry.key());
                    uploads.add(UploadRecord.decode(entry.value(), "upload " + uploadId + " of " + key)
                            .toUpload(key, uploadId));
                }
            }
            if (!page.truncated()) {
                return new UploadListing(uploads, commonPrefixes, false, null, null);
            }
            PrefixListing.Entry last = page.entries().get(page.entries().size() - 1);
            String nextUploadId =
                    last.isPrefix() ? null : uploads.get(uploads.size() - 1).uploadId();
            return new UploadListing(uploads, commonPrefixes, true, last.name(), nextUploadId);
        }
    }

    static UploadRecord require(Partition p, ObjectKey key, String uploadId) {
        byte[] value = p.get(Cf.UPLOADS, Keys.uploadKey(key.bucket(), key.key(), uploadId), "read upload");
        if (value == null) {
            throw new StorageException(Reason.NO_SUCH_UPLOAD, "no upload " + uploadId + " of " + key);
        }
        return UploadRecord.decode(value, "upload " + uploadId + " of " + key);
    }
}
