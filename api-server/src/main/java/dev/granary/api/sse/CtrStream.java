package dev.granary.api.sse;

import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-CTR over a stream, in both directions (CTR encrypts and decrypts alike). The bytes are a sequence of
 * segments (the parts of a multipart object, or one segment), each encrypted from its own initial counter block;
 * the stream may start at any byte: the counter for byte {@code o} of a segment is its IV plus {@code o / 16},
 * and the first {@code o % 16} bytes of that block's key stream are dropped. So a range is decrypted without
 * reading what precedes it, and {@link #skip} moves the underlying stream without decrypting. Memory is one
 * cipher; bytes are transformed in the caller's buffer.
 */
public final class CtrStream extends InputStream {
    /** AES block: the counter advances once per 16 bytes. */
    static final int BLOCK = 16;

    /**
     * One independently encrypted run of bytes.
     *
     * @param length its length in bytes
     * @param iv its initial counter block (16 bytes)
     */
    @SuppressWarnings("ArrayRecordComponent") // a layout entry, never compared or hashed
    public record Segment(long length, byte[] iv) {
        public Segment {
            if (iv.length != BLOCK) {
                throw new IllegalArgumentException("the IV must be " + BLOCK + " bytes, got " + iv.length);
            }
        }
    }

    private final InputStream in;
    private final SecretKeySpec key;
    private final List<Segment> segments;
    private long position;
    private int segment;
    private long segmentStart;
    private Cipher cipher; // null: (re)initialised at position by the next read

    private CtrStream(InputStream in, byte[] key, List<Segment> segments, long offset) {
        this.in = Objects.requireNonNull(in, "in");
        this.key = new SecretKeySpec(key, "AES");
        this.segments = List.copyOf(segments);
        this.position = offset;
    }

    /**
     * Transforms {@code in}, whose first byte is byte {@code offset} of the concatenated segments.
     *
     * @param key the AES-256 data key
     */
    public static CtrStream of(InputStream in, byte[] key, List<Segment> segments, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        return new CtrStream(in, key, segments, offset);
    }

    /** Encrypts (or decrypts) a whole stream from its first byte as one segment. */
    public static CtrStream of(InputStream in, byte[] key, byte[] iv) {
        return of(in, key, List.of(new Segment(Long.MAX_VALUE, iv)), 0);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n <= 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!locate()) {
            // Past the last segment: there are no bytes to transform, and the source must have none either.
            int n = in.read(b, off, len);
            if (n > 0) {
                throw new IOException("the stream is longer than its encrypted segments");
            }
            return -1;
        }
        long segmentEnd = segmentStart + segments.get(segment).length();
        int want = (int) Math.min(len, segmentEnd - position);
        int n = in.read(b, off, want);
        if (n <= 0) {
            return n;
        }
        try {
            int out = cipher.update(b, off, n, b, off);
            if (out != n) {
                throw new IllegalStateException("CTR returned " + out + " of " + n + " bytes");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR failed", e);
        }
        position += n;
        if (position == segmentEnd) {
            cipher = null; // the next byte belongs to the next segment
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        if (skipped > 0) {
            position += skipped;
            cipher = null;
        }
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Finds the segment of {@code position} and readies the cipher there; false past the last segment. */
    private boolean locate() {
        if (cipher != null) {
            return true;
        }
        // Segments before the position are skipped from the start each time: repositioning is rare (a skip).
        segment = 0;
        segmentStart = 0;
        while (segment < segments.size()
                && position - segmentStart >= segments.get(segment).length()) {
            segmentStart += segments.get(segment).length();
            segment++;
        }
        if (segment == segments.size()) {
            return false;
        }
        long within = position - segmentStart;
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(
                    Cipher.ENCRYPT_MODE,
                    key,
                    new IvParameterSpec(counter(segments.get(segment).iv(), within / BLOCK)));
            int drop = (int) (within % BLOCK);
            if (drop > 0) {
                c.update(new byte[drop]);
            }
            cipher = c;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is not available", e);
        }
        return true;
    }

    /** The counter block {@code blocks} after {@code iv}: a 128-bit big-endian addition, as CTR counts. */
    static byte[] counter(byte[] iv, long blocks) {
        byte[] c = iv.clone();
        long carry = blocks;
        for (int i = BLOCK - 1; i >= 0 && carry != 0; i--) {
            long sum = (c[i] & 0xff) + (carry & 0xff);
            c[i] = (byte) sum;
            carry = (carry >>> 8) + (sum >>> 8);
        }
        return c;
    }
}
