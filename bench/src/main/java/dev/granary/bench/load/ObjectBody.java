package dev.granary.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The bytes of one object: a random buffer shared by every object of the same size, with a 16-byte stamp in
 * front naming the object and its generation. Sharing the buffer keeps PUTs copy-free and lets a GET be verified
 * with a vectorized compare instead of a digest; the stamp catches a server that answers with another object's
 * body or with an overwritten (older) version of this one.
 */
@SuppressWarnings("ArrayRecordComponent") // the buffers are the point (copy-free PUTs); never compared or hashed
record ObjectBody(byte[] stamp, byte[] shared) {

    /** Bytes of the stamp: object id (8), generation (4), size (4). */
    static final int STAMP_LENGTH = 16;

    /** The smallest object a stamp fits in. */
    static final int MIN_SIZE = STAMP_LENGTH;

    /**
     * The shared random content of objects of {@code size} bytes (its first 16 bytes are never sent: the stamp
     * replaces them).
     */
    static byte[] sharedContent(int size, long seed) {
        if (size < MIN_SIZE) {
            throw new IllegalArgumentException("object size must be at least " + MIN_SIZE + " bytes, not " + size);
        }
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long r = random.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++) {
                bytes[i + j] = (byte) (r >>> (8 * j));
            }
        }
        return bytes;
    }

    /** The body of object {@code id} at {@code generation} over the shared content. */
    static ObjectBody of(byte[] shared, long id, int generation) {
        byte[] stamp = ByteBuffer.allocate(STAMP_LENGTH)
                .putLong(id)
                .putInt(generation)
                .putInt(shared.length)
                .array();
        return new ObjectBody(stamp, shared);
    }

    int length() {
        return shared.length;
    }

    /** Writes the whole body: the stamp, then the shared content after it, without copying. */
    void writeTo(OutputStream out) throws IOException {
        out.write(stamp);
        out.write(shared, STAMP_LENGTH, shared.length - STAMP_LENGTH);
    }

    /** Copies the whole body into {@code dst} at {@code off} (small bodies travel in one write with the head). */
    void copyTo(byte[] dst, int off) {
        System.arraycopy(stamp, 0, dst, off, STAMP_LENGTH);
        System.arraycopy(shared, STAMP_LENGTH, dst, off + STAMP_LENGTH, shared.length - STAMP_LENGTH);
    }

    /** A checker for a body received in pieces. */
    Verifier verifier() {
        return new Verifier(this);
    }

    /** Compares received pieces with the expected body as they arrive, so no GET is buffered whole. */
    static final class Verifier implements HttpConnection.BodySink {
        private final ObjectBody expected;
        private long position;
        private boolean matches = true;

        private Verifier(ObjectBody expected) {
            this.expected = expected;
        }

        @Override
        public void accept(byte[] b, int off, int len) {
            if (matches) {
                matches = segmentMatches(b, off, len);
            }
            position += len;
        }

        private boolean segmentMatches(byte[] b, int off, int len) {
            if (position + len > expected.length()) {
                return false;
            }
            int pos = (int) position;
            int end = off + len;
            if (pos < STAMP_LENGTH) {
                int n = Math.min(len, STAMP_LENGTH - pos);
                if (Arrays.mismatch(expected.stamp, pos, pos + n, b, off, off + n) >= 0) {
                    return false;
                }
                off += n;
                pos += n;
            }
            return off == end || Arrays.mismatch(expected.shared, pos, pos + (end - off), b, off, end) < 0;
        }

        /** Whether exactly the expected body was received. */
        boolean verified() {
            return matches && position == expected.length();
        }

        long received() {
            return position;
        }
    }
}
