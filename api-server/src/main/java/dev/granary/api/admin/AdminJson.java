package dev.granary.api.admin;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The admin API's JSON: request bodies are flat objects of strings, booleans, numbers and nulls (all it takes),
 * parsed strictly; answers are written with {@link #quote}.
 */
final class AdminJson {
    private final String text;
    private int pos;

    private AdminJson(String text) {
        this.text = text;
    }

    /**
     * Parses a flat JSON object; numbers stay text.
     *
     * @throws IllegalArgumentException when the text is not one flat JSON object
     */
    static Map<String, Object> parseObject(String text) {
        AdminJson json = new AdminJson(text);
        Map<String, Object> result = json.object();
        json.space();
        if (json.pos != text.length()) {
            throw json.error("trailing characters");
        }
        return result;
    }

    /** A JSON string literal. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private Map<String, Object> object() {
        space();
        expect('{');
        Map<String, Object> result = new LinkedHashMap<>();
        space();
        if (peek() == '}') {
            pos++;
            return result;
        }
        while (true) {
            space();
            String name = string();
            space();
            expect(':');
            space();
            if (result.put(name, value()) != null) {
                throw error("duplicate member \"" + name + "\"");
            }
            space();
            char c = next();
            if (c == '}') {
                return result;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        for (String word : new String[] {"true", "false", "null"}) {
            if (text.startsWith(word, pos)) {
                pos += word.length();
                return word.equals("null") ? null : Boolean.valueOf(word);
            }
        }
        int start = pos;
        while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        if (pos == start) {
            throw error(c == '{' || c == '[' ? "nested values are not accepted" : "unexpected character");
        }
        return text.substring(start, pos);
    }

    private String string() {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw error("control character in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("bad unicode escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("bad unicode escape");
                    }
                    pos += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private void space() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw error("unexpected end");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("the body is not a flat JSON object: " + what + " at offset " + pos);
    }
}
