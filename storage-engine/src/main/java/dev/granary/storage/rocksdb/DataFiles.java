package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;

/**
 * A partition's file-backed data: the bytes of a large body in one file per data id, written once and made
 * durable by one {@code fdatasync}, instead of twice through RocksDB (the WAL, then a blob file at the next
 * flush). The file holds the body's chunks in order, each as its CRC32C followed by its bytes - the layout of a
 * chunk value in the {@code data} column family - so chunk {@code i} starts at {@code i * (4 + chunkSize)}.
 *
 * <p>Files live in {@code objects/xx/} under the partition's folder, {@code xx} being the last (random) byte of
 * the data id, so that no folder grows past a few thousand entries. Their life follows the data id's records:
 * a file is created only after its id's {@code pending} marker is durable, so a crash mid-body leaves an id
 * that recovery reclaims, and the reclaimer deletes the file with the id's chunks.
 */
final class DataFiles {
    private static final HexFormat HEX = HexFormat.of();
    /** Bytes a data file is written ahead of its last sync. */
    private static final long SYNC_EVERY = 8L << 20;
    /** Direct chunk buffers kept for reuse: enough for 32 GETs reading, or uploads writing, at once. */
    private static final BlockingQueue<ByteBuffer> POOL = new ArrayBlockingQueue<>(32);

    private final Path root;
    private final boolean sync;
    /** Fan-out folders known to exist (and durable), by the data id's last byte. */
    private final AtomicReferenceArray<Path> folders = new AtomicReferenceArray<>(256);

    DataFiles(Path root, boolean sync) {
        this.root = root;
        this.sync = sync;
    }

    Path path(byte[] dataId) {
        return folder(dataId).resolve(HEX.formatHex(dataId));
    }

    private Path folder(byte[] dataId) {
        return root.resolve(HEX.toHexDigits(dataId[dataId.length - 1]));
    }

    /** Offset of chunk {@code index} in a file of chunks of {@code chunkSize} bytes. */
    static long offset(int index, int chunkSize) {
        return (long) index * (Chunks.CRC_LENGTH + chunkSize);
    }

