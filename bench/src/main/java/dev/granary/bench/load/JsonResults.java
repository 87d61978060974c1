package dev.granary.bench.load;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes the driver's results (maps, lists, strings, numbers, booleans, nulls) as JSON through Jackson, laid out
 * as earlier result files are: two-space indents, {@code "name": value}, one array element per line.
 */
public final class JsonResults {
    private static final ObjectWriter WRITER = writer();

    private JsonResults() {}

    /** {@code value} (maps, lists, strings, numbers) as indented JSON, doubles rounded to the thousandth. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the results as JSON: " + e.getMessage(), e);
        }
    }

    private static ObjectWriter writer() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter layout = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                        .withObjectEmptySeparator("")
                        .withArrayEmptySeparator(""));
        layout.indentObjectsWith(indenter);
        layout.indentArraysWith(indenter);
        SimpleModule doubles = new SimpleModule().addSerializer(Double.class, new RoundedDouble());
        return JsonMapper.builder().addModule(doubles).build().writer(layout);
    }

    /** Rounded to the thousandth (sub-microsecond digits of a rate or a latency are noise); null when not finite. */
    private static final class RoundedDouble extends StdSerializer<Double> {
        private static final long serialVersionUID = 1L;

        RoundedDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator json, SerializerProvider provider) throws IOException {
            if (value.isNaN() || value.isInfinite()) {
                json.writeNull();
            } else {
                json.writeNumber(Math.round(value * 1000) / 1000.0);
            }
        }
    }
}
