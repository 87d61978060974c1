package dev.granary.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class UsageAggregatorTest {
    static final Instant T0 = Instant.parse("2030-01-01T10:00:05Z");

    /** A row store in memory that can be made to fail. */
    static class MemoryRows implements RowStore {
        final TreeMap<String, byte[]> rows = new TreeMap<>();
        boolean failing;

        @Override
        public synchronized void apply(Map<String, byte[]> writes) {
            if (failing) {
                throw new IllegalStateException("disk on fire");
            }
            writes.forEach((k, v) -> {
                if (v == null) {
                    rows.remove(k);
                } else {
                    rows.put(k, v);
                }
            });
        }

        @Override
        public synchronized boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes) {
            for (Map.Entry<String, byte[]> e : expected.entrySet()) {
                if (!java.util.Arrays.equals(rows.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            apply(writes);
            return true;
        }

        @Override
        public synchronized void scan(String from, String to, BiConsumer<String, byte[]> visitor) {
            new TreeMap<>(rows.subMap(from, to)).forEach(visitor);
        }
    }

    static final class MutableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static UsageRecord record(String bucket, String op, int status, long in, long out) {
        return new UsageRecord(
                "id",
                T0,
                "acct",
                "acct",
                bucket,
                "k",
                op,
                RequestClass.WRITE,
                status,
                null,
                in,
                out,
                1_000_000,
                "/127.0.0.1:1",
                "PUT /b/k HTTP/1.1",
                null,
                null,
                null,
                "AuthHeader",
                false);
    }

    static UsageCounts total(UsageAggregator a) {
        return a.query(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z")).stream()
                .map(UsageRow::counts)
                .reduce(UsageCounts.ZERO, UsageCounts::plus);
    }

    @Test
    void flushIsIdempotentAndQueriesIncludeUnflushedCounts() {
        MemoryRows rows = new MemoryRows();
        MutableClock clock = new MutableClock();
        UsageAggregator a = new UsageAggregator(rows, clock, Duration.ofHours(2));
        a.record(record("b", "PutObject", 200, 10, 0));
        assertThat(total(a)).isEqualTo(new UsageCounts(1, 0, 10, 0));
        a.flush();
        a.flush();
        a.record(record("b", "GetObject", 404, 0, 300));
        assertThat(total(a)).isEqualTo(new UsageCounts(2, 1, 10, 300));
        a.flush();
        assertThat(total(new UsageAggregator(rows, clock, Duration.ofHours(2))))
                .isEqualTo(new UsageCounts(2, 1, 10, 300));
    }

    @Test
    void aRestartedProcessAddsToTheSameWindowWithoutOverwritingIt() {
        MemoryRows rows = new MemoryRows();
        MutableClock clock = new MutableClock();
        UsageAggregator first = new UsageAggregator(rows, clock, Duration.ofHours(2));
        first.record(record("b", "PutObject", 200, 10, 0));
        first.flush();
        UsageAggregator second = new UsageAggregator(rows, clock, Duration.ofHours(2));
        second.record(record("b", "PutObject", 200, 5, 0));
        second.flush();
        assertThat(total(second)).isEqualTo(new UsageCounts(2, 0, 15, 0));
    }

    @Test
    void failedFlushesKeepCountsUntilOneSucceedsAndOldWindowsLeaveMemory() {
        MemoryRows rows = new MemoryRows();
        MutableClock clock = new MutableClock();
        UsageAggregator a = new UsageAggregator(rows, clock, Duration.ofHours(2));
        a.record(record("b", "PutObject", 200, 10, 0));
        rows.failing = true;
        clock.now = T0.plusSeconds(600);
        try {
            a.flush();
        } catch (IllegalStateException expected) {
            // counts stay
        }
        rows.failing = false;
        a.flush(); // writes and forgets the old window
        assertThat(total(a)).isEqualTo(new UsageCounts(1, 0, 10, 0));
        assertThat(total(new UsageAggregator(rows, clock, Duration.ofHours(2))))
                .isEqualTo(new UsageCounts(1, 0, 10, 0));
    }

    @Test
    void oldMinutesRollUpIntoHoursOnceAndReportsGroupByHour() {
        MemoryRows rows = new MemoryRows();
        MutableClock clock = new MutableClock();
        UsageAggregator a = new UsageAggregator(rows, clock, Duration.ofHours(1));
        a.record(record("b", "PutObject", 200, 10, 0));
        clock.now = T0.plusSeconds(120);
        a.record(record("b", "PutObject", 500, 20, 7));
        a.flush();
        clock.now = T0.plus(Duration.ofHours(2));
        a.flush();
        a.rollUp();
        a.rollUp();
        assertThat(rows.rows.keySet()).allMatch(k -> k.startsWith("u/h/"));
        assertThat(total(a)).isEqualTo(new UsageCounts(2, 1, 30, 7));
        UsageReport report = UsageReport.of(
                Instant.EPOCH, clock.now, List.of("hour", "bucket"), null, null, a.query(Instant.EPOCH, clock.now));
        assertThat(report.rows()).hasSize(1);
        assertThat(report.rows().get(0).hour()).isEqualTo(Instant.parse("2030-01-01T10:00:00Z"));
        assertThat(report.toCsv()).isEqualTo("""
                hour,account,bucket,operation,requestClass,requests,errors,bytesIn,bytesOut
                2030-01-01T10:00:00Z,,b,,,2,1,30,7
                """);
    }

    /**
     * Two processes (the nodes of a cluster) share the rows and both roll up: the second one's roll-up lands between
     * the first one's read and its write. The first one's write must then change nothing, or it would add the minutes
     * the second one moved into the hour rows a second time.
     */
    @Test
    void rollUpsOfSharedRowsByTwoWritersCountEveryMinuteOnce() {
        MutableClock clock = new MutableClock();
        UsageAggregator[] other = new UsageAggregator[1];
        MemoryRows rows = new MemoryRows() {
            private boolean interleaved;

            @Override
            public synchronized boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes) {
                if (!interleaved) {
                    interleaved = true;
                    assertThat(other[0].rollUp()).isTrue();
                }
                return super.apply(expected, writes);
            }
        };
        UsageAggregator first = new UsageAggregator(rows, clock, Duration.ofHours(1));
        UsageAggregator second = new UsageAggregator(rows, clock, Duration.ofHours(1));
        other[0] = second;
        first.record(record("b", "PutObject", 200, 10, 0));
        second.record(record("b", "PutObject", 200, 20, 0));
        second.record(record("b", "GetObject", 200, 0, 5));
        clock.now = T0.plus(Duration.ofHours(2));
        first.flush(); // written, and forgotten in memory: the rows alone count them now
        second.flush();

        assertThat(first.rollUp()).isFalse();
        assertThat(first.rollUp()).isTrue();
        assertThat(rows.rows.keySet()).allMatch(k -> k.startsWith("u/h/"));
        assertThat(total(first)).isEqualTo(new UsageCounts(3, 0, 30, 5));
        assertThat(total(second)).isEqualTo(new UsageCounts(3, 0, 30, 5));
    }

    @Test
    void accessLogLinesFollowTheAwsFieldOrder() {
        String line = AccessLogSink.format(record("photos", "PutObject", 200, 10, 0));
        assertThat(line)
                .matches("acct photos \\[01/Jan/2030:10:00:05 \\+0000\\] 127\\.0\\.0\\.1 acct id REST\\.PUT\\.OBJECT k"
                        + " \"PUT /b/k HTTP/1\\.1\" 200 - - - 1 - \"-\" \"-\" - id SigV4 - AuthHeader - - - -");
    }

    /** The signature-version field tells the dialect: SigV2 and OSS's V1 and V4 besides SigV4. */
    @Test
    void theSignatureVersionFieldNamesTheDialect() {
        assertThat(AccessLogSink.signatureVersion("AuthHeader")).isEqualTo("SigV4");
        assertThat(AccessLogSink.signatureVersion("QueryString-SigV2")).isEqualTo("SigV2");
        assertThat(AccessLogSink.signatureVersion("AuthHeader-OSS")).isEqualTo("OSS");
        assertThat(AccessLogSink.signatureVersion("QueryString-OSS4")).isEqualTo("OSS4");
        assertThat(AccessLogSink.signatureVersion(null)).isEqualTo("-");
        assertThat(AccessLogSink.authenticationType("QueryString-OSS4")).isEqualTo("QueryString");
        assertThat(AccessLogSink.authenticationType("AuthHeader")).isEqualTo("AuthHeader");
        assertThat(AccessLogSink.authenticationType(null)).isNull();
    }
}
