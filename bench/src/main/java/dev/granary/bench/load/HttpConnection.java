package dev.granary.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal blocking HTTP/1.1 client connection with keep-alive: one per worker thread, reused for every request
 * and reopened after an error or a {@code Connection: close}. It does just what S3 load needs (Content-Length
 * request bodies; Content-Length, chunked or close-delimited response bodies) with reusable buffers and no
 * per-request allocation beyond the header strings, so that the driver costs less CPU per operation than the
 * server it measures, which general-purpose clients do not manage on a 2-core machine.
 */
final class HttpConnection implements Closeable {

    /** Receives a 2xx response body piece by piece. */
    @FunctionalInterface
    interface BodySink {
        void accept(byte[] b, int off, int len) throws IOException;
    }

    /**
     * A response.
     *
     * @param status the status code
     * @param contentLength the Content-Length header, or -1
     * @param body the body when no sink took it (errors, listings): at most {@link #MAX_COLLECTED} bytes
     */
    @SuppressWarnings("ArrayRecordComponent") // a response to check, never compared or hashed
    record Response(int status, long contentLength, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Bodies nobody streams (error documents, listings) are kept up to this size; the rest is read and dropped. */
    static final int MAX_COLLECTED = 4 << 20;
    /** Bodies up to this size are sent in one write with the request head (one segment for a small PUT). */
    private static final int INLINE_BODY = 64 << 10;

    private static final int READ_BUFFER = 256 << 10;
    private static final int TIMEOUT_MS = 60_000;

    private final String host;
    private final int port;
    private final byte[] in = new byte[READ_BUFFER];
    private int pos;
    private int limit;
    private byte[] out = new byte[8 << 10];
    private int outLength;
    private Socket socket;
    private InputStream input;
    private OutputStream output;

    HttpConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Sends a request and reads its response.
     *
     * @param method the method
     * @param target the raw path and query, as sent
     * @param headers header lines to send (a Host header among them), in iteration order
     * @param body the request body, or null for none
     * @param sink where a 2xx response body goes, or null to collect it into {@link Response#body()}
     * @return the response
     * @throws IOException when the exchange fails; the connection is closed and reopens on the next request
     */
    Response exchange(String method, String target, Map<String, String> headers, ObjectBody body, BodySink sink)
            throws IOException {
        try {
            ensureOpen();
            writeRequest(method, target, headers, body);
            return readResponse(method.equals("HEAD"), sink);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void ensureOpen() throws IOException {
        if (socket == null) {
            Socket s = new Socket();
            s.setTcpNoDelay(true); // request heads and small bodies must not wait for Nagle
            s.setSoTimeout(TIMEOUT_MS); // a hung server fails the operation instead of the whole run
            s.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket = s;
            input = s.getInputStream();
            output = s.getOutputStream();
            pos = 0;
            limit = 0;
        }
    }

    private void writeRequest(String method, String target, Map<String, String> headers, ObjectBody body)
            throws IOException {
        outLength = 0;
        ascii(method).ascii(" ").ascii(target).ascii(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> header : headers.entrySet()) {
            ascii(header.getKey()).ascii(": ").ascii(header.getValue()).ascii("\r\n");
        }
        int length = body == null ? 0 : body.length();
        if (body != null || method.equals("PUT") || method.equals("POST")) {
            ascii("Content-Length: ").ascii(Integer.toString(length)).ascii("\r\n");
        }
        ascii("\r\n");
        if (body != null && length <= INLINE_BODY) {
            reserve(length);
            body.copyTo(out, outLength);
            outLength += length;
            output.write(out, 0, outLength);
        } else {
            output.write(out, 0, outLength);
            if (body != null) {
                body.writeTo(output);
            }
        }
        output.flush();
    }

    private HttpConnection ascii(String s) {
        reserve(s.length());
        for (int i = 0; i < s.length(); i++) {
            out[outLength++] = (byte) s.charAt(i); // header text is ASCII by construction
        }
        return this;
    }

    private void reserve(int more) {
        if (outLength + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + more));
        }
    }

    // ---- response ------------------------------------------------------------------------------------------

    private Response readResponse(boolean head, BodySink sink) throws IOException {
        Head h;
        do {
            h = readHead();
        } while (h.status == 100); // an unasked-for 100 Continue is followed by the real response
        boolean noBody = head || h.status == 204 || h.status == 304;
        ByteArrayOutputStream collected = null;
        BodySink target = sink;
        if (sink == null || h.status / 100 != 2) {
            collected = new ByteArrayOutputStream();
            ByteArrayOutputStream c = collected;
            target = (b, off, len) -> c.write(b, off, Math.max(0, Math.min(len, MAX_COLLECTED - c.size())));
        }
        boolean closeAfter = h.close;
        if (!noBody) {
            if (h.chunked) {
                readChunked(target);
            } else if (h.contentLength >= 0) {
                readFixed(h.contentLength, target);
            } else {
                readUntilClose(target);
                closeAfter = true;
            }
        }
        if (closeAfter) {
            close();
        }
        return new Response(h.status, h.contentLength, collected == null ? null : collected.toByteArray());
    }

    private record Head(int status, long contentLength, boolean chunked, boolean close) {}

    private Head readHead() throws IOException {
        int end;
        while ((end = indexOfHeadEnd()) < 0) {
            if (pos > 0) {
                compact();
            }
            if (limit == in.length) {
                throw new IOException("response head longer than " + in.length + " bytes");
            }
            fillOrFail();
        }
        int lineEnd = indexOf((byte) '\n', pos, end + 2); // end + 1 holds the LF of the last line
        // "HTTP/1.1 200 OK": the status is the three digits after the first space.
        int space = indexOf((byte) ' ', pos, lineEnd);
        if (space < 0 || space + 4 > lineEnd) {
            throw new IOException("malformed status line");
        }
        int status = (in[space + 1] - '0') * 100 + (in[space + 2] - '0') * 10 + (in[space + 3] - '0');
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (int line = lineEnd + 1; line < end; ) {
            int next = indexOf((byte) '\n', line, end + 2);
            int colon = indexOf((byte) ':', line, next);
            if (colon > 0) {
                String name = new String(in, line, colon - line, StandardCharsets.ISO_8859_1);
                String value = new String(in, colon + 1, next - colon - 1, StandardCharsets.ISO_8859_1).strip();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    close = value.equalsIgnoreCase("close");
                }
            }
            line = next + 1;
        }
        pos = end + 4;
        return new Head(status, contentLength, chunked, close);
    }

    /** The index of the CR of the blank line ending the head in the buffered bytes, or -1. */
    private int indexOfHeadEnd() {
        for (int i = pos; i + 3 < limit; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n' && in[i + 2] == '\r' && in[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < Math.min(to, limit); i++) {
            if (in[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private void readFixed(long length, BodySink sink) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            if (pos == limit) {
                pos = 0;
                limit = 0;
                fillOrFail();
            }
            int n = (int) Math.min(remaining, limit - pos);
            sink.accept(in, pos, n);
            pos += n;
            remaining -= n;
        }
    }

    private void readChunked(BodySink sink) throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).strip(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers: none that matter here
                }
                return;
            }
            readFixed(size, sink);
            readLine(); // the CRLF after the chunk data
        }
    }

    private String readLine() throws IOException {
        while (true) {
            int nl = indexOf((byte) '\n', pos, limit);
            if (nl >= 0) {
                int end = nl > pos && in[nl - 1] == '\r' ? nl - 1 : nl;
                String line = new String(in, pos, end - pos, StandardCharsets.ISO_8859_1);
                pos = nl + 1;
                return line;
            }
            compact();
            if (limit == in.length) {
                throw new IOException("chunk header line too long");
            }
            fillOrFail();
        }
    }

    private void readUntilClose(BodySink sink) throws IOException {
        while (true) {
            if (pos < limit) {
                sink.accept(in, pos, limit - pos);
            }
            pos = 0;
            limit = 0;
            if (fill() < 0) {
                return;
            }
        }
    }

    private void compact() {
        System.arraycopy(in, pos, in, 0, limit - pos);
        limit -= pos;
        pos = 0;
    }

    private int fill() throws IOException {
        int n = input.read(in, limit, in.length - limit);
        if (n > 0) {
            limit += n;
        }
        return n;
    }

    private void fillOrFail() throws IOException {
        if (fill() < 0) {
            throw new EOFException("connection closed by the server mid-response");
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing left to do
            }
            socket = null;
            input = null;
            output = null;
        }
    }
}
