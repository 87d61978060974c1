package dev.granary.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Hex;

/**
 * The SigV4 algorithm itself, shared by the verifier, the signer and the chunk decoder: canonical request,
 * string to sign, key derivation and the S3 flavour of URI encoding. Pure functions of their arguments, with the
 * service a parameter so that AWS's generic test suite (service "service") can check them.
 */
final class SigV4 {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String TERMINATOR = "aws4_request";
    static final String SERVICE_S3 = "s3";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    static final String X_AMZ_SIGNATURE = "X-Amz-Signature";

    /** ISO 8601 basic format, as in x-amz-date and X-Amz-Date. */
    static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final boolean[] UNRESERVED = new boolean[128];

    // Looking up a Mac or MessageDigest by name walks the security providers on every call, which cost more
    // than the hashing itself for a small request; each worker thread keeps its own instances instead.
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is a required JDK algorithm", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(SigV4::sha256);
    private static final char[] UPPER_HEX = "0123456789ABCDEF".toCharArray();

    static {
        for (char c = 'A'; c <= 'Z'; c++) {
            UNRESERVED[c] = true;
            UNRESERVED[Character.toLowerCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            UNRESERVED[c] = true;
        }
        for (char c : "-._~".toCharArray()) {
            UNRESERVED[c] = true;
        }
    }

    private SigV4() {}

    // ---- encoding -------------------------------------------------------------------------------------------

    /** Receives the bytes of a percent-encoded string one at a time. */
    @FunctionalInterface
    private interface ByteSink {
        /** @param escaped whether the byte arrived as a %XX escape rather than literally */
        void accept(int b, boolean escaped);
    }

    /**
     * Walks the bytes a raw (possibly partly percent-encoded) URI component stands for. Clients differ in what
     * they leave unencoded ('!', '(', '*', non-ASCII characters), so the canonical form is rebuilt from the bytes
     * rather than trusted; a '%' not followed by two hex digits is taken literally, as a lenient server would.
     */
    private static void forEachByte(
            String raw, int from, int to, boolean decodeEscapes, boolean plusAsSpace, ByteSink sink) {
        for (int i = from; i < to; ) {
            char c = raw.charAt(i);
            int hi;
            int lo;
            if (decodeEscapes
                    && c == '%'
                    && (hi = hexValue(raw, i + 1, to)) >= 0
                    && (lo = hexValue(raw, i + 2, to)) >= 0) {
                sink.accept(hi << 4 | lo, true);
                i += 3;
            } else if (c < 0x80) {
                sink.accept(plusAsSpace && c == '+' ? ' ' : c, false);
                i++;
            } else {
                int cp = raw.codePointAt(i);
                int n = Character.charCount(cp);
                for (byte b : raw.substring(i, i + n).getBytes(StandardCharsets.UTF_8)) {
                    sink.accept(b & 0xff, false);
                }
                i += n;
            }
        }
    }

    /** The value of an ASCII hex digit at s[i], or -1 (also past the end). */
    private static int hexValue(String s, int i, int to) {
        if (i >= to) {
            return -1;
        }
        char c = s.charAt(i);
        return c >= '0' && c <= '9'
                ? c - '0'
                : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    /**
     * Re-encodes a raw URI component the way SigV4 canonicalizes it: every byte but A-Z a-z 0-9 - . _ ~ as %XX
     * with upper-case hex. In a path a literal '/' stays a separator while an escaped one ("%2F", part of a key)
     * stays escaped; nothing else is normalized, because S3 keeps "//" and dot segments as part of the key.
     */
    static String canonicalEncode(String raw, int from, int to, boolean path, boolean plusAsSpace) {
        return encodeBytes(raw, from, to, true, path, plusAsSpace);
    }

    private static String encodeBytes(
            String raw, int from, int to, boolean decodeEscapes, boolean path, boolean plusAsSpace) {
        StringBuilder out = new StringBuilder(to - from + 16);
        forEachByte(raw, from, to, decodeEscapes, plusAsSpace, (b, escaped) -> {
            if ((b < 0x80 && UNRESERVED[b]) || (path && b == '/' && !escaped)) {
                out.append((char) b);
            } else {
                out.append('%').append(UPPER_HEX[b >> 4]).append(UPPER_HEX[b & 0xf]);
            }
        });
        return out.toString();
    }

    /** Percent-decodes a raw query component to text (UTF-8). */
    static String decode(String raw, int from, int to, boolean plusAsSpace) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        forEachByte(raw, from, to, true, plusAsSpace, (b, escaped) -> out.write(b));
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Percent-encodes literal text with SigV4's rules, for building signed requests.
     *
     * @param path whether '/' stays as is (a path) or is encoded (a query component)
     */
    static String encode(String text, boolean path) {
        return encodeBytes(text, 0, text.length(), false, path, false);
    }

    /** The canonical URI of a raw request path; an empty path is "/". */
    static String canonicalUri(String rawPath) {
        return rawPath.isEmpty() ? "/" : canonicalEncode(rawPath, 0, rawPath.length(), true, false);
    }

    /** One name=value pair of a query string, decoded and in canonical encoding. */
    record QueryParam(String name, String value, String canonicalName, String canonicalValue) {}

    /**
     * Splits a raw query on '&amp;'. A parameter without '=' has an empty value, as S3 subresources ("?acl")
     * are signed.
     */
    static List<QueryParam> parseQuery(String rawQuery, boolean plusAsSpace) {
        List<QueryParam> params = new ArrayList<>();
        int start = 0;
        int n = rawQuery.length();
        while (start < n) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                int nameEnd = eq < 0 || eq > end ? end : eq;
                int valueStart = nameEnd == end ? end : nameEnd + 1;
                params.add(new QueryParam(
                        decode(rawQuery, start, nameEnd, plusAsSpace),
                        decode(rawQuery, valueStart, end, plusAsSpace),
                        canonicalEncode(rawQuery, start, nameEnd, false, plusAsSpace),
                        canonicalEncode(rawQuery, valueStart, end, false, plusAsSpace)));
            }
            start = end + 1;
        }
        return params;
    }

