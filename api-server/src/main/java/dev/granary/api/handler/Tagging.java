package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.UrlCodec;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * Tag sets of objects and buckets: the {@code Tagging} document, the {@code x-amz-tagging} header and AWS's
 * limits (10 tags per object, 50 per bucket; keys of 1 to 128 and values of 0 to 256 Unicode characters; no
 * repeated key; no {@code aws:} prefix).
 */
final class Tagging {
    static final int MAX_OBJECT_TAGS = 10;
    static final int MAX_BUCKET_TAGS = 50;
    static final int MAX_KEY_CHARS = 128;
    static final int MAX_VALUE_CHARS = 256;
    /** The name the bucket's tag set is stored under with the bucket. */
    static final String CONFIG_NAME = "tagging";

    private Tagging() {}

    /** Parses and validates a Put(Object|Bucket)Tagging body. */
    static SortedMap<String, String> parseXml(Element root, boolean bucket) {
        if (!"Tagging".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> tagSets = XmlReader.children(root, "TagSet");
        if (tagSets.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        SortedMap<String, String> tags = new TreeMap<>();
        List<Element> tagElements = XmlReader.children(tagSets.get(0), "Tag");
        checkCount(tagElements.size(), bucket);
        for (Element tag : tagElements) {
            if (XmlReader.children(tag, "Key").size() != 1
                    || XmlReader.children(tag, "Value").size() != 1) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            add(tags, XmlReader.childText(tag, "Key"), XmlReader.childText(tag, "Value"), bucket);
        }
        return tags;
    }

    /** Parses and validates an {@code x-amz-tagging} header ({@code k1=v1&k2=v2}, URL-encoded); null is none. */
    static SortedMap<String, String> parseHeader(String header) {
        SortedMap<String, String> tags = new TreeMap<>();
        if (header == null || header.isEmpty()) {
            return tags;
        }
        int count = 0;
        for (String pair : header.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = UrlCodec.decode(eq < 0 ? pair : pair.substring(0, eq), true);
            String value = eq < 0 ? "" : UrlCodec.decode(pair.substring(eq + 1), true);
            count++;
            checkCount(count, false);
            add(tags, key, value, false);
        }
        return tags;
    }

    /** The tag set a copy gives its target: the source's (COPY, the default) or the request's (REPLACE). */
    static SortedMap<String, String> forCopy(String directive, String header, SortedMap<String, String> source) {
        if (directive == null || directive.equals("COPY")) {
            return new TreeMap<>(source);
        }
        if (directive.equals("REPLACE")) {
            return parseHeader(header);
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, "Unknown tagging directive.")
                .with("ArgumentName", AmzHeaders.X_AMZ_TAGGING_DIRECTIVE)
                .with("ArgumentValue", directive);
    }

    /** The {@code Tagging} document GetObjectTagging and GetBucketTagging answer (and buckets store). */
    static XmlWriter toXml(Map<String, String> tags) {
        XmlWriter xml = XmlWriter.document("Tagging").start("TagSet");
        for (Map.Entry<String, String> t : tags.entrySet()) {
            xml.start("Tag")
                    .element("Key", t.getKey())
                    .element("Value", t.getValue())
                    .end();
        }
        return xml.end();
    }

    private static void checkCount(int count, boolean bucket) {
        if (bucket && count > MAX_BUCKET_TAGS) {
            throw new S3Exception(S3Error.BAD_REQUEST, "Bucket tag count cannot be greater than 50");
        }
        if (!bucket && count > MAX_OBJECT_TAGS) {
            throw new S3Exception(S3Error.BAD_REQUEST, "Object tags cannot be greater than 10");
        }
    }

    private static void add(SortedMap<String, String> tags, String key, String value, boolean bucket) {
        int keyChars = key.codePointCount(0, key.length());
        if (keyChars < 1) {
            throw invalidTag("The TagKey you have provided is invalid", key);
        }
        if (keyChars > MAX_KEY_CHARS) {
            throw invalidTag("The TagKey you have provided is too long, max " + MAX_KEY_CHARS, key);
        }
        if (value.codePointCount(0, value.length()) > MAX_VALUE_CHARS) {
            throw invalidTag("The TagValue you have provided is too long, max " + MAX_VALUE_CHARS, key);
        }
        if (key.startsWith("aws:")) {
            throw invalidTag(
                    bucket
                            ? "System tags cannot be added/updated by requester"
                            : "Your TagKey cannot be prefixed with aws:",
                    key);
        }
        if (tags.putIfAbsent(key, value) != null) {
            throw invalidTag("Cannot provide multiple Tags with the same key", key);
        }
    }

    private static S3Exception invalidTag(String message, String key) {
        return new S3Exception(S3Error.INVALID_TAG, message).with("TagKey", key);
    }
}
