package dev.granary.auth;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.codec.binary.Hex;

/**
 * Decodes an aws-chunked body: {@code hex-size[;chunk-signature=sig]\r\n data \r\n ... 0[;...]\r\n [trailers]
 * \r\n}. Chunk data streams through without being buffered, so memory stays at one read buffer whatever the
 * chunk size; a chunk's signature is checked when its last byte has been read, before that read returns, so the
 * stream never reaches its end with a forged chunk.
 *
 * <p>Lenient where real clients differ: unknown chunk extensions are ignored, a bare LF ends a line, an empty line
 * may precede the trailers, and the final CRLF may be missing.
 */
final class AwsChunkedInputStream extends InputStream {

    /** The largest chunk accepted; SDKs send 64 KiB to a few MiB. Chunks stream through, so this is a sanity cap. */
    static final int MAX_CHUNK_SIZE = 16 << 20;

    private static final int BUFFER_SIZE = 64 << 10;
    private static final int MAX_LINE = 4096;
    private static final int MAX_TRAILER_BYTES = 16 << 10;
    private static final String TRAILER_SIGNATURE = "x-amz-trailer-signature";

    private enum State {
        HEADER,
        DATA,
        DONE
    }

    private final InputStream in;
    private final PayloadMode mode;
    private final SigningContext signing;
    private final MessageDigest chunkDigest;
    private final byte[] buf = new byte[BUFFER_SIZE];
    private final StringBuilder line = new StringBuilder(128);
    private final byte[] one = new byte[1];
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private int pos;
    private int limit;
    private State state = State.HEADER;
    private long chunkRemaining;
    private String chunkSignature;
    private String previousSignature;

    /**
     * @param in the raw body
     * @param mode a chunked mode
     * @param signing the request's signing context; required when the mode has chunk signatures
     */
    AwsChunkedInputStream(InputStream in, PayloadMode mode, SigningContext signing) {
        this.in = in;
        this.mode = mode;
        this.signing = signing;
        this.chunkDigest = mode.hasChunkSignatures() ? SigV4.sha256() : null;
        this.previousSignature = signing == null ? null : signing.seedSignature();
    }

    /** The trailing headers, keyed by lower-case name; complete once the stream has reached its end. */
    Map<String, String> trailers() {
        return Collections.unmodifiableMap(trailers);
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (state != State.DONE) {
            if (state == State.HEADER) {
                readChunkHeader();
                continue;
            }
            int n = (int) Math.min(len, chunkRemaining);
            if (pos < limit) {
                n = Math.min(n, limit - pos);
                System.arraycopy(buf, pos, b, off, n);
                pos += n;
            } else {
                // Nothing buffered: read straight into the caller's array and save a copy.
                n = in.read(b, off, n);
                if (n < 0) {
                    throw incomplete();
                }
            }
            if (chunkDigest != null) {
                chunkDigest.update(b, off, n);
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0) {
                endChunkData();
            }
            return n;
        }
        return -1;
    }

    private void readChunkHeader() throws IOException {
        String header = readLine();
        if (header == null) {
            throw incomplete();
        }
        int semicolon = header.indexOf(';');
        String sizeText = (semicolon < 0 ? header : header.substring(0, semicolon)).strip();
        long size = parseSize(sizeText);
        chunkSignature = null;
        if (semicolon >= 0) {
            for (String extension : header.substring(semicolon + 1).split(";", -1)) {
                int eq = extension.indexOf('=');
                if (eq > 0 && extension.substring(0, eq).strip().equals("chunk-signature")) {
                    chunkSignature = extension.substring(eq + 1).strip();
                }
            }
        }
        if (chunkDigest != null && chunkSignature == null) {
            throw new PayloadException(AuthError.SIGNATURE_DOES_NOT_MATCH, "Chunk is missing its chunk-signature.");
        }
        if (size > 0) {
            chunkRemaining = size;
            state = State.DATA;
        } else {
            verifyChunkSignature();
            if (mode.hasTrailer()) {
                readTrailers();
            } else {
                String end = readLine();
                if (end != null && !end.isEmpty()) {
                    throw new PayloadException(
                            AuthError.INCOMPLETE_BODY, "Unexpected data after the final chunk of the body.");
                }
            }
            state = State.DONE;
        }
    }

