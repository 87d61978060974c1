package dev.granary.storage.rocksdb;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.PartMeta;
import dev.granary.storage.StorageException;
import dev.granary.storage.StorageException.Reason;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.DataId;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;

/**
 * The one writer of a partition's object state: applies a {@link Command} by reading only the command and the
 * partition, so that the same commands in the same order leave any two partitions equal ({@link #digest}). It
 * checks the command's conditions against the state it acts on and commits all of the command's writes in one
 * synced batch; a command that is refused throws the {@link StorageException} the store throws today and writes
 * nothing.
 *
 * <p>Object commands learn whether their bucket exists, and its versioning state, only from the partition's
 * {@link BucketView}, written by the bucket commands in the same order as they are. Until the seal protocol, the
 * caller still holds the key's lock, which keeps the bucket from being deleted or changed meanwhile.
 */
final class PartitionService {
    private final Partition p;

    PartitionService(Partition p) {
        this.p = Objects.requireNonNull(p, "p");
    }

    /**
     * What a command did.
     *
     * @param record the version or delete marker written, or the version removed (object commands); else null
     * @param leavesGarbage whether it queued data for reclamation
     */
    record Applied(ObjectRecord record, boolean leavesGarbage) {
        static final Applied NOTHING = new Applied(null, false);
    }

