package dev.granary.api.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** HTTP dates (RFC 7231 IMF-fixdate) out, and the three legacy forms HTTP allows in. */
public final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final List<DateTimeFormatter> PARSERS = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US),
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

    private HttpDates() {}

    /** The last second formatted: a Last-Modified or Date tends to repeat, and formatting costs microseconds. */
    private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

    private record Formatted(long epochSecond, String text) {}

    public static String format(Instant instant) {
        long second = instant.getEpochSecond();
        Formatted cached = last;
        if (cached.epochSecond() == second) {
            return cached.text();
        }
        String text = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
        last = new Formatted(second, text);
        return text;
    }

    /** Parses an HTTP date, or returns null if it is not one (S3 ignores conditions with bad dates). */
    public static Instant parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.trim();
        for (DateTimeFormatter f : PARSERS) {
            try {
                return ZonedDateTime.parse(v, f).toInstant();
            } catch (DateTimeParseException e) {
                // try the next form
            }
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
