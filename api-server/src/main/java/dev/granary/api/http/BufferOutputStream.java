package dev.granary.api.http;

import io.undertow.io.BufferWritableOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Undertow's response stream seen as a {@link WritableByteChannel} too, so that an object stream can hand over
 * its (direct) buffers, which Undertow writes to the socket as they are, instead of byte arrays it copies into
 * its own buffers first. The engine knows only the JDK interface.
 */
final class BufferOutputStream extends OutputStream implements WritableByteChannel {
    private final OutputStream out;
    private final BufferWritableOutputStream buffers;

    private BufferOutputStream(OutputStream out, BufferWritableOutputStream buffers) {
        this.out = out;
        this.buffers = buffers;
    }

    /** {@code out} itself when it cannot take buffers. */
    static OutputStream of(OutputStream out) {
        return out instanceof BufferWritableOutputStream buffers ? new BufferOutputStream(out, buffers) : out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        buffers.write(src);
        src.position(src.limit()); // written to the end, whatever Undertow did with the position
        return n;
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
