package dev.granary.bench.jmh;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a large GET costs per stored 1 MiB chunk once the request is routed: read the chunk (its CRC32C, then its
 * bytes) from a data file in the page cache, check the CRC, write the bytes to a loopback socket that another
 * thread drains. One operation is one chunk; 64 chunks of a 64 MiB file are served in turn.
 *
 * <ul>
 *   <li>{@code pread}: Granary's way: read into a direct buffer, check, write that buffer;
 *   <li>{@code mmap}: map the chunk, check the CRC on the mapping, write from it, unmap (one copy fewer);
 *   <li>{@code pread+sendfile}: check from a read copy, send the file's bytes with {@code sendfile};
 *   <li>floors, each one part alone: {@code read} (the read), {@code crc} (the check of a chunk already in
 *       memory), {@code send} (the socket write of a chunk in memory), {@code sendfile} (unchecked, zero-copy).
 * </ul>
 *
 * <p>On loopback the sending thread also runs the receiving side of TCP, so {@code sendfile} saves next to
 * nothing over a write; mapping trades the read copy for page faults and an unmap.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ChunkServeBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChunkServeBenchmark {
    private static final int CHUNK = 1 << 20;
    private static final int STORED = 4 + CHUNK;
    private static final int CHUNKS = 64;

    @Param({"pread", "mmap", "pread+sendfile", "read", "crc", "send", "sendfile"})
    public String way;

    private Path dir;
    private FileChannel file;
    private ByteBuffer direct;
    private ServerSocketChannel listener;
    private SocketChannel out;
    private SocketChannel in;
    private Thread drain;
    private MethodHandle unmap;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = TempDirs.create("granary-serve-bench");
        Path path = dir.resolve("chunks");
        byte[] bytes = new byte[CHUNK];
        try (FileChannel writer = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Random random = new Random(7);
            for (int i = 0; i < CHUNKS; i++) {
                random.nextBytes(bytes);
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                ByteBuffer[] stored = {
                    ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip(), ByteBuffer.wrap(bytes)
                };
                while (stored[1].hasRemaining()) {
                    writer.write(stored);
                }
            }
        }
        file = FileChannel.open(path, StandardOpenOption.READ);
        direct = ByteBuffer.allocateDirect(STORED);
        readStored(0); // "crc" and "send" use this chunk
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        out = SocketChannel.open(listener.getLocalAddress());
        in = listener.accept();
        drain = new Thread(this::drain, "drain");
        drain.setDaemon(true);
        drain.start();
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        unmap = MethodHandles.lookup()
                .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                .bindTo(theUnsafe.get(null));
    }

    private void drain() {
        ByteBuffer sink = ByteBuffer.allocateDirect(1 << 20);
        try {
            while (in.read(sink.clear()) >= 0) {
                // discard
            }
        } catch (IOException closed) {
            // the trial is over
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        out.close();
        drain.join(10_000);
        in.close();
        listener.close();
        file.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public int serve() throws Throwable {
        int index = next;
        next = (next + 1) % CHUNKS;
        long at = (long) index * STORED;
        switch (way) {
            case "pread" -> {
                check(readStored(at));
                return send(direct.duplicate().position(4));
            }
            case "mmap" -> {
                MappedByteBuffer mapped = file.map(FileChannel.MapMode.READ_ONLY, at, STORED);
                try {
                    check(mapped);
                    return send(mapped.duplicate().position(4));
                } finally {
                    unmap.invokeExact((ByteBuffer) mapped);
                }
            }
            case "pread+sendfile" -> {
                check(readStored(at));
                return sendFile(at);
            }
            case "read" -> {
                return readStored(at).remaining();
            }
            case "crc" -> {
                check(direct.position(0).limit(STORED));
                return STORED;
            }
            case "send" -> {
                return send(direct.duplicate().position(4).limit(STORED));
            }
            case "sendfile" -> {
                return sendFile(at);
            }
            default -> throw new IllegalArgumentException(way);
        }
    }

    private ByteBuffer readStored(long at) throws IOException {
        direct.clear();
        while (direct.hasRemaining()) {
            if (file.read(direct, at + direct.position()) < 0) {
                throw new IOException("file ends early");
            }
        }
        return direct.flip();
    }

    private static void check(ByteBuffer stored) {
        CRC32C crc = new CRC32C();
        crc.update(stored.duplicate().position(4));
        if (stored.getInt(0) != (int) crc.getValue()) {
            throw new IllegalStateException("CRC32C mismatch");
        }
    }

    private int send(ByteBuffer bytes) throws IOException {
        int n = bytes.remaining();
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
        return n;
    }

    private int sendFile(long at) throws IOException {
        long position = at + 4;
        long left = CHUNK;
        while (left > 0) {
            long n = file.transferTo(position, left, out);
            position += n;
            left -= n;
        }
        return CHUNK;
    }
}
