package dev.granary.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection on a raw socket, for what no HTTP client sends: pipelined requests, lengths that lie or
 * overflow, malformed header sections. Answers are read one at a time, so several requests can share the
 * connection; every read is bounded by the socket timeout.
 */
final class RawConnection implements AutoCloseable {
    /** How long any one read may wait: a server that neither answers nor closes fails the test instead of hanging. */
    static final int READ_TIMEOUT_MILLIS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes all of {@code parts} in one go, so that requests among them arrive pipelined. */
    RawConnection send(byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.write(part);
        }
        out.write(all.toByteArray());
        out.flush();
        return this;
    }

    RawConnection send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one answer as {@link #read()} does, or null when the server closed (or reset) the connection first. */
    Answer readOrNull() throws IOException {
        try {
            return read();
        } catch (SocketException e) {
            return null; // reset
        } catch (IOException e) {
            if ("connection closed before an answer".equals(e.getMessage())) {
                return null;
            }
            throw e;
        }
    }

    /** Reads one answer: status line, headers and a body framed by Content-Length or chunked encoding. */
    Answer read() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new IOException("connection closed before an answer");
        }
        String[] status = statusLine.split(" ", 3);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        Answer head = new Answer(Integer.parseInt(status[1]), status.length > 2 ? status[2] : "", headers, new byte[0]);
        byte[] body;
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";", -1)[0].trim(), 16)) > 0; ) {
                chunks.write(in.readNBytes(size));
                line();
            }
            line();
            body = chunks.toByteArray();
        } else {
            String length = head.header("content-length");
            body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        }
        return new Answer(head.status(), head.reason(), headers, body);
    }

    /**
     * Whether the server closed the connection: the next read sees its end (or a reset) before the read timeout.
     * A connection still open after the timeout is not closed; a byte sent instead is a failure of the caller's
     * expectations, reported as not closed.
     */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** One HTTP answer; header names lower-cased. */
    @SuppressWarnings("ArrayRecordComponent") // an answer to assert on, never compared or hashed as a whole
    record Answer(int status, String reason, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return status + " " + reason + " " + headers + "\n" + text();
        }
    }
}
