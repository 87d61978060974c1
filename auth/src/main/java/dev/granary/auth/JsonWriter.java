package dev.granary.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Writes compact JSON through Jackson's generator, which escapes what JSON requires: for stored documents (ACLs,
 * user records) and the admin API's answers. Members come out in the order they are written, so a document
 * written the same way is the same bytes.
 */
public final class JsonWriter {
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonWriter() {}

    /** Writes one document's values to a generator. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the document.
         *
         * @param json the generator
         * @throws IOException as the generator's methods declare
         */
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * Writes one JSON document.
     *
     * @param body writes the document's one value
     * @return the JSON text
     */
    public static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            // A string target never fails to take bytes: this is a misuse of the generator, such as a value
            // written where a name belongs.
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.toString();
    }
}
