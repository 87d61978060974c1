package dev.granary.metering;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.StringWriter;

/**
 * Metering's JSON (usage and storage reports), written with Jackson's generator: compact, except that each object
 * in an array starts a line of its own, so a report read with curl shows a row per line, as it always has.
 */
final class ReportJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final RowPerLine LAYOUT = new RowPerLine();

    private ReportJson() {}

    /** Writes one document's values to a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /** One JSON document and a line break. */
    static String write(Body body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.setPrettyPrinter(LAYOUT);
            body.write(json);
        } catch (IOException e) {
            // A string target never fails to take bytes: this is a misuse of the generator.
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        return out.append('\n').toString();
    }

    /** A double that JSON can carry: Jackson would write NaN and infinities as strings, a reader wants a number. */
    static void number(JsonGenerator json, String name, double value) throws IOException {
        if (Double.isFinite(value)) {
            json.writeNumberField(name, value);
        } else {
            json.writeNumberField(name, 0);
        }
    }

    /** Jackson's compact layout with a line break before each object that is an element of an array. */
    private static final class RowPerLine extends MinimalPrettyPrinter {
        private static final long serialVersionUID = 1L;

        @Override
        public void writeStartObject(JsonGenerator json) throws IOException {
            // Called once the generator is inside the new object: its parent is where the object stands.
            if (json.getOutputContext().getParent().inArray()) {
                json.writeRaw('\n');
            }
            super.writeStartObject(json);
        }
    }
}