    /**
     * A {@link Command.CompleteUpload} found a chosen part's data id other than the one its proposer read: the part
     * was uploaded again meanwhile, so the system properties the proposer chose may be stale. Nothing was written;
     * the proposer reads the parts again and retries.
     */
    static final class PartsChanged extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PartsChanged(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Applies {@code command}.
     *
     * @throws StorageException when the command is refused (nothing is written) or the write fails; {@code
     *     NO_SUCH_BUCKET} for a command on an object or a new upload of a bucket the partition has no view of
     */
    Applied apply(Command command) {
        if (command instanceof Command.PutObject c) {
            return putObject(c, versioning(c.key()));
        } else if (command instanceof Command.AppendObject c) {
            return appendObject(c, versioning(c.key()));
        } else if (command instanceof Command.DeleteObject c) {
            return deleteObject(c, versioning(c.key()));
        } else if (command instanceof Command.ReplaceAttributes c) {
            return replaceAttributes(c, versioning(c.key()));
        } else if (command instanceof Command.CreateUpload c) {
            versioning(c.key());
            UploadRecord upload = new UploadRecord(c.owner(), c.initiatedMillis(), c.attributes());
            byte[] uploadKey = Keys.uploadKey(c.key().bucket(), c.key().key(), c.uploadId());
            p.commit("create upload of " + c.key(), batch -> batch.put(p.cf(Cf.UPLOADS), uploadKey, upload.encode()));
            return Applied.NOTHING;
        } else if (command instanceof Command.PutPart c) {
            return putPart(c);
        } else if (command instanceof Command.CompleteUpload c) {
            return completeUpload(c, versioning(c.key()));
        } else if (command instanceof Command.AbortUpload c) {
            ObjectKey key = c.key();
            byte[] uploadKey = Keys.uploadKey(key.bucket(), key.key(), c.uploadId());
            Multipart.require(p, key, c.uploadId());
            List<PartRecord> parts = Multipart.readParts(p, uploadKey, 1, Integer.MAX_VALUE);
            p.commit("abort upload " + c.uploadId() + " of " + key, batch -> {
                Multipart.removeUpload(batch, p, uploadKey, parts);
                Stats.parts(batch, p, key.bucket(), -Multipart.partBytes(parts), -parts.size());
            });
            return new Applied(null, !parts.isEmpty());
        } else if (command instanceof Command.MarkPending c) {
            // The marker's value stays empty, as in folders written before commands: only its key is read.
            p.commit(
                    "mark " + c.dataId() + " pending",
                    batch -> Chunks.markPending(batch, p, c.dataId().bytes()));
            return Applied.NOTHING;
        } else if (command instanceof Command.PutBucketView c) {
            BucketView stored = BucketView.read(p, c.bucket());
            if (stored == null || stored.versioningEpoch() < c.versioningEpoch()) {
                BucketView view = new BucketView(c.incarnation(), c.versioning(), c.versioningEpoch());
                p.commit(
                        "put the view of bucket " + c.bucket(),
                        batch -> batch.put(p.cf(Cf.BUCKET_VIEW), Keys.utf8(c.bucket()), view.encode()));
            }
            return Applied.NOTHING;
        } else if (command instanceof Command.DropBucketView c) {
            BucketView stored = BucketView.read(p, c.bucket());
            if (stored != null && stored.incarnation() == c.incarnation()) {
                p.commit(
                        "drop the view of bucket " + c.bucket(),
                        batch -> batch.delete(p.cf(Cf.BUCKET_VIEW), Keys.utf8(c.bucket())));
            }
            return Applied.NOTHING;
        } else if (command instanceof Command.WriteChunk c) {
            // Unsynced: the command that claims the chunks (or, standalone, the synced commit after them) makes
            // them durable, and until one does they are garbage anyway.
            byte[] id = c.dataId().bytes();
            p.write("write chunk " + c.index() + " of " + c.dataId(), batch -> {
                if (c.index() == 0) {
                    Chunks.markPending(batch, p, id);
                }
                Chunks.putChunk(batch, p, id, c.index(), c.value());
            });
            return Applied.NOTHING;
        } else if (command instanceof Command.WriteFileChunk c) {
            // Under a log, the replica wrote the bytes beside it before the entry was committed, and the log's form of
            // the entry has none; a chunk applied with its bytes (a replica driven directly) is written here.
            if (c.value() != null) {
                p.files().writeChunk(c.dataId().bytes(), c.index(), c.chunkSize(), ByteBuffer.wrap(c.value()));
            }
            return Applied.NOTHING;
        } else if (command instanceof Command.DiscardData c) {
            byte[] id = c.dataId().bytes();
            p.write("discard " + c.dataId(), batch -> {
                Chunks.deleteChunks(batch, p, id);
                Chunks.clearPending(batch, p, id);
            });
            if (p.filesBesideLog()) {
                p.deleteFilesOnceUnread(List.of(id));
            }
            return Applied.NOTHING;
        } else if (command instanceof Command.WriteRecords c) {
            return writeRecords(c);
        } else if (command instanceof Command.KeepNullVersion c) {
            Versions.migrate(p, c.key());
            return Applied.NOTHING;
        } else if (command instanceof Command.AbortUploads c) {
            return new Applied(null, Multipart.abortAllIn(p, c.bucket()));
        } else if (command instanceof Command.Reclaim c) {
            List<byte[]> queued = new ArrayList<>();
            for (DataId id : c.dataIds()) {
                if (p.get(Cf.GC, id.bytes(), "read reclamation queue") != null) {
                    queued.add(id.bytes());
                }
            }
            if (!queued.isEmpty()) {
                // Unsynced, as before commands: losing it to a crash only leaves the ids queued for the next pass.
                p.write("reclaim data", batch -> {
                    for (byte[] id : queued) {
                        Chunks.deleteChunks(batch, p, id);
                        batch.delete(p.cf(Cf.GC), id);
                    }
                });
                if (p.filesBesideLog()) {
                    p.deleteFilesOnceUnread(queued); // every replica deletes its own files
                }
            }
            return Applied.NOTHING;
        } else if (command instanceof Command.CorrectUsage c) {
            p.commit("correct usage of " + c.bucket(), batch -> {
                for (int i = 0; i < c.deltas().size(); i++) {
                    Stats.add(batch, p, c.bucket(), i, c.deltas().get(i));
                }
            });
            return Applied.NOTHING;
        }
        throw new IllegalArgumentException("not a partition command: " + command);
    }

    private Applied writeRecords(Command.WriteRecords c) {
        for (Command.SmallRecord expected : c.expected()) {
            Cf cf = cf(expected.table());
            byte[] actual = p.get(cf, expected.key(), "read " + cf + " record");
            if (!Arrays.equals(actual, expected.value())) {
                throw new StorageException(
                        Reason.PRECONDITION_FAILED, "a record of " + cf + " is not as the write expected");
            }
        }
        p.commit("write small records", batch -> {
            for (Command.SmallRecord prefix : c.deletedPrefixes()) {
                batch.deleteRange(p.cf(cf(prefix.table())), prefix.key(), Keys.prefixSuccessor(prefix.key()));
            }
            for (Command.SmallRecord write : c.writes()) {
                if (write.value() == null) {
                    batch.delete(p.cf(cf(write.table())), write.key());
                } else {
                    batch.put(p.cf(cf(write.table())), write.key(), write.value());
                }
            }
        });
        p.recordsWritten(c);
        return Applied.NOTHING;
    }

    private static Cf cf(Command.RecordTable table) {
        return switch (table) {
            case SYSTEM -> Cf.SYSTEM;
            case BUCKETS -> Cf.BUCKETS;
            case BUCKET_CONFIG -> Cf.BUCKET_CONFIG;
        };
    }

    /** The versioning state of the key's bucket, from this partition's view of it. */
    private Versioning versioning(ObjectKey key) {
        BucketView view = BucketView.read(p, key.bucket());
        if (view == null) {
            throw new StorageException(
                    Reason.NO_SUCH_BUCKET, "no bucket " + key.bucket() + " in partition " + p.index());
        }
        return view.versioning();
    }

    private Applied putObject(Command.PutObject c, Versioning versioning) {
        ObjectKey key = c.key();
        String what = "put " + key;
        if (!(c.condition() instanceof WriteCondition.None)) {
            checkCondition(c.condition(), Versions.read(p, key), key, what);
        }
        Segment segment = null;
        byte[] inline = null;
        if (c.body() instanceof Command.Stored stored) {
            segment = segment(stored);
            requirePending(stored, what);
        } else {
            inline = ((Command.Inline) c.body()).bytes();
        }
        ObjectRecord next = new ObjectRecord(
                c.body().length(),
                c.etag(),
                c.proposedMillis(),
                c.attributes(),
                false,
                inline,
                segment == null ? List.of() : List.of(segment));
        Versions.Change change = Versions.put(p, key, versioning, next, c.proposedMicros(), c.versionSuffix());
        Segment written = segment;
        p.commit(what, batch -> {
            change.writes().addTo(batch);
            if (written != null) {
                Chunks.clearPending(batch, p, written.dataId());
            }
        });
        return new Applied(change.result(), change.leavesGarbage());
    }

    /**
     * An append: the bytes become the object's next segment (no byte copied). It makes the object when there is none
     * (a new version in a versioned bucket), and otherwise changes the current version in place, never sharing a
     * segment between two records (which would free it twice).
     */
    private Applied appendObject(Command.AppendObject c, Versioning versioning) {
        ObjectKey key = c.key();
        String what = "append to " + key + " at " + c.position();
        Segment segment = segment(c.body());
        requirePending(c.body(), what);
        ObjectRecord current = Versions.read(p, key);
        if (current != null && !current.toMeta(key).appendable()) {
            throw new StorageException(Reason.OBJECT_NOT_APPENDABLE, what + ": the object is not appendable");
        }
        long length = current == null ? 0 : current.size();
        if (c.position() != length || !Objects.equals(c.expectedEtag(), current == null ? null : current.etag())) {
            throw new StorageException(
                    Reason.POSITION_NOT_EQUAL_TO_LENGTH,
                    what + ": the object is " + length + " bytes long" + (current == null ? " (none)" : ""));
        }
        if (current == null) {
            TreeMap<String, String> system = new TreeMap<>(c.attributes().system());
            system.put(ObjectMeta.APPENDABLE, "true");
            ObjectRecord made = new ObjectRecord(
                    segment.length(),
                    c.etag(),
                    c.proposedMillis(),
                    c.attributes().withSystem(system),
                    false,
                    null,
                    List.of(segment));
            Versions.Change change = Versions.put(p, key, versioning, made, c.proposedMicros(), c.versionSuffix());
            p.commit(what, batch -> {
                change.writes().addTo(batch);
                Chunks.clearPending(batch, p, segment.dataId());
            });
            return new Applied(change.result(), change.leavesGarbage());
        }
        List<Segment> segments = new ArrayList<>(current.segments());
        segments.add(segment);
        // Not an MD5 of the content (as with multipart): a digest chained over the appends, "-N" for N of them.
        MessageDigest chained = BodyWriter.md5();
        String previous = current.etag();
        int dash = previous.indexOf('-');
        chained.update(HexFormat.of().parseHex(dash < 0 ? previous : previous.substring(0, dash)));
        chained.update(HexFormat.of().parseHex(c.etag()));
        ObjectRecord next = new ObjectRecord(
                length + segment.length(),
                HexFormat.of().formatHex(chained.digest()) + "-" + segments.size(),
                Math.max(c.proposedMillis(), current.lastModified() + 1),
                current.attributes().withChecksums(new TreeMap<>(c.attributes().checksums()), null),
                false,
                null,
                List.copyOf(segments),
                current.versionId(),
                current.nullVersion(),
                false);
        p.commit(what, batch -> {
            Versions.rewrite(batch, p, key, next, true);
            Stats.add(batch, p, key.bucket(), Stats.BYTES, segment.length());
            Chunks.clearPending(batch, p, segment.dataId());
        });
        return new Applied(next, false);
    }

    private Applied deleteObject(Command.DeleteObject c, Versioning versioning) {
        ObjectKey key = c.key();
        String versionId = c.versionId();
        String what = "delete " + key + (versionId == null ? "" : " version " + versionId);
        if (!(c.condition() instanceof WriteCondition.None)) {
            checkCondition(c.condition(), Versions.target(p, key, versioning, versionId), key, what);
        }
        Versions.Change change = versionId == null
                ? Versions.deleteCurrent(p, key, versioning, c.proposedMillis(), c.proposedMicros(), c.versionSuffix())
                : Versions.deleteVersion(p, key, versioning, versionId);
        if (change.result() != null) {
            p.commit(what, change.writes()::addTo);
        }
        return new Applied(change.result(), change.leavesGarbage());
    }

    private Applied replaceAttributes(Command.ReplaceAttributes c, Versioning versioning) {
        ObjectKey key = c.key();
        ObjectRecord current = Versions.read(p, key);
        ObjectRecord target;
        try (ReadOptions options = new ReadOptions()) {
            target = Versions.find(p, options, key, versioning, c.versionId());
        } catch (StorageException e) {
            if (e.reason() == Reason.DELETE_MARKER || e.reason() == Reason.NO_SUCH_VERSION) {
                throw new StorageException(Reason.NO_SUCH_KEY, "no object " + key + " with ETag " + c.expectedEtag());
            }
            throw e;
        }
        if (!target.etag().equals(c.expectedEtag())) {
            throw new StorageException(Reason.NO_SUCH_KEY, "no object " + key + " with ETag " + c.expectedEtag());
        }
        // Same data, so nothing to reclaim: only the record changes. A change of tags or of system properties (an
        // ACL) alone is not a modification of the object (as in S3, tagging keeps Last-Modified).
        ObjectAttributes attributes = c.attributes();
        boolean onlyTags = attributes
                .withTags(target.attributes().tags())
                .withSystem(target.attributes().system())
                .equals(target.attributes());
        ObjectRecord next = target.withAttributes(attributes, onlyTags ? target.lastModified() : c.proposedMillis());
        boolean isCurrent = current != null && Objects.equals(current.versionId(), target.versionId());
        p.commit("replace attributes of " + key, batch -> Versions.rewrite(batch, p, key, next, isCurrent));
        return new Applied(next, false);
    }

    private Applied putPart(Command.PutPart c) {
        ObjectKey key = c.key();
        String what = "upload part " + c.partNumber() + " of " + c.uploadId() + " of " + key;
        Multipart.require(p, key, c.uploadId()); // aborted or completed while the body streamed?
        Segment segment = segment(c.body());
        requirePending(c.body(), what);
        PartRecord part =
                new PartRecord(c.partNumber(), c.etag(), c.proposedMillis(), c.checksums(), segment, c.system());
        byte[] partKey = Keys.partKey(Keys.uploadKey(key.bucket(), key.key(), c.uploadId()), c.partNumber());
        byte[] oldValue = p.get(Cf.PARTS, partKey, "read " + what);
        PartRecord old = oldValue == null ? null : PartRecord.decode(oldValue, what);
        p.commit(what, batch -> {
            batch.put(p.cf(Cf.PARTS), partKey, part.encode());
            Chunks.clearPending(batch, p, segment.dataId());
            if (old != null) {
                Chunks.enqueueGc(batch, p, old.segment());
            }
            Stats.parts(
                    batch,
                    p,
                    key.bucket(),
                    segment.length() - (old == null ? 0 : old.segment().length()),
                    old == null ? 1 : 0);
        });
        return new Applied(null, old != null);
    }

    private Applied completeUpload(Command.CompleteUpload c, Versioning versioning) {
        ObjectKey key = c.key();
        String what = "complete upload " + c.uploadId() + " of " + key;
        byte[] uploadKey = Keys.uploadKey(key.bucket(), key.key(), c.uploadId());
        UploadRecord upload = Multipart.require(p, key, c.uploadId());
        Map<Integer, PartRecord> stored = Multipart.storedParts(p, uploadKey);
        List<PartRecord> chosen = Multipart.choose(c.parts(), stored, c.minPartSize(), what);
        for (int i = 0; i < chosen.size(); i++) {
            DataId expected = c.expectedDataIds().get(i);
            if (!expected.equals(new DataId(chosen.get(i).segment().dataId()))) {
                throw new PartsChanged(what + ": part " + chosen.get(i).partNumber() + " was uploaded again");
            }
        }
        long storedBytes = Multipart.partBytes(stored.values());
        int storedCount = stored.size();
        MessageDigest md5s = BodyWriter.md5();
        List<Segment> segments = new ArrayList<>();
        long size = 0;
        for (PartRecord part : chosen) {
            md5s.update(HexFormat.of().parseHex(part.etag()));
            segments.add(part.segment());
            size += part.segment().length();
            stored.remove(part.partNumber());
        }
        // AWS's multipart ETag: MD5 of the concatenated binary part MD5s, then "-" and the part count.
        String etag = HexFormat.of().formatHex(md5s.digest()) + "-" + chosen.size();
        ObjectAttributes attributes = upload.attributes()
                .withChecksums(c.checksums() == null ? Map.of() : new TreeMap<>(c.checksums()), c.checksumType());
        if (!c.systemAdded().isEmpty()) {
            TreeMap<String, String> merged = new TreeMap<>(attributes.system());
            merged.putAll(c.systemAdded());
            attributes = attributes.withSystem(merged);
        }
        ObjectRecord next =
                new ObjectRecord(size, etag, c.proposedMillis(), attributes, true, null, List.copyOf(segments));
        Versions.Change change = Versions.put(p, key, versioning, next, c.proposedMicros(), c.versionSuffix());
        p.commit(what, batch -> {
            change.writes().addTo(batch);
            Multipart.removeUpload(batch, p, uploadKey, stored.values()); // what is left in stored was not listed
            Stats.parts(batch, p, key.bucket(), -storedBytes, -storedCount); // all parts stop being parts
        });
        return new Applied(change.result(), true);
    }

    /**
     * The parts a proposer of {@link Command.CompleteUpload} reads: the listed ones, checked as apply checks them;
     * their data ids are added to {@code dataIds}.
     */
    static List<PartMeta> chosenParts(
            Partition p,
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            List<DataId> dataIds,
            String what) {
        byte[] uploadKey = Keys.uploadKey(key.bucket(), key.key(), uploadId);
        Multipart.require(p, key, uploadId);
        List<PartRecord> chosen = Multipart.choose(parts, Multipart.storedParts(p, uploadKey), minPartSize, what);
        List<PartMeta> metas = new ArrayList<>(chosen.size());
        for (PartRecord part : chosen) {
            dataIds.add(new DataId(part.segment().dataId()));
            metas.add(part.toMeta());
        }
        return metas;
    }

    private static Segment segment(Command.Stored body) {
        return new Segment(body.dataId().bytes(), body.length(), body.chunkSize(), body.file());
    }

    private static void checkCondition(WriteCondition condition, ObjectRecord acted, ObjectKey key, String what) {
        if (!condition.allows(acted == null ? null : acted.toMeta(key))) {
            throw new StorageException(Reason.PRECONDITION_FAILED, "the condition of " + what + " failed");
        }
    }

    /**
     * A stored body's data must still be pending: written before the command and claimed by nothing else. Without
     * its marker it was abandoned (in a cluster, by a command that reclaims stale pending data), and committing a
     * record that points to it would make an object whose data may be gone. An empty body has neither chunks nor
     * marker.
     */
    private void requirePending(Command.Stored body, String what) {
        DataId dataId = body.dataId();
        if (body.length() == 0) {
            return; // an empty body wrote no chunk, so it has no marker either: nothing of it can be lost
        }
        if (p.get(Cf.PENDING, dataId.bytes(), what + ": read pending marker") == null) {
            // A refusal every replica computes alike (an IO failure would stop the replica): the client sends the
            // body again (503 is retried).
            throw new StorageException(
                    Reason.UNAVAILABLE, what + ": data " + dataId + " was abandoned before its commit; send it again");
        }
    }

    /**
     * SHA-256 over every column family's keys and values, in column-family and key order: equal for partitions in
     * equal states.
     */
    String digest() {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        for (Cf cf : Cf.values()) {
            sha256.update(cf.nameBytes());
            try (ReadOptions options = new ReadOptions();
                    Partition.Cursor it = p.iterator(cf, options)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    update(sha256, it.key());
                    update(sha256, it.value());
                }
                it.check("digest " + cf);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static void update(MessageDigest digest, byte[] bytes) {
        digest.update((byte) (bytes.length >>> 24));
        digest.update((byte) (bytes.length >>> 16));
        digest.update((byte) (bytes.length >>> 8));
        digest.update((byte) bytes.length);
        digest.update(bytes);
    }
}
