package dev.granary.metering;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each usage record as one access-log line through the {@code granary.access} logger, in the field
 * order of AWS S3 server access logs (a subset): time, remote address, requester, request id, operation,
 * bucket, key, status, error code, bytes sent, bytes received, total time in ms.
 */
public final class AccessLogSink implements UsageSink {
    private static final Logger LOG = LoggerFactory.getLogger("granary.access");
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Override
    public void record(UsageRecord u) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info(
                "{} {} {} {} {} {} {} {} {} {} {} {}",
                TIME.format(u.time()),
                u.remoteAddress(),
                u.account(),
                u.requestId(),
                u.operation(),
                dash(u.bucket()),
                dash(u.key()),
                u.status(),
                dash(u.errorCode()),
                u.bytesOut(),
                u.bytesIn(),
                u.durationNanos() / 1_000_000);
    }

    private static String dash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }
}