    /**
     * Creates the file of a new data id, failing if it exists; its folder is created (durably) if needed. The
     * writer's failures are the store's ({@code IO}, or {@code INSUFFICIENT_STORAGE} for a full disk), never mistaken
     * for the client's.
     *
     * @throws StorageException {@code IO}, {@code INSUFFICIENT_STORAGE}
     */
    Writer create(byte[] dataId) {
        Path file = path(dataId);
        try {
            int slot = dataId[dataId.length - 1] & 0xFF;
            if (folders.get(slot) == null) {
                prepareFolder(slot, folder(dataId));
            }
            return new Writer(file, FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw failed("create", file, e);
        }
    }

    /**
     * The store's failure for a data file's: {@code INSUFFICIENT_STORAGE} when the disk is full (the caller deletes
     * what was written, and the client learns why), else {@code IO}.
     */
    private static StorageException failed(String action, Path file, IOException e) {
        String detail = action + " data file " + file + " failed";
        if (DiskGuard.isOutOfSpace(e)) {
            return DiskGuard.ranOut(new IOException(detail, e));
        }
        return new StorageException(StorageException.Reason.IO, detail, e);
    }

    /**
     * Creates a fan-out folder if missing and syncs the folders above it, once per slot and process, before any
     * file goes in: a file's durability must not depend on another thread's folder sync that has not happened yet.
     */
    private synchronized void prepareFolder(int slot, Path folder) throws IOException {
        if (folders.get(slot) != null) {
            return;
        }
        Files.createDirectories(folder);
        syncFolder(root);
        syncFolder(root.getParent());
        folders.set(slot, folder);
    }

    /**
     * Writes one chunk as stored ({@code stored}: its CRC32C, then its bytes) at its place in the data file of
     * {@code dataId}, creating the file if missing: how a replica writes the chunks that arrive beside its log, in
     * any order and any number of times (a chunk is the same bytes every time). Not synced: {@link #force} does.
     *
     * @return whether the file was created by this call (its folder entry then needs a sync too)
     * @throws StorageException {@code IO}, {@code INSUFFICIENT_STORAGE}
     */
    boolean writeChunk(byte[] dataId, int index, int chunkSize, ByteBuffer stored) {
        Path file = path(dataId);
        try {
            int slot = dataId[dataId.length - 1] & 0xFF;
            if (folders.get(slot) == null) {
                prepareFolder(slot, folder(dataId));
            }
            boolean created = !Files.exists(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                long at = offset(index, chunkSize);
                while (stored.hasRemaining()) {
                    at += channel.write(stored, at);
                }
            }
            return created;
        } catch (IOException e) {
            throw failed("write", file, e);
        }
    }

    /**
     * Makes the files of {@code dataIds} durable, and the folder entries of those in {@code created}: what {@link
     * #writeChunk} wrote before. A file deleted meanwhile is skipped.
     *
     * @throws StorageException {@code IO}
     */
    void force(Iterable<byte[]> dataIds, Iterable<byte[]> created) {
        for (byte[] id : dataIds) {
            Path file = path(id);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(false);
            } catch (java.nio.file.NoSuchFileException e) {
                // Deleted since it was written (its body was discarded): nothing to keep.
            } catch (IOException e) {
                throw failed("sync", file, e);
            }
        }
        Set<Path> touched = new HashSet<>();
        for (byte[] id : created) {
            touched.add(folder(id));
        }
        try {
            for (Path folder : touched) {
                forceFolder(folder);
            }
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.IO, "sync data file folders", e);
        }
    }

    /**
     * The stored form of chunk {@code index} of {@code dataId} ({@code length} bytes: its CRC32C, then its bytes), or
     * null when the file is gone or shorter.
     *
     * @throws StorageException {@code IO}
     */
    byte[] readChunk(byte[] dataId, int index, int chunkSize, int length) {
        Path file = path(dataId);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(length);
            long at = offset(index, chunkSize);
            while (bytes.hasRemaining()) {
                int n = channel.read(bytes, at + bytes.position());
                if (n < 0) {
                    return null;
                }
            }
            return bytes.array();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw failed("read", file, e);
        }
    }

    /** The data ids that have a file here, in no particular order. */
    List<byte[]> ids() throws IOException {
        List<byte[]> ids = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return ids;
        }
        try (Stream<Path> all = Files.walk(root, 2)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.length() == 2 * dataIdLength() && HexFormat.isHexDigit(name.charAt(0))) {
                    ids.add(HEX.parseHex(name));
                }
            }
        }
        return ids;
    }

    private static int dataIdLength() {
        return dev.granary.storage.command.IdSource.DATA_ID_LENGTH;
    }

    /**
     * Puts the file {@code source} in place as the data file of {@code dataId} (a hard link, replacing the file there),
     * its folder synced: a copy's data file installed by a replica.
     */
    void link(byte[] dataId, Path source) throws IOException {
        int slot = dataId[dataId.length - 1] & 0xFF;
        if (folders.get(slot) == null) {
            prepareFolder(slot, folder(dataId));
        }
        Path file = path(dataId);
        Path staged = file.resolveSibling(file.getFileName() + ".linking");
        Files.deleteIfExists(staged);
        Files.createLink(staged, source);
        Files.move(
                staged,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        forceFolder(file.getParent());
    }

    private static void forceFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Opens a data id's file for reading. */
    FileChannel openRead(byte[] dataId) throws IOException {
        return FileChannel.open(path(dataId), StandardOpenOption.READ);
    }

    boolean exists(byte[] dataId) {
        return Files.exists(path(dataId));
    }

    /**
     * Deletes the files of the given data ids that exist, then syncs the folders they were in, so that a
     * deletion is durable before the records that led to it are removed.
     *
     * @return how many files were deleted
     */
    int delete(Iterable<byte[]> dataIds) throws IOException {
        Set<Path> touched = new HashSet<>();
        int deleted = 0;
        for (byte[] id : dataIds) {
            if (Files.deleteIfExists(path(id))) {
                touched.add(folder(id));
                deleted++;
            }
        }
        for (Path folder : touched) {
            syncFolder(folder);
        }
        return deleted;
    }

    private void syncFolder(Path folder) throws IOException {
        if (!sync) {
            return;
        }
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Writes one data file: chunks in order, then {@link #finish} makes it durable. */
    final class Writer implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private long unsynced;

        private Writer(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        /**
         * Appends one chunk as stored: {@code stored} holds the chunk's CRC32C, then its bytes, from its position to
         * its limit. A direct buffer is written as it is; the JDK would copy a heap buffer into a temporary direct
         * one first (and keep that 1 MiB buffer cached for good in every thread that wrote). Every
         * {@link #SYNC_EVERY} bytes the file is synced, so that a large body streams to the disk while it arrives
         * instead of all at once at its end.
         */
        void append(ByteBuffer stored) {
            try {
                int length = stored.remaining();
                while (stored.hasRemaining()) {
                    channel.write(stored);
                }
                unsynced += length;
                if (sync && unsynced >= SYNC_EVERY) {
                    channel.force(false);
                    unsynced = 0;
                }
            } catch (IOException e) {
                throw failed("write", file, e);
            }
        }

        /** Syncs the file's data and its folder entry (when the store syncs writes), then closes it. */
        void finish() {
            try {
                if (sync) {
                    channel.force(false);
                }
                channel.close();
                syncFolder(file.getParent());
            } catch (IOException e) {
                throw failed("sync", file, e);
            }
        }

        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                throw failed("close", file, e);
            }
        }
    }

    /**
     * A direct buffer of at least {@code capacity} bytes for reading or writing chunks, from a small shared pool:
     * allocating (and zeroing) a 1 MiB buffer per GET would cost more than reading the chunk.
     */
    static ByteBuffer acquire(int capacity) {
        ByteBuffer buffer = POOL.poll();
        if (buffer != null && buffer.capacity() >= capacity) {
            return buffer.clear();
        }
        return ByteBuffer.allocateDirect(capacity);
    }

    /** Returns a buffer from {@link #acquire} to the pool (null is ignored; a full pool lets it go). */
    static void release(ByteBuffer buffer) {
        if (buffer != null) {
            POOL.offer(buffer);
        }
    }

    /** The file of a data id that should exist but does not: its data is lost. */
    static StorageException missing(String what, byte[] dataId) {
        return new StorageException(
                StorageException.Reason.CORRUPT_DATA, what + ": data file " + HEX.formatHex(dataId) + " is missing");
    }
}
