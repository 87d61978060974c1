package dev.granary.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HttpDatesTest {
    private static final DateTimeFormatter JDK = DateTimeFormatter.ofPattern(
                    "EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);

    @Test
    void formatsLikeTheJdkFormatterAndParsesBack() {
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            // 1900 to 2400: leap years, century rules, every weekday and month.
            Instant t = Instant.ofEpochSecond(-2_208_988_800L + (long) (random.nextDouble() * 15_778_800_000L));
            String text = HttpDates.format(t);
            assertThat(text).isEqualTo(JDK.format(t));
            assertThat(HttpDates.parse(text)).isEqualTo(Instant.ofEpochSecond(t.getEpochSecond()));
        }
        assertThat(HttpDates.format(Instant.parse("2026-02-28T23:59:59.999Z")))
                .isEqualTo("Sat, 28 Feb 2026 23:59:59 GMT");
        assertThat(HttpDates.format(Instant.EPOCH)).isEqualTo("Thu, 01 Jan 1970 00:00:00 GMT");
        assertThat(HttpDates.format(Instant.parse("+12000-01-01T00:00:00Z")))
                .isEqualTo(JDK.format(Instant.parse("+12000-01-01T00:00:00Z")));
    }
}
