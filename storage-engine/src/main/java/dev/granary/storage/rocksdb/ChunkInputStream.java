package dev.granary.storage.rocksdb;

import java.io.IOException;
import java.io.InputStream;
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
    private final Partition partition;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final List<Segment> segments;
    private final long end;
    private final String what;
    private final Set<ChunkInputStream> openStreams;

    private long position;
    /** The current chunk's stored value: CRC32C, then {@code chunkLength} bytes. */
    private byte[] chunk;
    private long chunkStart;
    private int chunkLength;
    private boolean closed;

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
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException(what + ": stream closed");
        }
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
        System.arraycopy(chunk, Chunks.CRC_LENGTH + from, b, off, n);
        position += n;
        return n;
    }

    /**
     * Writes the rest of the stream straight from each verified chunk, without the copy into a caller's buffer
     * that {@link #read(byte[], int, int)} makes: the path of a whole-object GET.
     */
    @Override
    public synchronized long transferTo(java.io.OutputStream out) throws IOException {
        if (closed) {
            throw new IOException(what + ": stream closed");
        }
        long transferred = 0;
        while (position < end) {
            if (!inChunk()) {
                loadChunkAt(position);
            }
            int from = (int) (position - chunkStart);
            int n = (int) Math.min(end - position, chunkLength - from);
            out.write(chunk, Chunks.CRC_LENGTH + from, n);
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
                byte[] value = partition.get(
                        Cf.DATA, readOptions, Keys.chunkKey(segment.dataId(), index), "read " + chunkName);
                Chunks.verify(value, length, chunkName);
                chunk = value;
                chunkLength = length;
                chunkStart = segmentStart + indexStart;
                return;
            }
            segmentStart += segment.length();
        }
        throw new IllegalStateException(what + ": offset " + objectOffset + " beyond the object's segments");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        chunk = null;
        openStreams.remove(this);
        partition.release(snapshot);
        readOptions.close();
    }
}
