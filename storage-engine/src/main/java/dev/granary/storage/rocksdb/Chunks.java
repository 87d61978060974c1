package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Object bytes and their bookkeeping: chunk values (CRC32C then bytes), data ids, and the {@code pending} and
 * {@code gc} records that make sure no chunk outlives the versions that point to it.
 */
final class Chunks {
    /** Bytes before the chunk's data in a stored value: its CRC32C. */
    static final int CRC_LENGTH = 4;

    private Chunks() {}

    static byte[] encode(byte[] buffer, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer, 0, length);
        return ByteBuffer.allocate(CRC_LENGTH + length)
                .putInt((int) crc.getValue())
                .put(buffer, 0, length)
                .array();
    }

    /**
     * Checks a stored chunk value's CRC32C and length; its data follows the {@link #CRC_LENGTH} header.
     *
     * @throws StorageException {@code CORRUPT_DATA} on a missing chunk, a wrong length or a CRC mismatch
     */
    static void verify(byte[] value, int expectedLength, String what) {
        if (value == null) {
            throw corrupt(what + ": chunk missing");
        }
        verify(ByteBuffer.wrap(value), expectedLength, what);
    }

    /**
     * Checks a chunk's stored form in {@code value} (CRC32C, then the bytes, from index 0 to its limit): a RocksDB
     * value wrapped, or a chunk read from a data file. The buffer's position and limit are left as they were.
     */
    static void verify(ByteBuffer value, int expectedLength, String what) {
        if (value.limit() != CRC_LENGTH + expectedLength) {
            throw corrupt(what + ": chunk has " + (value.limit() - CRC_LENGTH) + " bytes, expected " + expectedLength);
        }
        CRC32C crc = new CRC32C();
        crc.update(value.duplicate().position(CRC_LENGTH));
        if (value.getInt(0) != (int) crc.getValue()) {
            throw corrupt(what + ": CRC32C mismatch");
        }
    }

    private static StorageException corrupt(String message) {
        return new StorageException(StorageException.Reason.CORRUPT_DATA, message);
    }

    /** Adds to {@code batch}: the chunk at {@code index} of {@code dataId}. */
    static void putChunk(WriteBatch batch, Partition p, byte[] dataId, int index, byte[] value)
            throws RocksDBException {
        batch.put(p.cf(Cf.DATA), Keys.chunkKey(dataId, index), value);
    }

    /** Adds to {@code batch}: the data id is being written and is garbage unless a commit claims it. */
    static void markPending(WriteBatch batch, Partition p, byte[] dataId) throws RocksDBException {
        batch.put(p.cf(Cf.PENDING), dataId, new byte[0]);
    }

    /** Adds to {@code batch}: the data id now belongs to a committed record. */
    static void clearPending(WriteBatch batch, Partition p, byte[] dataId) throws RocksDBException {
        batch.delete(p.cf(Cf.PENDING), dataId);
    }

    /** Adds to {@code batch}: the segment's chunks are no longer referenced; the reclaimer deletes them. */
    static void enqueueGc(WriteBatch batch, Partition p, Segment segment) throws RocksDBException {
        batch.put(p.cf(Cf.GC), segment.dataId(), new byte[0]);
    }

    /** Adds to {@code batch}: deletes every chunk of the data id with one range tombstone. */
    static void deleteChunks(WriteBatch batch, Partition p, byte[] dataId) throws RocksDBException {
        batch.deleteRange(p.cf(Cf.DATA), dataId, Keys.chunkRangeEnd(dataId));
    }
}
