package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * Streams the bytes {@code [offset, offset + length)} of a segmented object, one verified chunk in memory at a
 * time. Every chunk is read through the snapshot the metadata was read under: the reclaimer's range deletes
 * are invisible to it, so an overwrite or delete committed meanwhile never cuts a read short or mixes versions.
 * Closing releases the snapshot; the store closes streams still open when it closes.
 */
final class ChunkInputStream extends InputStream {
    /** Scratch for writing a direct chunk to a plain OutputStream. */
    private static final int SCRATCH = 64 << 10;

    private final Partition partition;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final List<Segment> segments;
    private final long end;
    private final String what;
    private final Set<ChunkInputStream> openStreams;

    private long position;
    /**
     * The current chunk's stored form, CRC32C then {@code chunkLength} bytes from index 0: a RocksDB value
     * wrapped, or this stream's direct buffer when the chunk came from a data file. Null when there is none.
     */
    private ByteBuffer chunk;

    private long chunkStart;
    private int chunkLength;
    /** The open data file of segment {@code fileSegment}, when the current chunk came from a file. */
    private FileChannel file;

    private int fileSegment = -1;
    /** Direct buffer for file chunks, from {@link DataFiles#acquire}; returned on close. */
    private ByteBuffer direct;

    private boolean closed;

    /**
     * The next chunk of a remote partition, asked for while the current one is read (one round trip to another node
     * per chunk otherwise stands between every two chunks of a stream), and where it is; null when none is.
     */
    private java.util.concurrent.CompletableFuture<byte[]> ahead;

    private int aheadSegment = -1;
    private int aheadIndex = -1;

    /** Takes ownership of {@code snapshot} and {@code readOptions} and registers in {@code openStreams}. */
    ChunkInputStream(
            Partition partition,
            Snapshot snapshot,
            ReadOptions readOptions,
            List<Segment> segments,
            long offset,
            long length,
            String what,
            Set<ChunkInputStream> openStreams) {
        this.partition = partition;
        this.snapshot = snapshot;
        this.readOptions = readOptions;
        this.segments = segments;
        this.position = offset;
        this.end = offset + length;
        this.what = what;
        this.openStreams = openStreams;
        openStreams.add(this);
        List<byte[]> files = new ArrayList<>();
        for (Segment segment : segments) {
            if (segment.file()) {
                files.add(segment.dataId());
            }
        }
        partition.claim(snapshot, files);
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        if (position >= end) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        if (!inChunk()) {
            loadChunkAt(position);
        }
        int from = (int) (position - chunkStart);
        int n = (int) Math.min(len, Math.min(end - position, chunkLength - from));
        chunk.get(Chunks.CRC_LENGTH + from, b, off, n);
        position += n;
        return n;
    }

    /**
     * Writes the rest of the stream straight from each verified chunk, without the copy into a caller's buffer
     * that {@link #read(byte[], int, int)} makes: the path of a whole-object GET. An {@code out} that is also a
     * {@link WritableByteChannel} gets the chunks as buffers, so that a chunk read from a data file into a direct
     * buffer reaches the socket without passing through the Java heap.
     */
    @Override
    public synchronized long transferTo(OutputStream out) throws IOException {
        ensureOpen();
        WritableByteChannel channel = out instanceof WritableByteChannel c ? c : null;
        byte[] scratch = null;
        long transferred = 0;
        while (position < end) {
            if (!inChunk()) {
                loadChunkAt(position);
            }
            int from = Chunks.CRC_LENGTH + (int) (position - chunkStart);
            int n = (int) Math.min(end - position, chunkLength - (from - Chunks.CRC_LENGTH));
            if (channel != null) {
                ByteBuffer slice = chunk.duplicate().limit(from + n).position(from);
                while (slice.hasRemaining()) {
                    channel.write(slice);
                }
            } else if (chunk.hasArray()) {
                out.write(chunk.array(), chunk.arrayOffset() + from, n);
            } else {
                scratch = scratch == null ? new byte[Math.min(SCRATCH, n)] : scratch;
                for (int done = 0; done < n; ) {
                    int part = Math.min(scratch.length, n - done);
                    chunk.get(from + done, scratch, 0, part);
                    out.write(scratch, 0, part);
                    done += part;
                }
            }
            position += n;
            transferred += n;
        }
        return transferred;
    }

    /** Skips without reading: the next read fetches only the chunk it lands in. */
    @Override
    public synchronized long skip(long n) {
        long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        return skipped;
    }

