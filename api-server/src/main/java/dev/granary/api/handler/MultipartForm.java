package dev.granary.api.handler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A streaming reader of a {@code multipart/form-data} body (RFC 7578): parts one after the other, each part's
 * content readable as a stream that ends at the next boundary, so a file part of any size passes through a fixed
 * buffer. Used for POST object, where the fields come first and the file is streamed into the store.
 */
final class MultipartForm {
    /** Longest header line of a part. */
    private static final int MAX_HEADER_LINE = 8 * 1024;

    private static final int MAX_HEADERS = 16;

    /** A malformed body; mapped to S3's MalformedPOSTRequest by the caller. */
    static final class MalformedException extends IOException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    /** A part's headers (names lower-cased) and the name and filename of its Content-Disposition. */
    record Part(Map<String, String> headers, String name, String filename) {}

    private final InputStream in;
    /** {@code CRLF -- boundary}: what ends a part's content. */
    private final byte[] delimiter;

    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    /** True while the current part's content has not been read to its delimiter. */
    private boolean inPart;

    private boolean done;

    MultipartForm(InputStream in, String boundary) {
        this.in = in;
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[Math.max(64 * 1024, delimiter.length * 4)];
        // The first boundary has no CRLF before it; pretend it had, so one delimiter fits all.
        buf[0] = '\r';
        buf[1] = '\n';
        lim = 2;
        inPart = true; // the preamble is skipped like a part's content
    }

    /** The boundary parameter of a multipart/form-data Content-Type, or null when it is not one. */
    static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String[] params = contentType.split(";", -1); // keeps a leading empty type: ";" is no form
        if (!params[0].trim().toLowerCase(Locale.ROOT).equals("multipart/form-data")) {
            return null;
        }
        for (int i = 1; i < params.length; i++) {
            String p = params[i].trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("boundary")) {
                String b = unquote(p.substring(eq + 1).trim());
                return b.isEmpty() || b.length() > 200 ? null : b;
            }
        }
        return null;
    }

    /** Moves to the next part, skipping what is left of the current one; null after the last part. */
    Part next() throws IOException {
        if (done) {
            return null;
        }
        byte[] skip = new byte[8192];
        while (inPart) {
            if (readContent(skip, 0, skip.length) < 0) {
                break;
            }
        }
        // After the delimiter: "--" ends the body, otherwise CRLF and the part's headers.
        if (!ensure(2)) {
            throw new MalformedException("body ends after a boundary");
        }
        if (buf[pos] == '-' && buf[pos + 1] == '-') {
            done = true;
            return null;
        }
        String rest = line(); // transport padding up to CRLF
        if (!rest.trim().isEmpty()) {
            throw new MalformedException("garbage after a boundary");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || headers.size() >= MAX_HEADERS) {
                throw new MalformedException("bad part header");
            }
            headers.put(
                    line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).trim());
        }
        String disposition = headers.get("content-disposition");
        if (disposition == null) {
            throw new MalformedException("part without Content-Disposition");
        }
        String name = null;
        String filename = null;
        for (String param : splitParams(disposition)) {
            int eq = param.indexOf('=');
            if (eq > 0) {
                String key = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = unquote(param.substring(eq + 1).trim());
                if (key.equals("name")) {
                    name = value;
                } else if (key.equals("filename")) {
                    filename = value;
                }
            }
        }
        if (name == null) {
            throw new MalformedException("part without a name");
        }
        inPart = true;
        return new Part(headers, name, filename);
    }

    /** The current part's content; it ends (-1) at the part's boundary. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                return readContent(b, off, len);
            }
        };
    }

    /** The current part's content as a string, failing with {@code tooLong} beyond {@code max} bytes. */
    String text(int max) throws IOException {
        byte[] bytes = content().readNBytes(max + 1);
        if (bytes.length > max) {
            return null;
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int readContent(byte[] b, int off, int len) throws IOException {
        if (!inPart) {
            return -1;
        }
        while (true) {
            int found = indexOfDelimiter();
            if (found == pos) {
                pos += delimiter.length;
                inPart = false;
                return -1;
            }
            int available = found >= 0 ? found - pos : lim - pos - (delimiter.length - 1);
            if (available > 0) {
                int n = Math.min(len, available);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
                return n;
            }
            if (!fill()) {
                throw new MalformedException("body ends inside a part");
            }
        }
    }

    /** The position of the delimiter in the buffered bytes, or -1. */
    private int indexOfDelimiter() {
        int last = lim - delimiter.length;
        outer:
        for (int i = pos; i <= last; i++) {
            if (buf[i] != '\r') {
                continue;
            }
            for (int j = 1; j < delimiter.length; j++) {
                if (buf[i + j] != delimiter[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** A header line without its CRLF. */
    private String line() throws IOException {
        while (true) {
            for (int i = pos; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String s = new String(buf, pos, i - pos, StandardCharsets.UTF_8);
                    pos = i + 2;
                    return s;
                }
            }
            if (lim - pos > MAX_HEADER_LINE) {
                throw new MalformedException("part header line too long");
            }
            if (!fill()) {
                throw new MalformedException("body ends inside part headers");
            }
        }
    }

    private boolean ensure(int n) throws IOException {
        while (lim - pos < n) {
            if (!fill()) {
                return false;
            }
        }
        return true;
    }

    /** Reads more bytes after the buffered ones (compacting first); false at the end of the body. */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            throw new MalformedException("part header line too long");
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            eof = true;
            return false;
        }
        lim += n;
        return true;
    }

    private static java.util.List<String> splitParams(String value) {
        java.util.List<String> result = new java.util.ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == '\\' && quoted && i + 1 < value.length()) {
                current.append(c).append(value.charAt(++i));
                continue;
            }
            if (c == ';' && !quoted) {
                result.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        result.add(current.toString());
        return result;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < s.length() - 1; i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length() - 1) {
                    c = s.charAt(++i);
                }
                out.append(c);
            }
            return out.toString();
        }
        return s;
    }
}
