package dev.granary.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.metering.UsageAggregatorTest.MemoryRows;
import dev.granary.metering.UsageAggregatorTest.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin API's usage JSON, byte for byte: field names and order, null for dimensions not grouped by, and one
 * row per line, as clients and scripts have read it.
 */
class MeteringJsonTest {
    private static final Instant FROM = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2030-01-02T00:00:00Z");

    private static UsageRow row(String minute, String account, String bucket, String op, long requests) {
        return new UsageRow(
                Instant.parse(minute),
                1,
                new UsageKey(account, bucket, op, RequestClass.WRITE, 2),
                new UsageCounts(requests, 1, 100 * requests, 7));
    }

    @Test
    void usageReportIsOneRowPerLineWithNullsForDimensionsNotGroupedBy() {
        List<UsageRow> rows = List.of(
                row("2030-01-01T10:01:00Z", "acct", "b\"1", "PutObject", 2),
                row("2030-01-01T11:59:00Z", "acct", null, "ListBuckets", 1),
                row("2030-01-01T10:02:00Z", "ac\u0001ct\n\u00e9", "b\"1", "PutObject", 3));

        assertThat(UsageReport.of(FROM, TO, List.of("account", "bucket", "hour"), null, null, rows)
                        .toJson())
                .isEqualTo("""
                {"from":"2030-01-01T00:00:00Z","to":"2030-01-02T00:00:00Z","groupBy":["account","bucket","hour"],"rows":[
                {"hour":"2030-01-01T10:00:00Z","account":"ac\\u0001ct\\n\u00e9","bucket":"b\\"1","operation":null,"requestClass":null,"requests":3,"errors":1,"bytesIn":300,"bytesOut":7},
                {"hour":"2030-01-01T10:00:00Z","account":"acct","bucket":"b\\"1","operation":null,"requestClass":null,"requests":2,"errors":1,"bytesIn":200,"bytesOut":7},
                {"hour":"2030-01-01T11:00:00Z","account":"acct","bucket":null,"operation":null,"requestClass":null,"requests":1,"errors":1,"bytesIn":100,"bytesOut":7}]}
                """);
        assertThat(UsageReport.of(FROM, TO, List.of("operation"), "nobody", null, rows)
                        .toJson())
                .isEqualTo("""
                {"from":"2030-01-01T00:00:00Z","to":"2030-01-02T00:00:00Z","groupBy":["operation"],"rows":[]}
                """);
    }

    @Test
    void storageReportListsBucketsThenAccountsOnePerLine() {
        MemoryRows rows = new MemoryRows();
        MutableClock clock = new MutableClock();
        List<StorageSource.BucketStorage> buckets = List.of(
                new StorageSource.BucketStorage("b1", "acct", 1 << 20, 3, 512, 1),
                new StorageSource.BucketStorage("b\\2", "acct", 100, 1, 0, 0),
                new StorageSource.BucketStorage("c", "other", 0, 0, 0, 0));
        StorageSource source = new StorageSource() {
            @Override
            public List<BucketStorage> buckets() {
                return buckets;
            }

            @Override
            public BucketStorage rebuild(String bucket) {
                return buckets.stream()
                        .filter(b -> b.bucket().equals(bucket))
                        .findFirst()
                        .orElseThrow();
            }

            @Override
            public Map<String, Long> engineStats() {
                return Map.of();
            }
        };
        try (Metering metering = Metering.start(
                rows, source, clock, new Metering.Options(Duration.ofHours(1), Duration.ofHours(2), null, false, 0))) {
            metering.flush();
            clock.now = clock.now.plus(Duration.ofMinutes(90));

            assertThat(metering.storageJson(clock, false)).isEqualTo("""
                    {"time":"2030-01-01T11:30:05Z","buckets":[
                    {"bucket":"b1","account":"acct","bytes":1048576,"objects":3,"multipartBytes":512,"multipartParts":1,"byteHours":1573632.0},
                    {"bucket":"b\\\\2","account":"acct","bytes":100,"objects":1,"multipartBytes":0,"multipartParts":0,"byteHours":150.0},
                    {"bucket":"c","account":"other","bytes":0,"objects":0,"multipartBytes":0,"multipartParts":0,"byteHours":0.0}],"accounts":[
                    {"account":"acct","bytes":1048676,"objects":4,"multipartBytes":512,"byteHours":1573782.0},
                    {"account":"other","bytes":0,"objects":0,"multipartBytes":0,"byteHours":0.0}]}
                    """);
        }
    }
}
