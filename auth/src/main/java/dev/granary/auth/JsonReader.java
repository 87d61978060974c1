package dev.granary.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Map;

/**
 * Reads JSON that comes from outside the process (bucket policies, POST policies, admin API bodies, stored
 * documents) through Jackson, with limits a hostile document cannot get past: its length, its nesting depth,
 * and nothing after the one value.
 *
 * <p>Values come out as plain Java: objects as {@code Map<String, Object>} in document order, arrays as
 * {@code List<Object>}, strings, integers as Integer, Long or BigInteger, other numbers as BigDecimal with the
 * digits as written ({@code 1.50} stays {@code 1.50}), true and false as Boolean, null as null. Nothing is bound to
 * classes named by the document: there is no polymorphic typing to turn on.
 *
 * <p>Instances are immutable and thread-safe; make one per kind of document and keep it.
 */
public final class JsonReader {
    /**
     * The deepest nesting read. A bucket policy needs 5 levels (document, Statement array, statement, Condition,
     * operator, value array); the limit is what the hand-written parser allowed before, and it keeps recursion
     * over a document shallow.
     */
    public static final int MAX_DEPTH = 32;

    private final ObjectReader reader;
    private final int maxLength;

    private JsonReader(int maxLength, boolean rejectDuplicateKeys) {
        if (maxLength <= 0) {
            throw new IllegalArgumentException("maxLength must be positive, got " + maxLength);
        }
        this.maxLength = maxLength;
        // Strings and names cannot be longer than the document; limiting them too (Jackson's default is 20 M
        // chars) keeps that bound should this ever read a stream rather than a string.
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxDocumentLength(maxLength)
                .maxStringLength(maxLength)
                .maxNameLength(maxLength)
                .maxNestingDepth(MAX_DEPTH)
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .configure(StreamReadFeature.STRICT_DUPLICATE_DETECTION, rejectDuplicateKeys)
                .build();
        this.reader = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // The digits as written: a policy's 1.50 must not become the double 1.5.
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build()
                .readerFor(Object.class);
    }

    /**
     * A reader where a key repeated in an object keeps its last value, as the parser Granary had before Jackson
     * did: for documents whose senders may rely on that (bucket and POST policies).
     *
     * @param maxLength the longest document read, in chars
     * @return the reader
     */
    public static JsonReader lastDuplicateKeyWins(int maxLength) {
        return new JsonReader(maxLength, false);
    }

    /**
     * A reader that refuses an object with a key repeated: for Granary's own APIs and documents, where a repeated
     * key can only be a mistake or an attempt to make two readers see different values.
     *
     * @param maxLength the longest document read, in chars
     * @return the reader
     */
    public static JsonReader duplicateKeysRefused(int maxLength) {
        return new JsonReader(maxLength, true);
    }

    /**
     * Parses one JSON value filling the whole text (white space around it allowed).
     *
     * @param text the JSON text
     * @return a {@code Map<String, Object>}, {@code List<Object>}, String, Number, Boolean or null
     * @throws IllegalArgumentException when it is not JSON, or is over a limit
     */
    public Object parse(String text) {
        if (text.length() > maxLength) {
            // Refused before any parsing, with a message that names the limit.
            throw new IllegalArgumentException("invalid JSON: longer than " + maxLength + " chars");
        }
        try {
            return reader.readValue(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new IllegalArgumentException(
                    "invalid JSON" + (at == null ? "" : " at " + at.getCharOffset()) + ": " + e.getOriginalMessage(),
                    e);
        }
    }

    /**
     * Parses a JSON object filling the whole text.
     *
     * @param text the JSON text
     * @return the object's members, in document order
     * @throws IllegalArgumentException when it is not one JSON object, or is over a limit
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> parseObject(String text) {
        if (!(parse(text) instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("invalid JSON: expected an object");
        }
        return (Map<String, Object>) map;
    }
}
