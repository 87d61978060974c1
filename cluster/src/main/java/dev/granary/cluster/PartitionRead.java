package dev.granary.cluster;

import static dev.granary.storage.command.CommandCodec.readBytes;
import static dev.granary.storage.command.CommandCodec.writeBytes;

import dev.granary.storage.rocksdb.ReplicaPartition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A read of a partition's records by a node that holds no replica of it, sent to the group as a read-only request
 * (so the leader answers once it applied everything committed before the read: linearizable) and answered by that
 * replica. Its first byte tells it from a {@link Query}, whose codes are below {@link #FIRST_CODE}.
 */
final class PartitionRead {
    static final byte FIRST_CODE = 20;
    private static final byte GET = 20;
    private static final byte SCAN = 21;
    private static final byte FILE_CHUNK = 22;
    private static final byte OPEN = 23;
    private static final byte RELEASE = 24;
    /** An answer's size past which a scan stops early (the caller asks again from where it stopped). */
    private static final int SCAN_BYTES = 4 << 20;

    private PartitionRead() {}

    static boolean isRead(byte[] request) {
        return request.length > 0 && request[0] >= FIRST_CODE;
    }

    static byte[] get(String cf, byte[] key, long lease) {
        return encode(out -> {
            out.writeByte(GET);
            out.writeUTF(cf);
            writeBytes(out, key);
            out.writeLong(lease);
        });
    }

    static byte[] open() {
        return new byte[] {OPEN};
    }

    static byte[] release(long lease) {
        return encode(out -> {
            out.writeByte(RELEASE);
            out.writeLong(lease);
        });
    }

    static byte[] scan(String cf, byte[] from, byte[] upperBound, int limit) {
        return encode(out -> {
            out.writeByte(SCAN);
            out.writeUTF(cf);
            writeBytes(out, from);
            writeBytes(out, upperBound);
            out.writeInt(limit);
        });
    }

    static byte[] fileChunk(byte[] dataId, int index, int chunkSize, int length, long lease) {
        return encode(out -> {
            out.writeByte(FILE_CHUNK);
            writeBytes(out, dataId);
            out.writeInt(index);
            out.writeInt(chunkSize);
            out.writeInt(length);
            out.writeLong(lease);
        });
    }

    /** What {@code replica}, on server {@code server}, answers to {@code request}. */
    static byte[] answer(ReplicaPartition replica, String server, byte[] request) {
        if (replica == null) {
            throw new IllegalStateException("the replica is not open");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(request))) {
            byte code = in.readByte();
            return switch (code) {
                case GET -> {
                    String cf = in.readUTF();
                    byte[] key = readBytes(in);
                    byte[] value = replica.read(cf, key, in.readLong());
                    yield valueAnswer(value);
                }
                case SCAN -> {
                    String cf = in.readUTF();
                    byte[] from = readBytes(in);
                    byte[] upper = readBytes(in);
                    List<byte[]> entries = replica.scan(cf, from, upper, in.readInt(), SCAN_BYTES);
                    yield encode(out -> {
                        out.writeInt(entries.size());
                        for (byte[] entry : entries) {
                            writeBytes(out, entry);
                        }
                    });
                }
                case FILE_CHUNK -> {
                    byte[] dataId = readBytes(in);
                    byte[] stored =
                            replica.readFileChunk(dataId, in.readInt(), in.readInt(), in.readInt(), in.readLong());
                    yield valueAnswer(stored);
                }
                case OPEN -> {
                    long lease = replica.openRead();
                    yield encode(out -> {
                        out.writeLong(lease);
                        out.writeUTF(server);
                    });
                }
                case RELEASE -> {
                    replica.releaseRead(in.readLong());
                    yield new byte[0];
                }
                default -> throw new IllegalArgumentException("not a partition read: code " + code);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated partition read", e);
        }
    }

    /**
     * An answer holding {@code value} (or null), in the form {@code writeBytes} gives it, made with one copy of the
     * value: a chunk is a megabyte, and a stream grown from a small buffer copied it three times.
     */
    private static byte[] valueAnswer(byte[] value) {
        if (value == null) {
            return new byte[] {-1, -1, -1, -1};
        }
        byte[] answer = new byte[4 + value.length];
        java.nio.ByteBuffer.wrap(answer).putInt(value.length).put(value);
        return answer;
    }

    /** {@link #value(byte[])} of an answer as Ratis hands it over, copying the value once. */
    static byte[] value(org.apache.ratis.thirdparty.com.google.protobuf.ByteString answer) {
        int length = answer.substring(0, 4).asReadOnlyByteBuffer().getInt();
        if (length < 0) {
            return null;
        }
        if (answer.size() != 4 + length) {
            throw new UncheckedIOException(new IOException("answer of " + answer.size() + " bytes for " + length));
        }
        return answer.substring(4).toByteArray();
    }

    /** The value a {@link #get} or {@link #fileChunk} answer holds, or null. */
    static byte[] value(byte[] answer) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            return readBytes(in);
        } catch (IOException e) {
            throw new UncheckedIOException("truncated answer", e);
        }
    }

    /** The lease an {@link #open} answer holds. */
    static dev.granary.storage.rocksdb.RemotePartitions.Lease lease(byte[] answer) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            return new dev.granary.storage.rocksdb.RemotePartitions.Lease(in.readLong(), in.readUTF());
        } catch (IOException e) {
            throw new UncheckedIOException("truncated answer", e);
        }
    }

    /** The keys and values, alternating, a {@link #scan} answer holds. */
    static List<byte[]> entries(byte[] answer) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(answer))) {
            int count = in.readInt();
            List<byte[]> entries = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                entries.add(readBytes(in));
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException("truncated answer", e);
        }
    }

    static String describe(byte[] request) {
        return request.length == 0
                ? "empty read"
                : switch (request[0]) {
                    case GET -> "get";
                    case SCAN -> "scan";
                    case FILE_CHUNK -> "file chunk";
                    case OPEN -> "read lease";
                    case RELEASE -> "lease release";
                    default -> "read " + new String(request, 0, 1, StandardCharsets.ISO_8859_1);
                };
    }

    @FunctionalInterface
    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] encode(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory encoding cannot fail", e);
        }
        return bytes.toByteArray();
    }
}
