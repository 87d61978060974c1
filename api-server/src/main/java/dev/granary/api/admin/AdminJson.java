package dev.granary.api.admin;

import dev.granary.auth.Json;
import java.util.Map;

/**
 * The admin API's JSON, on the auth module's strict parser: request bodies are JSON objects; answers are written
 * with {@link #quote}.
 */
final class AdminJson {
    private AdminJson() {}

    /**
     * Parses a JSON object.
     *
     * @throws IllegalArgumentException when the text is not one JSON object
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parseObject(String text) {
        Object value = Json.parse(text);
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        return (Map<String, Object>) map;
    }

    /** A JSON string literal ({@code null} for null). */
    static String quote(String s) {
        return s == null ? "null" : Json.quote(s);
    }
}
