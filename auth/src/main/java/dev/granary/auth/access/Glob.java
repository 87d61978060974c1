package dev.granary.auth.access;

/** IAM wildcard matching: '*' matches any run of characters ('/' included), '?' any single character. */
final class Glob {

    private Glob() {}

    /**
     * Whether text matches pattern.
     *
     * @param ignoreCase whether letters match regardless of case (actions do; resources and strings do not)
     */
    static boolean matches(String pattern, String text, boolean ignoreCase) {
        return matches(pattern, null, text, ignoreCase);
    }

    /**
     * Whether text matches pattern, where {@code literal[i]} marks pattern characters that are never wildcards
     * (substituted policy variables).
     *
     * @param literal the mask, or null when every '*' and '?' is a wildcard
     */
    static boolean matches(String pattern, boolean[] literal, String text, boolean ignoreCase) {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*' && !isLiteral(literal, p)) {
                star = p++;
                resume = t;
            } else if (p < pattern.length()
                    && ((pattern.charAt(p) == '?' && !isLiteral(literal, p))
                            || same(pattern.charAt(p), text.charAt(t), ignoreCase))) {
                p++;
                t++;
            } else if (star >= 0) {
                // Let the last '*' swallow one more character and retry from there.
                p = star + 1;
                t = ++resume;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*' && !isLiteral(literal, p)) {
            p++;
        }
        return p == pattern.length();
    }

    /** Whether a pattern has wildcards at all. */
    static boolean hasWildcard(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
    }

    private static boolean isLiteral(boolean[] literal, int i) {
        return literal != null && literal[i];
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        return a == b || (ignoreCase && Character.toLowerCase(a) == Character.toLowerCase(b));
    }
}
