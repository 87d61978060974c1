package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.StoredForm;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.DataId;
import dev.granary.storage.command.IdSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Streams a request body into a partition's {@code data} column family, the shared first half of putObject and
 * uploadPart. Memory is one chunk buffer. Nothing written here is visible until the caller commits a record
 * that points to it; until then the data id is marked {@code pending}, so a crash leaves only garbage that
 * recovery reclaims, and a failure here deletes what was written before it propagates.
 */
final class BodyWriter {
    /**
     * Bytes a data file's body is read in: each piece is hashed while it is still in the CPU's cache, then copied
     * into the chunk's direct buffer.
     */
    private static final int PIECE = 64 << 10;
    /** Chunk buffers kept for reuse: enough for 16 concurrent uploads. */
    private static final BlockingQueue<byte[]> BUFFERS = new ArrayBlockingQueue<>(16);

    private final int chunkSize;
    private final int inlineThreshold;
    private final long fileThreshold;
    private final IdSource ids;

    BodyWriter(int chunkSize, int inlineThreshold, long fileThreshold, IdSource ids) {
        this.ids = ids;
        this.chunkSize = chunkSize;
        this.inlineThreshold = inlineThreshold;
        this.fileThreshold = fileThreshold;
    }

    /**
     * A body read to its end and written, not yet committed.
     *
     * @param size number of bytes
     * @param md5 binary MD5 of the bytes
     * @param inline the bytes, for a small body kept in the record; else null
     * @param segment where the chunks are when not inline; else null
     */
    @SuppressWarnings("ArrayRecordComponent") // a hand-off of bytes just written, never compared or hashed
    record Written(long size, byte[] md5, byte[] inline, Segment segment) {
        String etag() {
            return HexFormat.of().formatHex(md5);
        }
    }

    /**
     * Reads {@code body} to its end and writes it as chunks under a fresh data id (or keeps it inline when
     * {@code allowInline} and it fits). A body whose length is known and at least the file threshold goes to a
     * data file of its own ({@link DataFiles}): written once and synced once, where the {@code data} column
     * family would write it twice (WAL, then blob file) - the disk's bandwidth is the ceiling of a large PUT.
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
        MessageDigest md5 = md5();
        InputStream source = form.encode(new DigestInputStream(body, md5));
        if (length >= fileThreshold && length > 0) {
            return writeFile(p, source, length, md5, contentMd5, what);
        }
        byte[] buffer = acquire(length >= 0 ? (int) Math.min(chunkSize, length) : chunkSize);
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
                    dataId = ids.dataId();
                }
                if (n > 0) {
                    // The first chunk's command marks the id pending in the same batch, and the log keeps order,
                    // so no chunk can survive a crash without its marker.
                    p.propose(new Command.WriteChunk(new DataId(dataId), chunkIndex++, Chunks.encode(buffer, n)));
                }
                total += n;
                if (end) {
                    Segment segment = new Segment(dataId, total, chunkSize, false);
                    return new Written(total, verify(md5, contentMd5, what), null, segment);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            if (chunkIndex > 0) {
                discard(p, dataId, e, what);
            }
            throw e;
        } finally {
            release(buffer);
        }
    }

    /**
     * Writes a body of known length to a data file. Its pending marker is made durable first, so that whatever a
     * crash leaves of the file belongs to an id that recovery reclaims.
     */
    private Written writeFile(
            Partition p, InputStream source, long length, MessageDigest md5, byte[] contentMd5, String what)
            throws IOException {
        if (p.filesBesideLog()) {
            return proposeFile(p, source, length, md5, contentMd5, what);
        }
        byte[] dataId = ids.dataId();
        p.propose(new Command.MarkPending(new DataId(dataId), ids.millis()));
        CRC32C crc = new CRC32C();
        long total = 0;
        DataFiles.Writer created;
        try {
            created = p.files().create(dataId);
        } catch (RuntimeException e) {
            // No file: only the marker is left to clear.
            unmark(p, dataId, e);
            throw e;
        }
        ByteBuffer stored = DataFiles.acquire(Chunks.CRC_LENGTH + (int) Math.min(chunkSize, length));
        byte[] piece = new byte[(int) Math.min(PIECE, length)];
        try (DataFiles.Writer file = created) {
            while (total < length) {
                int chunkLength = (int) Math.min(chunkSize, length - total);
                stored.clear().position(Chunks.CRC_LENGTH);
                crc.reset();
                for (int filled = 0; filled < chunkLength; ) {
                    int want = Math.min(piece.length, chunkLength - filled);
                    int n = source.readNBytes(piece, 0, want);
                    if (n < want) {
                        checkLength(source, total + filled + n, length, what);
                    }
                    crc.update(piece, 0, n);
                    stored.put(piece, 0, n);
                    filled += n;
                }
                stored.putInt(0, (int) crc.getValue()).flip();
                file.append(stored);
                total += chunkLength;
            }
            checkLength(source, total, length, what);
            byte[] digest = verify(md5, contentMd5, what);
            file.finish();
            return new Written(total, digest, null, new Segment(dataId, total, chunkSize, true));
        } catch (IOException | RuntimeException | Error e) {
            discard(p, dataId, e, what);
            throw e;
        } finally {
            DataFiles.release(stored);
        }
    }

