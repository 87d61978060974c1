package dev.granary.auth.access;

import java.util.List;

/**
 * IAM policy variables ({@code ${aws:username}}, {@code ${aws:SourceIp, 'default'}}, and the escapes
 * {@code ${*}}, {@code ${?}}, {@code ${$}}) in resources and string or ARN condition values, which policies of
 * version 2012-10-17 may use. A substituted value is matched literally: its '*' and '?' are no wildcards.
 */
final class PolicyVariables {

    private PolicyVariables() {}

    /**
     * A pattern after substitution.
     *
     * @param text the substituted text
     * @param literal per character, whether it came from a variable (and so is never a wildcard)
     */
    @SuppressWarnings("ArrayRecordComponent") // a pattern to match with, never compared or hashed
    record Resolved(String text, boolean[] literal) {
        boolean matches(String value, boolean ignoreCase) {
            return Glob.matches(text, literal, value, ignoreCase);
        }
    }

    /** Whether a pattern uses variables at all. */
    static boolean hasVariables(String raw) {
        return raw.contains("${");
    }

    /**
     * Substitutes the variables of a pattern from a request's condition context.
     *
     * @return the resolved pattern, or null when a variable has neither a value nor a default (IAM then treats
     *     the element as not matching)
     */
    static Resolved resolve(String raw, AccessRequest request) {
        StringBuilder text = new StringBuilder(raw.length());
        StringBuilder literal = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            int start = raw.indexOf("${", i);
            int end = start < 0 ? -1 : raw.indexOf('}', start + 2);
            if (start < 0 || end < 0) {
                append(text, literal, raw.substring(i), false);
                break;
            }
            append(text, literal, raw.substring(i, start), false);
            String value = value(raw.substring(start + 2, end), request);
            if (value == null) {
                return null;
            }
            append(text, literal, value, true);
            i = end + 1;
        }
        boolean[] mask = new boolean[literal.length()];
        for (int k = 0; k < mask.length; k++) {
            mask[k] = literal.charAt(k) == 'L';
        }
        return new Resolved(text.toString(), mask);
    }

    private static String value(String inside, AccessRequest request) {
        int comma = inside.indexOf(',');
        String name = (comma < 0 ? inside : inside.substring(0, comma)).strip();
        if (name.equals("*") || name.equals("?") || name.equals("$")) {
            return name;
        }
        List<String> values = request.values(name);
        if (values != null) {
            return values.get(0);
        }
        if (comma >= 0) {
            String fallback = inside.substring(comma + 1).strip();
            if (fallback.length() >= 2 && fallback.startsWith("'") && fallback.endsWith("'")) {
                return fallback.substring(1, fallback.length() - 1);
            }
        }
        return null;
    }

    private static void append(StringBuilder text, StringBuilder literal, String part, boolean fromVariable) {
        text.append(part);
        literal.append(String.valueOf(fromVariable ? 'L' : 'P').repeat(part.length()));
    }
}
