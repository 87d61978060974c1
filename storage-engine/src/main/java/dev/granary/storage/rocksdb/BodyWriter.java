package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.StoredForm;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * Streams a request body into a partition's {@code data} column family, the shared first half of putObject and
 * uploadPart. Memory is one chunk buffer. Nothing written here is visible until the caller commits a record
 * that points to it; until then the data id is marked {@code pending}, so a crash leaves only garbage that
 * recovery reclaims, and a failure here deletes what was written before it propagates.
 */
final class BodyWriter {
    /** Bodies of at least this many bytes are written without the WAL (see {@link #write}). */
    static final long BULK_THRESHOLD = 8L << 20;

    private final int chunkSize;
    private final int inlineThreshold;

    BodyWriter(int chunkSize, int inlineThreshold) {
        this.chunkSize = chunkSize;
        this.inlineThreshold = inlineThreshold;
    }

    /**
     * A body read to its end and written, not yet committed.
     *
     * @param size number of bytes
     * @param md5 binary MD5 of the bytes
     * @param inline the bytes, for a small body kept in the record; else null
     * @param segment where the chunks are when not inline; else null
     */
    record Written(long size, byte[] md5, byte[] inline, Segment segment) {
        String etag() {
            return HexFormat.of().formatHex(md5);
        }
    }

    /**
     * Reads {@code body} to its end and writes it as chunks under a fresh data id (or keeps it inline when
     * {@code allowInline} and it fits).
     *
     * @param length the exact byte count the body must yield, or -1 if unknown
     * @param contentMd5 the declared MD5, or null
     * @param form what is written of the body: the MD5 (ETag, Content-MD5) is of the body itself
     * @throws StorageException {@code INCOMPLETE_BODY} when the body is shorter or longer than {@code length},
     *     {@code BAD_DIGEST} when its MD5 is not {@code contentMd5}
     * @throws IOException when the body fails
     */
    Written write(
            Partition p,
            InputStream body,
            long length,
            byte[] contentMd5,
            StoredForm form,
            boolean allowInline,
            String what)
            throws IOException {
        // A large body bypasses the WAL: its chunks go to blob files once, made durable by one flush before the
        // commit, instead of being written twice (WAL, then blob file) - the disk's bandwidth is the ceiling of a
        // large PUT. Its pending marker is synced first, so that chunks a natural flush persists before a crash
        // are always found and reclaimed. Small bodies keep the WAL: a flush per small object would cost more
        // than it saves and litter the disk with tiny files.
        boolean bulk = length >= BULK_THRESHOLD && p.syncsWrites();
        MessageDigest md5 = md5();
        InputStream source = form.encode(new DigestInputStream(body, md5));
        byte[] buffer = new byte[length >= 0 ? (int) Math.min(chunkSize, length) : chunkSize];
        byte[] dataId = null;
        long total = 0;
        int chunkIndex = 0;
        try {
            while (true) {
                int want = length >= 0 ? (int) Math.min(buffer.length, length - total) : buffer.length;
                int n = source.readNBytes(buffer, 0, want);
                boolean end = n < want || (length >= 0 && total + n == length);
                if (end && length >= 0) {
                    checkLength(source, total + n, length, what);
                }
                if (end && dataId == null && allowInline && n <= inlineThreshold) {
                    return new Written(n, verify(md5, contentMd5, what), Arrays.copyOf(buffer, n), null);
                }
                if (dataId == null) {
                    dataId = Chunks.newDataId();
                }
                if (n > 0) {
                    byte[] id = dataId;
                    int index = chunkIndex++;
                    byte[] value = Chunks.encode(buffer, n);
                    if (bulk) {
                        if (index == 0) {
                            p.commit(what + ": mark pending", batch -> Chunks.markPending(batch, p, id));
                        }
                        p.writeWithoutWal(
                                what + ": write chunk " + index, batch -> Chunks.putChunk(batch, p, id, index, value));
                    } else {
                        p.write(what + ": write chunk " + index, batch -> {
                            if (index == 0) {
                                // The marker shares the first chunk's batch and the WAL keeps order, so no chunk
                                // can survive a crash without its marker.
                                Chunks.markPending(batch, p, id);
                            }
                            Chunks.putChunk(batch, p, id, index, value);
                        });
                    }
                }
                total += n;
                if (end) {
                    if (bulk && dataId != null) {
                        p.flushData(what);
                    }
                    Segment segment = new Segment(dataId, total, chunkSize);
                    return new Written(total, verify(md5, contentMd5, what), null, segment);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            if (chunkIndex > 0) {
                discard(p, dataId, e, what);
            }
            throw e;
        }
    }

    /**
     * Runs {@code commit}, which claims the written data by clearing its pending marker in its batch. When the
     * commit is refused (a {@link StorageException} other than {@code IO}: the bucket or upload is gone), the
     * data is deleted at once. After an {@code IO} failure it is left alone: the batch may or may not have
     * landed, and if it did not, the pending marker makes recovery reclaim the data.
     */
    static <T> T commit(Partition p, Written written, String what, Supplier<T> commit) {
        try {
            return commit.get();
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.IO && written.segment() != null) {
                discard(p, written.segment().dataId(), e, what);
            }
            throw e;
        }
    }

    private static void discard(Partition p, byte[] dataId, String what) {
        p.write(what + ": discard data", batch -> {
            Chunks.deleteChunks(batch, p, dataId);
            Chunks.clearPending(batch, p, dataId);
        });
    }

    private static void discard(Partition p, byte[] dataId, Throwable failure, String what) {
        try {
            discard(p, dataId, what);
        } catch (RuntimeException e) {
            // The pending marker is still there, so recovery reclaims the chunks on the next open.
            failure.addSuppressed(e);
        }
    }

    private static void checkLength(InputStream body, long read, long length, String what) throws IOException {
        if (read < length) {
            throw new StorageException(
                    StorageException.Reason.INCOMPLETE_BODY,
                    what + ": body ended after " + read + " of " + length + " bytes");
        }
        if (body.read() != -1) {
            throw new StorageException(
                    StorageException.Reason.INCOMPLETE_BODY, what + ": body is longer than " + length + " bytes");
        }
    }

    private static byte[] verify(MessageDigest md5, byte[] contentMd5, String what) {
        byte[] digest = md5.digest();
        if (contentMd5 != null && !MessageDigest.isEqual(digest, contentMd5)) {
            throw new StorageException(
                    StorageException.Reason.BAD_DIGEST, what + ": Content-MD5 does not match the body");
        }
        return digest;
    }

    static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
    }
}