    /**
     * Writes a body of known length to a data file on every replica of a replicated partition: its pending marker is
     * committed first, then each chunk (CRC32C and bytes) as a {@link Command.WriteFileChunk}, whose bytes every
     * replica writes into its file and syncs before the entry is committed. When the call returns, a majority of the
     * replicas holds the whole body durably.
     */
    private Written proposeFile(
            Partition p, InputStream source, long length, MessageDigest md5, byte[] contentMd5, String what)
            throws IOException {
        byte[] dataId = ids.dataId();
        DataId id = new DataId(dataId);
        p.propose(new Command.MarkPending(id, ids.millis()));
        long total = 0;
        try {
            for (int index = 0; total < length; index++) {
                int chunkLength = (int) Math.min(chunkSize, length - total);
                byte[] stored = new byte[Chunks.CRC_LENGTH + chunkLength];
                int n = source.readNBytes(stored, Chunks.CRC_LENGTH, chunkLength);
                if (n < chunkLength) {
                    checkLength(source, total + n, length, what);
                }
                CRC32C crc = new CRC32C();
                crc.update(stored, Chunks.CRC_LENGTH, chunkLength);
                ByteBuffer.wrap(stored).putInt(0, (int) crc.getValue());
                p.propose(Command.WriteFileChunk.of(id, index, chunkSize, stored));
                total += chunkLength;
            }
            checkLength(source, total, length, what);
            byte[] digest = verify(md5, contentMd5, what);
            return new Written(total, digest, null, new Segment(dataId, total, chunkSize, true));
        } catch (IOException | RuntimeException | Error e) {
            discard(p, dataId, e, what);
            throw e;
        }
    }

    /**
     * A buffer of {@code size} bytes for a body's chunks: a whole chunk's comes from a small shared pool. A fresh
     * 1 MiB array per PUT is zeroed (4% of a 1 MiB PUT's CPU, profiled) and, with a heap of 512 MiB or less, is a
     * humongous object to G1 (its regions are 1 MiB there). A smaller body gets an array of its own size.
     */
    private byte[] acquire(int size) {
        if (size == chunkSize) {
            byte[] pooled = BUFFERS.poll();
            if (pooled != null && pooled.length == size) {
                return pooled;
            }
        }
        return new byte[size];
    }

    /** Returns a buffer from {@link #acquire} (its contents are overwritten before the next use). */
    private void release(byte[] buffer) {
        if (buffer.length == chunkSize) {
            BUFFERS.offer(buffer);
        }
    }

    /**
     * Runs {@code commit}, which claims the written data by clearing its pending marker in its batch. When the
     * commit is refused (a {@link StorageException} other than {@code IO}: the bucket or upload is gone), the
     * data is deleted at once. After an {@code IO} failure it is left alone: the batch may or may not have
     * landed, and if it did not, the pending marker makes recovery reclaim the data. A commit that ran out of space
     * ({@code INSUFFICIENT_STORAGE}) is such a failure too: RocksDB's WAL may hold the batch (appended, then its sync
     * failed), so deleting the data could leave an object whose data is gone. So is a replicated commit that timed out
     * ({@code UNAVAILABLE}): the command may still be committed, ahead of any discard proposed after it.
     */
    static <T> T commit(Partition p, Written written, String what, Supplier<T> commit) {
        try {
            return commit.get();
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.IO
                    && e.reason() != StorageException.Reason.INSUFFICIENT_STORAGE
                    && e.reason() != StorageException.Reason.UNAVAILABLE
                    && written.segment() != null) {
                discard(p, written.segment().dataId(), e, what);
            }
            throw e;
        }
    }

    private static void discard(Partition p, byte[] dataId, String what) {
        try {
            p.files().delete(List.of(dataId));
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.IO, what + ": delete data file", e);
        }
        p.propose(new Command.DiscardData(new DataId(dataId)));
    }

    private static void unmark(Partition p, byte[] dataId, Throwable failure) {
        try {
            p.propose(new Command.DiscardData(new DataId(dataId)));
        } catch (RuntimeException e) {
            failure.addSuppressed(e); // recovery finds the marker and reclaims nothing
        }
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
