package dev.granary.api.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/** HTTP dates (RFC 7231 IMF-fixdate) out, and the three legacy forms HTTP allows in. */
public final class HttpDates {
    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final List<DateTimeFormatter> PARSERS = List.of(
            DateTimeFormatter.RFC_1123_DATE_TIME,
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US),
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC));

    private HttpDates() {}

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    };

    /**
     * Formats by hand: every response carries a Date and most a Last-Modified, and {@link DateTimeFormatter}
     * took 3% of a small GET's CPU. Years outside 0-9999 (never an object's) go through the formatter.
     */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 0 || year > 9999) {
            return IMF_FIXDATE.format(instant);
        }
        char[] c = new char[29];
        DAYS[t.getDayOfWeek().getValue() - 1].getChars(0, 3, c, 0);
        c[3] = ',';
        c[4] = ' ';
        two(c, 5, t.getDayOfMonth());
        c[7] = ' ';
        MONTHS[t.getMonthValue() - 1].getChars(0, 3, c, 8);
        c[11] = ' ';
        two(c, 12, year / 100);
        two(c, 14, year % 100);
        c[16] = ' ';
        two(c, 17, t.getHour());
        c[19] = ':';
        two(c, 20, t.getMinute());
        c[22] = ':';
        two(c, 23, t.getSecond());
        " GMT".getChars(0, 4, c, 25);
        return new String(c);
    }

    private static void two(char[] c, int at, int value) {
        c[at] = (char) ('0' + value / 10);
        c[at + 1] = (char) ('0' + value % 10);
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