    @Override
    public synchronized int available() {
        if (closed || !inChunk()) {
            return 0;
        }
        return (int) Math.min(end - position, chunkStart + chunkLength - position);
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(what + ": stream closed");
        }
    }

    private boolean inChunk() {
        return chunk != null && position >= chunkStart && position < chunkStart + chunkLength;
    }

    private void loadChunkAt(long objectOffset) {
        long segmentStart = 0;
        for (int s = 0; s < segments.size(); s++) {
            Segment segment = segments.get(s);
            if (objectOffset < segmentStart + segment.length()) {
                long inSegment = objectOffset - segmentStart;
                int index = (int) (inSegment / segment.chunkSize());
                long indexStart = (long) index * segment.chunkSize();
                int length = (int) Math.min(segment.chunkSize(), segment.length() - indexStart);
                String chunkName = what + " segment " + s + " chunk " + index;
                chunk = null; // until the new one is verified
                if (partition.isRemote()) {
                    java.util.concurrent.CompletableFuture<byte[]> fetched =
                            ahead != null && aheadSegment == s && aheadIndex == index
                                    ? ahead
                                    : partition.fetchChunkRemotely(
                                            readOptions, segment, index, Chunks.CRC_LENGTH + length);
                    ahead = null;
                    byte[] value = StorageException.join(fetched);
                    if (value == null && segment.file()) {
                        throw DataFiles.missing(chunkName, segment.dataId());
                    }
                    Chunks.verify(value, length, chunkName);
                    chunk = ByteBuffer.wrap(value);
                    readAhead(s, segmentStart, indexStart + length);
                } else if (segment.file()) {
                    ByteBuffer value;
                    try {
                        value = readFileChunk(s, segment, index, length, chunkName);
                        Chunks.verify(value, length, chunkName);
                    } catch (StorageException damage) {
                        // A read error of the file (a bad block) is damage too, as a wrong CRC32C is.
                        if (damage.reason() != StorageException.Reason.CORRUPT_DATA
                                && damage.reason() != StorageException.Reason.IO) {
                            throw damage;
                        }
                        // Lost or damaged here: another replica's copy, which also repairs this one's (the file is
                        // reopened after, as the repair may have created it).
                        closeFile();
                        value = partition.repairChunk(
                                segment.dataId(), index, segment.chunkSize(), length, chunkName, damage);
                    }
                    chunk = value;
                } else {
                    byte[] value = partition.get(
                            Cf.DATA, readOptions, Keys.chunkKey(segment.dataId(), index), "read " + chunkName);
                    Chunks.verify(value, length, chunkName);
                    chunk = ByteBuffer.wrap(value);
                }
                chunkLength = length;
                chunkStart = segmentStart + indexStart;
                return;
            }
            segmentStart += segment.length();
        }
        throw new IllegalStateException(what + ": offset " + objectOffset + " beyond the object's segments");
    }

    /**
     * Asks for the chunk after the one just loaded (segment {@code s} from object offset {@code segmentStart}, up to
     * {@code loadedEnd} within the segment), if the stream reads that far.
     */
    private void readAhead(int s, long segmentStart, long loadedEnd) {
        Segment segment = segments.get(s);
        int next = s;
        long at = loadedEnd;
        if (at >= segment.length()) {
            next = s + 1;
            at = 0;
            segmentStart += segment.length();
        }
        if (next >= segments.size() || segmentStart + at >= end) {
            return;
        }
        Segment following = segments.get(next);
        int index = (int) (at / following.chunkSize());
        int length = (int) Math.min(following.chunkSize(), following.length() - (long) index * following.chunkSize());
        ahead = partition.fetchChunkRemotely(readOptions, following, index, Chunks.CRC_LENGTH + length);
        aheadSegment = next;
        aheadIndex = index;
    }

    /**
     * Reads a chunk's stored form (CRC32C, then bytes) from its segment's data file into this stream's direct
     * buffer. The file is opened on first use and kept open while reading its segment. The snapshot this stream
     * holds keeps the reclaimer from deleting the file of a version overwritten meanwhile ({@link Reclaimer}).
     */
    private ByteBuffer readFileChunk(int s, Segment segment, int index, int length, String chunkName) {
        try {
            if (fileSegment != s) {
                closeFile();
                try {
                    file = partition.files().openRead(segment.dataId());
                } catch (NoSuchFileException e) {
                    throw DataFiles.missing(chunkName, segment.dataId());
                }
                fileSegment = s;
            }
            int size = Chunks.CRC_LENGTH + length;
            if (direct == null || direct.capacity() < size) {
                ByteBuffer smaller = direct;
                direct = null; // never released twice, even if acquiring the next one fails
                DataFiles.release(smaller);
                direct = DataFiles.acquire(Chunks.CRC_LENGTH + segment.chunkSize());
            }
            ByteBuffer target = direct.clear().limit(size);
            long at = DataFiles.offset(index, segment.chunkSize());
            while (target.hasRemaining()) {
                int n = file.read(target, at + target.position());
                if (n < 0) {
                    throw new StorageException(
                            StorageException.Reason.CORRUPT_DATA, chunkName + ": data file ends early");
                }
            }
            return target.flip();
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.IO, "read " + chunkName, e);
        }
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // A read-only channel has nothing to lose on close.
            }
            file = null;
            fileSegment = -1;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        chunk = null;
        ahead = null; // an answer still on its way is dropped
        closeFile();
        DataFiles.release(direct);
        direct = null;
        openStreams.remove(this);
        partition.release(snapshot);
        partition.closeReads(readOptions);
    }
}
