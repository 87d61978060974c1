package dev.granary.api.xml;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes S3 response documents. S3 documents are small and regular, so a StringBuilder with correct escaping
 * is faster and simpler than a StAX writer. Elements with null values are skipped.
 */
public final class XmlWriter {
    /** The namespace every S3 response document declares on its root. */
    public static final String S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** What XML 1.0 cannot carry, even as a character reference, is written as this in a well-formed document. */
    static final char REPLACEMENT = '\uFFFD';

    private final StringBuilder out = new StringBuilder(512);
    private final Deque<String> open = new ArrayDeque<>();
    /** Whether text must parse as XML 1.0 whatever it holds (see {@link #errorDocument}). */
    private boolean wellFormed;

    private XmlWriter() {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }

    /** Starts a document whose root carries the S3 namespace. */
    public static XmlWriter document(String root) {
        XmlWriter w = new XmlWriter();
        w.out.append('<').append(root).append(" xmlns=\"").append(S3_NS).append("\">");
        w.open.push(root);
        return w;
    }

    /** A document whose root element holds only text, e.g. a LocationConstraint. */
    public static XmlWriter textDocument(String root, String text) {
        XmlWriter w = new XmlWriter();
        w.out.append('<').append(root).append(" xmlns=\"").append(S3_NS).append("\">");
        w.escape(text);
        w.out.append("</").append(root).append('>');
        return w;
    }

    /** Starts a document whose root has no namespace (S3's Error document). */
    public static XmlWriter plainDocument(String root) {
        XmlWriter w = new XmlWriter();
        w.out.append('<').append(root).append('>');
        w.open.push(root);
        return w;
    }

    /**
     * Starts S3's Error document (no namespace), whose text any XML 1.0 parser accepts whatever the request carried:
     * an error echoes what it could not use (a bucket name from "%00", a key, the request path), and an error an SDK
     * cannot parse is reported as an unknown one. Characters XML 1.0 forbids even as references (U+0000 to U+001F
     * but tab, CR and LF; U+FFFE, U+FFFF; unpaired surrogates) become U+FFFD.
     */
    public static XmlWriter errorDocument() {
        XmlWriter w = plainDocument("Error");
        w.wellFormed = true;
        return w;
    }

    public XmlWriter start(String name) {
        out.append('<').append(name).append('>');
        open.push(name);
        return this;
    }

    /** Starts an element with one attribute, e.g. {@code Grantee xsi:type}. */
    public XmlWriter start(String name, String attributes) {
        out.append('<').append(name).append(' ').append(attributes).append('>');
        open.push(name);
        return this;
    }

    public XmlWriter end() {
        out.append("</").append(open.pop()).append('>');
        return this;
    }

    /** A text element; skipped when value is null. */
    public XmlWriter element(String name, String value) {
        if (value != null) {
            out.append('<').append(name).append('>');
            escape(value);
            out.append("</").append(name).append('>');
        }
        return this;
    }

    public XmlWriter element(String name, long value) {
        out.append('<')
                .append(name)
                .append('>')
                .append(value)
                .append("</")
                .append(name)
                .append('>');
        return this;
    }

    public XmlWriter element(String name, boolean value) {
        out.append('<')
                .append(name)
                .append('>')
                .append(value)
                .append("</")
                .append(name)
                .append('>');
        return this;
    }

    /** A timestamp element in S3's ISO-8601 form with milliseconds, e.g. 2009-10-12T17:50:30.000Z. */
    public XmlWriter element(String name, Instant value) {
        return element(name, iso8601(value));
    }

    /** Formats a time the way S3 XML does. */
    public static String iso8601(Instant value) {
        return ISO_MILLIS.format(value);
    }

    /** Closes every open element and returns the document as UTF-8. */
    public byte[] toBytes() {
        while (!open.isEmpty()) {
            end();
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** As {@link #toBytes}, without S3's namespace: Alibaba Cloud OSS's XML has none (its SDK reads no other). */
    public byte[] toBytesWithoutNamespace() {
        while (!open.isEmpty()) {
            end();
        }
        return out.toString().replace(" xmlns=\"" + S3_NS + "\"", "").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (wellFormed && !isXmlChar(s, i)) {
                        out.append(REPLACEMENT);
                    } else if (c < 0x20 && c != '\t') {
                        // Control characters: AWS sends them as character references. XML 1.0 allows only CR and
                        // LF among them even as references, so a listing holding others parses only leniently, as
                        // AWS's does; SDKs ask for encoding-type=url and never see them. CR and LF as references
                        // survive parsers' newline normalizing.
                        out.append("&#x")
                                .append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT))
                                .append(';');
                    } else if (wellFormed && Character.isHighSurrogate(c)) {
                        out.append(c).append(s.charAt(++i)); // a pair: isXmlChar checked the low half
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    /**
     * Whether the character at {@code i} is one XML 1.0 allows (its Char production): tab, CR, LF, U+0020 to
     * U+D7FF, U+E000 to U+FFFD, and a surrogate pair.
     */
    private static boolean isXmlChar(String s, int i) {
        char c = s.charAt(i);
        if (c < 0x20) {
            return c == '\t' || c == '\r' || c == '\n';
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return !Character.isLowSurrogate(c) && c != '\uFFFE' && c != '\uFFFF';
    }
}