    private static long parseSize(String sizeText) throws PayloadException {
        if (sizeText.isEmpty() || sizeText.length() > 8) {
            throw badSize(sizeText);
        }
        long size = 0;
        for (int i = 0; i < sizeText.length(); i++) {
            int digit = Character.digit(sizeText.charAt(i), 16);
            if (digit < 0 || sizeText.charAt(i) > 'f') {
                throw badSize(sizeText);
            }
            size = size << 4 | digit;
        }
        if (size > MAX_CHUNK_SIZE) {
            throw new PayloadException(
                    AuthError.INVALID_CHUNK_SIZE,
                    "Chunk size " + size + " exceeds the maximum of " + MAX_CHUNK_SIZE + " bytes.");
        }
        return size;
    }

    private static PayloadException badSize(String sizeText) {
        String shown = sizeText.length() > 20 ? sizeText.substring(0, 20) + "..." : sizeText;
        return new PayloadException(AuthError.INVALID_CHUNK_SIZE, "Invalid chunk size \"" + shown + "\".");
    }

    private void endChunkData() throws IOException {
        String end = readLine();
        if (end == null) {
            throw incomplete();
        }
        if (!end.isEmpty()) {
            throw new PayloadException(AuthError.INCOMPLETE_BODY, "Chunk data is longer than its declared size.");
        }
        verifyChunkSignature();
        state = State.HEADER;
    }

    private void verifyChunkSignature() throws PayloadException {
        if (chunkDigest == null) {
            return;
        }
        String expected = signing.chunkSignature(previousSignature, Hex.encodeHexString(chunkDigest.digest()));
        if (!SigV4.signaturesMatch(expected, chunkSignature)) {
            throw new PayloadException(
                    AuthError.SIGNATURE_DOES_NOT_MATCH, AuthError.SIGNATURE_DOES_NOT_MATCH.defaultMessage());
        }
        previousSignature = expected;
    }

    private void readTrailers() throws IOException {
        StringBuilder canonical = new StringBuilder();
        String signature = null;
        int total = 0;
        boolean first = true;
        for (String trailer = readLine(); trailer != null; trailer = readLine()) {
            if (trailer.isEmpty()) {
                if (first) {
                    // Some clients (and AWS's own documentation example) put an empty line before the trailers.
                    first = false;
                    continue;
                }
                break;
            }
            first = false;
            total += trailer.length();
            int colon = trailer.indexOf(':');
            if (colon <= 0 || total > MAX_TRAILER_BYTES) {
                throw new PayloadException(
                        AuthError.MALFORMED_TRAILER_ERROR, AuthError.MALFORMED_TRAILER_ERROR.defaultMessage());
            }
            String name = trailer.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = trailer.substring(colon + 1).strip();
            if (name.equals(TRAILER_SIGNATURE)) {
                signature = value;
            } else {
                trailers.put(name, value);
                canonical.append(name).append(':').append(value).append('\n');
            }
        }
        if (mode.hasChunkSignatures() && (signature != null || !trailers.isEmpty())) {
            String expected = signing.trailerSignature(
                    previousSignature, SigV4.sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            if (!SigV4.signaturesMatch(expected, signature)) {
                throw new PayloadException(
                        AuthError.SIGNATURE_DOES_NOT_MATCH, AuthError.SIGNATURE_DOES_NOT_MATCH.defaultMessage());
            }
        }
    }

    /**
     * Reads one line ended by CRLF or LF, without the ending.
     *
     * @return the line, or null at end of stream; a last line without its ending is returned as is
     */
    private String readLine() throws IOException {
        line.setLength(0);
        boolean any = false;
        while (true) {
            if (pos == limit && !fill()) {
                return any ? stripCr(line) : null;
            }
            any = true;
            byte c = buf[pos++];
            if (c == '\n') {
                return stripCr(line);
            }
            if (line.length() >= MAX_LINE) {
                throw new PayloadException(AuthError.INCOMPLETE_BODY, "Malformed aws-chunked framing: line too long.");
            }
            line.append((char) (c & 0xff));
        }
    }

    private static String stripCr(StringBuilder line) {
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        while (n == 0) {
            n = in.read(buf, 0, buf.length);
        }
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    private static PayloadException incomplete() {
        return new PayloadException(AuthError.INCOMPLETE_BODY, AuthError.INCOMPLETE_BODY.defaultMessage());
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