    /** The canonical query string: pairs sorted by encoded name, then encoded value; X-Amz-Signature left out. */
    static String canonicalQuery(List<QueryParam> params) {
        List<QueryParam> sorted = new ArrayList<>(params.size());
        for (QueryParam p : params) {
            if (!p.name().equals(X_AMZ_SIGNATURE)) {
                sorted.add(p);
            }
        }
        // Encoded strings are ASCII, so String order is the byte order SigV4 asks for.
        sorted.sort((a, b) -> {
            int c = a.canonicalName().compareTo(b.canonicalName());
            return c != 0 ? c : a.canonicalValue().compareTo(b.canonicalValue());
        });
        StringBuilder out = new StringBuilder();
        for (QueryParam p : sorted) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(p.canonicalName()).append('=').append(p.canonicalValue());
        }
        return out.toString();
    }

    /**
     * A header's canonical value: each value trimmed with inner runs of spaces collapsed to one, multiple
     * values joined with ','. A signed header the request lacks canonicalizes to the empty string, so the
     * signature simply fails to match.
     */
    static String canonicalHeaderValue(List<String> values) {
        if (values == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int v = 0; v < values.size(); v++) {
            if (v > 0) {
                out.append(',');
            }
            String value = values.get(v).strip();
            boolean inSpace = false;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                boolean space = c == ' ' || c == '\t';
                if (!space) {
                    out.append(c);
                } else if (!inSpace) {
                    out.append(' ');
                }
                inSpace = space;
            }
        }
        return out.toString();
    }

    /**
     * Builds the canonical request.
     *
     * @param request the request as received
     * @param params the request's parsed query
     * @param signedHeaders lower-case header names, in the order the client listed them
     * @param payloadHash the hashed-payload line: a hex digest or one of the literal payload markers
     */
    static String canonicalRequest(
            SignableRequest request, List<QueryParam> params, List<String> signedHeaders, String payloadHash) {
        StringBuilder out = new StringBuilder(256);
        out.append(request.method()).append('\n');
        out.append(canonicalUri(request.rawPath())).append('\n');
        out.append(canonicalQuery(params)).append('\n');
        for (String name : signedHeaders) {
            out.append(name)
                    .append(':')
                    .append(canonicalHeaderValue(request.headers().get(name)))
                    .append('\n');
        }
        out.append('\n');
        out.append(String.join(";", signedHeaders)).append('\n');
        out.append(payloadHash);
        return out.toString();
    }

    /** The credential scope: date/region/service/aws4_request. */
    static String scope(String date, String region, String service) {
        return date + '/' + region + '/' + service + '/' + TERMINATOR;
    }

    /** The string to sign for a request. */
    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
    }

    /** The string to sign for one chunk of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body. */
    static String chunkStringToSign(String amzDate, String scope, String previousSignature, String chunkSha256Hex) {
        return "AWS4-HMAC-SHA256-PAYLOAD\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n' + EMPTY_SHA256
                + '\n' + chunkSha256Hex;
    }

    /** The string to sign for the trailer of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER body. */
    static String trailerStringToSign(String amzDate, String scope, String previousSignature, String trailerSha256Hex) {
        return "AWS4-HMAC-SHA256-TRAILER\n" + amzDate + '\n' + scope + '\n' + previousSignature + '\n'
                + trailerSha256Hex;
    }

    /** Derives the signing key: four chained HMACs over date, region, service and terminator. */
    static byte[] signingKey(String secretKey, String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, TERMINATOR);
    }

    /** Hex of HMAC-SHA256(signingKey, stringToSign). */
    static String signature(byte[] signingKey, String stringToSign) {
        return Hex.encodeHexString(hmac(signingKey, stringToSign));
    }

    /** Compares a computed signature with a client's in constant time, ignoring hex letter case. */
    static boolean signaturesMatch(String expected, String provided) {
        return provided != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.US_ASCII),
                        provided.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = HMAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 key rejected", e);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    static String sha256Hex(String data) {
        return sha256Hex(data.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] data) {
        return Hex.encodeHexString(SHA256.get().digest(data));
    }

    /**
     * Parses the ISO 8601 basic form {@code yyyyMMdd'T'HHmmss'Z'} by hand, or returns null when {@code s} is not
     * exactly that (the caller then falls back to {@link #AMZ_DATE}).
     */
    static Instant parseBasicAmzDate(String s) {
        if (s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') {
            return null;
        }
        for (int i = 0; i < 15; i++) {
            if (i != 8 && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                return null;
            }
        }
        try {
            return java.time.LocalDateTime.of(
                            digits(s, 0, 4),
                            digits(s, 4, 6),
                            digits(s, 6, 8),
                            digits(s, 9, 11),
                            digits(s, 11, 13),
                            digits(s, 13, 15))
                    .toInstant(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    static String formatAmzDate(Instant instant) {
        return AMZ_DATE.format(instant);
    }
}
