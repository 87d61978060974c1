package dev.granary.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The storage SPI the protocol layer talks to. Implementations are thread-safe. Every mutation is atomic and
 * durable when the method returns: a reader sees the old state or the new one, never a mix, and an
 * acknowledged write survives a crash. Bodies are streamed: no method holds a whole object in memory.
 *
 * <p>Each new version of a key (a PUT, a completed upload, a copy, a delete marker) gets a modification time later
 * than the newest version the key had, even when the clock says otherwise, so that a version read earlier is told
 * apart from any that replaced it ({@link WriteCondition#sameVersion}).
 */
public interface ObjectStore extends AutoCloseable {

    /**
     * Creates a bucket.
     *
     * @throws StorageException {@code BUCKET_ALREADY_OWNED_BY_YOU} if {@code owner} has it,
     *     {@code BUCKET_ALREADY_EXISTS} if another account has it
     */
    BucketInfo createBucket(String bucket, String owner, String region);

    /** The bucket's record. @throws StorageException {@code NO_SUCH_BUCKET} */
    BucketInfo getBucket(String bucket);

    /**
     * Deletes an empty bucket, aborting its multipart uploads in progress.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code BUCKET_NOT_EMPTY}
     */
    void deleteBucket(String bucket);

    /**
     * Changes a bucket's versioning to {@link Versioning#ENABLED} or {@link Versioning#SUSPENDED} (a bucket
     * cannot return to unversioned). The objects the bucket holds from before become their keys' null versions.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     * @throws IllegalArgumentException for {@link Versioning#UNVERSIONED}
     */
    BucketInfo setVersioning(String bucket, Versioning state);

    /** All buckets, by name; {@code owner} null means every owner. */
    List<BucketInfo> listBuckets(String owner);

    /**
     * Stores {@code body} as the object at {@code key}, replacing any current one. Reads the body to its end,
     * then commits; if reading fails (the stream throws, or ends before {@code length} bytes) nothing is
     * committed and the exception propagates.
     *
     * @param length the exact number of bytes the body yields, or -1 if unknown
     * @param contentMd5 the MD5 the client declared (Content-MD5), or null; a mismatch fails with
     *     {@code BAD_DIGEST} and commits nothing
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code BAD_DIGEST}, {@code INCOMPLETE_BODY}
     * @throws IOException when reading the body fails
     */
    default ObjectMeta putObject(
            ObjectKey key, ObjectAttributes attributes, InputStream body, long length, byte[] contentMd5)
            throws IOException {
        return putObject(key, attributes, body, length, contentMd5, StoredForm.IDENTITY);
    }

    /**
     * Stores {@code body} as {@link #putObject(ObjectKey, ObjectAttributes, InputStream, long, byte[])} does, but
     * writes what {@code form} makes of it; the ETag and the Content-MD5 check are still of {@code body}.
     */
    default ObjectMeta putObject(
            ObjectKey key,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form)
            throws IOException {
        return putObject(key, attributes, body, length, contentMd5, form, WriteCondition.NONE);
    }

    /**
     * Stores {@code body} as above, only if {@code condition} allows the current version at the moment of the
     * commit (checked atomically with it); otherwise nothing is stored.
     *
     * @throws StorageException {@code PRECONDITION_FAILED} when the condition does not hold
     */
    ObjectMeta putObject(
            ObjectKey key,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            WriteCondition condition)
            throws IOException;

    /**
     * Appends {@code body} at the end of the appendable object at {@code key}, or makes one of it when {@code
     * position} is 0 and there is none (Alibaba Cloud OSS's AppendObject). Reads the body to its end, then commits;
     * the appended bytes are stored once and become part of the object without a copy.
     *
     * @param position the object's current length, 0 to make it
     * @param attributes the object's attributes when the append makes it (ignored otherwise)
     * @param length the exact number of bytes the body yields, or -1 if unknown
     * @param contentMd5 the MD5 the client declared for the appended bytes, or null
     * @param checksums given the object appended to (null when the append makes it) and the number of bytes appended,
     *     the object's checksums after the append; called once the body has ended, and the append fails if that
     *     object changed meanwhile
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code POSITION_NOT_EQUAL_TO_LENGTH}, {@code
     *     OBJECT_NOT_APPENDABLE}, {@code BAD_DIGEST}, {@code INCOMPLETE_BODY}
     * @throws IOException when reading the body fails
     */
    ObjectMeta appendObject(
            ObjectKey key,
            long position,
            ObjectAttributes attributes,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            BiFunction<ObjectMeta, Long, Map<String, String>> checksums)
            throws IOException;

    /** The object's metadata. @throws StorageException {@code NO_SUCH_BUCKET}, {@code NO_SUCH_KEY} */
    default ObjectMeta headObject(ObjectKey key) {
        return headObject(key, null);
    }

    /**
     * The metadata of a version of the object: the current one when {@code versionId} is null.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code NO_SUCH_KEY}, {@code NO_SUCH_VERSION},
     *     {@code INVALID_VERSION_ID}, {@code DELETE_MARKER} (the version, or the current one, is a delete marker)
     */
    ObjectMeta headObject(ObjectKey key, String versionId);

    /**
     * Opens the bytes {@code [offset, offset + length)} of the object; the caller has checked them against the
     * object's size (use {@link #headObject} or pass {@code length} -1 for "to the end").
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code NO_SUCH_KEY}
     */
    default ObjectContent getObject(ObjectKey key, long offset, long length) {
        return getObject(key, null, offset, length);
    }

    /** Opens bytes of a version of the object; errors as {@link #headObject(ObjectKey, String)}. */
    ObjectContent getObject(ObjectKey key, String versionId, long offset, long length);

    /**
     * The whole object when its bytes are already in memory once its metadata is read (a small object kept inside
     * its record): then nothing here blocks on a lock or reads data from disk, so a caller that must not block
     * (an I/O thread) may use it. Empty when the object would have to be opened with {@link #getObject}.
     *
     * @throws StorageException as {@link #headObject(ObjectKey, String)}
     */
    default Optional<ObjectContent> getObjectIfInMemory(ObjectKey key, String versionId) {
        return Optional.empty();
    }

    /**
     * Replaces only the attributes of an object whose ETag is {@code expectedEtag} (a same-object copy with
     * metadata REPLACE, or a change of tags); the data stays. Last-Modified stays too when only the tags
     * change.
     *
     * @throws StorageException {@code NO_SUCH_KEY} also when the ETag changed meanwhile
     */
    default ObjectMeta replaceAttributes(ObjectKey key, String expectedEtag, ObjectAttributes attributes) {
        return replaceAttributes(key, null, expectedEtag, attributes);
    }

    /**
     * Replaces the attributes of a version (the current one when {@code versionId} is null) in place, as
     * {@link #replaceAttributes(ObjectKey, String, ObjectAttributes)}; a version keeps its id. (A same-object copy
     * in a versioned bucket is a new version: use {@link #putObject} for it.)
     */
    ObjectMeta replaceAttributes(ObjectKey key, String versionId, String expectedEtag, ObjectAttributes attributes);

    /**
     * Deletes the object as S3 does in the bucket's versioning state: in a versioned bucket, a delete marker
     * becomes the current version (replacing the null version when versioning is suspended); otherwise the
     * object goes. Deleting a missing key succeeds. @throws StorageException {@code NO_SUCH_BUCKET}
     */
    default DeleteResult deleteObject(ObjectKey key) {
        return deleteObject(key, null);
    }

    /**
     * Deletes the object ({@code versionId} null, as above) or removes one version of it for good: its data is
     * freed and, if it was the newest, the next newest becomes current. Removing a missing version succeeds.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code INVALID_VERSION_ID}
     */
    default DeleteResult deleteObject(ObjectKey key, String versionId) {
        return deleteObject(key, versionId, WriteCondition.NONE);
    }

    /**
     * Deletes as {@link #deleteObject(ObjectKey, String)} does, only if {@code condition} allows the version the
     * delete acts on at the moment of the commit (checked under the key's lock, atomically with it); otherwise
     * nothing changes. That version is the current one when {@code versionId} is null (null when the key has none,
     * or a delete marker is current), else the version {@code versionId}, a delete marker included (null when there
     * is no such version).
     *
     * @throws StorageException {@code PRECONDITION_FAILED} when the condition does not hold, and as above
     */
    DeleteResult deleteObject(ObjectKey key, String versionId, WriteCondition condition);

    /** One page of the bucket's objects. @throws StorageException {@code NO_SUCH_BUCKET} */
    ListPage listObjects(String bucket, ListQuery query);

    /**
     * One page of the bucket's versions and delete markers, by key and newest first within a key, after the
     * version {@code versionIdMarker} of {@code keyMarker} (or after every version of {@code keyMarker} when
     * there is no version id marker).
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}, {@code INVALID_VERSION_ID}
     */
    VersionPage listVersions(
            String bucket, String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys);

    // ---- bucket configuration documents ----

    /**
     * A bucket's configuration document of that name (e.g. {@code cors}, {@code policy}, {@code lifecycle}), as
     * stored by {@link #putBucketConfig}. Documents are opaque bytes to the store and go with their bucket.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     */
    Optional<byte[]> getBucketConfig(String bucket, String name);

    /**
     * Stores (replacing) a bucket's configuration document durably; it is deleted with the bucket.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     */
    void putBucketConfig(String bucket, String name, byte[] document);

    /** Deletes a bucket's configuration document; deleting a missing one succeeds. @throws StorageException {@code NO_SUCH_BUCKET} */
    void deleteBucketConfig(String bucket, String name);

    /** Whether the bucket holds no objects. */
    boolean isEmpty(String bucket);

    // ---- multipart ----

    /** Starts an upload. @throws StorageException {@code NO_SUCH_BUCKET} */
    MultipartUpload createUpload(ObjectKey key, String owner, ObjectAttributes attributes);

    /** The upload's record. @throws StorageException {@code NO_SUCH_UPLOAD} */
    MultipartUpload getUpload(ObjectKey key, String uploadId);

    /**
     * Stores a part, replacing a part of the same number. Same reading rules as {@link #putObject}.
     *
     * @param checksums filled by the caller's stream at the end of the body, as in {@link ObjectAttributes}
     * @throws StorageException {@code NO_SUCH_UPLOAD}, {@code BAD_DIGEST}, {@code INCOMPLETE_BODY}
     */
    default PartMeta uploadPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            InputStream body,
            long length,
            byte[] contentMd5,
            java.util.Map<String, String> checksums)
            throws IOException {
        return uploadPart(key, uploadId, partNumber, body, length, contentMd5, checksums, StoredForm.IDENTITY);
    }

    /** Stores a part as above, writing what {@code form} makes of the body (see {@link StoredForm}). */
    default PartMeta uploadPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            InputStream body,
            long length,
            byte[] contentMd5,
            java.util.Map<String, String> checksums,
            StoredForm form)
            throws IOException {
        return uploadPart(key, uploadId, partNumber, body, length, contentMd5, checksums, form, java.util.Map.of());
    }

    /**
     * Stores a part as above, writing what {@code form} makes of the body, with
     * {@code system}: the caller's properties of this very part (e.g. the IV its body was encrypted under), kept
     * with it, replaced with it, and handed back at completion (see {@link #completeUpload(ObjectKey, String, List,
     * long, java.util.Map, String, java.util.function.Function)}).
     */
    PartMeta uploadPart(
            ObjectKey key,
            String uploadId,
            int partNumber,
            InputStream body,
            long length,
            byte[] contentMd5,
            java.util.Map<String, String> checksums,
            StoredForm form,
            java.util.Map<String, String> system)
            throws IOException;

    /**
     * Completes an upload: the listed parts, in order, become the object's content without copying bytes.
     * Parts not listed are discarded.
     *
     * @param minPartSize every part but the last must be at least this large
     * @param checksums the object-level checksums to store (composite or full-object), may be empty
     * @throws StorageException {@code NO_SUCH_UPLOAD}, {@code INVALID_PART} (missing part or ETag mismatch),
     *     {@code INVALID_PART_ORDER}, {@code ENTITY_TOO_SMALL}
     */
    default ObjectMeta completeUpload(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            java.util.Map<String, String> checksums,
            String checksumType) {
        return completeUpload(key, uploadId, parts, minPartSize, checksums, checksumType, java.util.Map.of());
    }

    /**
     * Completes an upload as above; {@code system} adds to (or replaces) the upload's system properties in the
     * object's attributes (what the caller decided about the object at completion).
     */
    default ObjectMeta completeUpload(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            java.util.Map<String, String> checksums,
            String checksumType,
            java.util.Map<String, String> system) {
        return completeUpload(key, uploadId, parts, minPartSize, checksums, checksumType, chosen -> system);
    }

    /**
     * Completes an upload as above; {@code system} is given the parts the object is made of, exactly as stored
     * (in order, with the properties each was uploaded with), and what it returns adds to (or replaces) the
     * upload's system properties in the object's attributes. It is called under the commit's lock, so a part
     * uploaded again concurrently cannot slip between what it saw and what the object links.
     */
    ObjectMeta completeUpload(
            ObjectKey key,
            String uploadId,
            List<CompletedPart> parts,
            long minPartSize,
            java.util.Map<String, String> checksums,
            String checksumType,
            java.util.function.Function<List<PartMeta>, java.util.Map<String, String>> system);

    /** Aborts an upload and discards its parts. @throws StorageException {@code NO_SUCH_UPLOAD} */
    void abortUpload(ObjectKey key, String uploadId);

    /**
     * The upload's parts with numbers above {@code partNumberMarker}, by number: at most {@code maxParts + 1},
     * the one more than asked telling the caller that the list is truncated (it shows only {@code maxParts}).
     *
     * @throws StorageException {@code NO_SUCH_UPLOAD}
     */
    List<PartMeta> listParts(ObjectKey key, String uploadId, int partNumberMarker, int maxParts);

    /**
     * One page of the bucket's uploads in progress, ordered by key then upload id, after
     * ({@code keyMarker}, {@code uploadIdMarker}): with an upload id marker, uploads of {@code keyMarker} with
     * larger ids follow; without one, listing starts after all uploads of {@code keyMarker}.
     *
     * @throws StorageException {@code NO_SUCH_BUCKET}
     */
    UploadListing listUploads(
            String bucket, String prefix, String delimiter, String keyMarker, String uploadIdMarker, int maxUploads);

    /**
     * Waits until this store holds every write acknowledged anywhere before the call that a request on {@code key}
     * of {@code bucket} (or, with a null key, on the bucket as a whole; with a null bucket, on all buckets) can read:
     * the read barrier of a store that is one of several serving the same data. A standalone store holds every write
     * already and returns at once.
     *
     * @throws StorageException {@code UNAVAILABLE} when the store cannot tell (its replicas are cut off)
     */
    default void awaitCurrent(String bucket, String key) {
        StorageException.join(current(bucket, key));
    }

    /**
     * {@link #awaitCurrent} without waiting: completes when the store holds those writes (a standalone store: at
     * once), or fails with the {@link StorageException} {@code awaitCurrent} would throw.
     */
    default CompletableFuture<Void> current(String bucket, String key) {
        return CompletableFuture.completedFuture(null);
    }

    /**
     * {@link #current} for a write to an object of {@code bucket} whose outcome the store decides where it applies
     * the write (an unconditional PutObject: the version, the versioning state and the bucket's existence are
     * those where it is applied): only the bucket's own records (its existence and configuration documents, which
     * the request reads first) need to be current, not the object's.
     */
    default CompletableFuture<Void> currentBucket(String bucket) {
        return current(bucket, null);
    }

    /** Whether {@link #awaitCurrent} may wait (on the network): callers then keep it off threads that must not block. */
    default boolean hasReadBarrier() {
        return false;
    }

    /** Closes the store: waits for background work and closes every partition cleanly. */
    @Override
    void close();
}
