package dev.granary.metering;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A usage report: rows of one window range grouped by some of account, bucket, operation, class and hour, as
 * JSON or CSV. Dimensions not grouped by are summed over and shown empty (null in JSON).
 *
 * @param from start of the range (windows overlapping {@code [from, to)} count)
 * @param to end of the range
 * @param groupBy the dimensions grouped by
 * @param rows the grouped rows, ordered by their dimensions
 */
public record UsageReport(Instant from, Instant to, List<String> groupBy, List<Row> rows) {
    /** The dimensions a report may be grouped by. */
    public static final List<String> DIMENSIONS = List.of("account", "bucket", "operation", "class", "hour");

    /**
     * One row.
     *
     * @param hour start of the hour when grouped by hour, else null
     * @param account the account, or null when not grouped by it
     * @param bucket the bucket, or null when not grouped by it or without bucket
     * @param operation the operation, or null
     * @param requestClass the class, or null
     * @param counts what was counted
     */
    public record Row(
            Instant hour, String account, String bucket, String operation, String requestClass, UsageCounts counts) {}

    /**
     * Groups {@code rows}.
     *
     * @param groupBy dimensions from {@link #DIMENSIONS}
     * @param account only this account, or null for all
     * @param bucket only this bucket, or null for all
     * @throws IllegalArgumentException for an unknown dimension
     */
    public static UsageReport of(
            Instant from, Instant to, List<String> groupBy, String account, String bucket, List<UsageRow> rows) {
        for (String g : groupBy) {
            if (!DIMENSIONS.contains(g)) {
                throw new IllegalArgumentException("unknown groupBy '" + g + "'; use any of " + DIMENSIONS);
            }
        }
        Set<String> by = Set.copyOf(groupBy);
        Map<Row, UsageCounts> grouped = new LinkedHashMap<>();
        for (UsageRow r : rows) {
            UsageKey k = r.key();
            if ((account != null && !account.equals(k.account())) || (bucket != null && !bucket.equals(k.bucket()))) {
                continue;
            }
            Row key = new Row(
                    by.contains("hour") ? r.window().truncatedTo(ChronoUnit.HOURS) : null,
                    by.contains("account") ? k.account() : null,
                    by.contains("bucket") ? k.bucket() : null,
                    by.contains("operation") ? k.operation() : null,
                    by.contains("class") ? k.requestClass().name() : null,
                    null);
            grouped.merge(key, r.counts(), UsageCounts::plus);
        }
        List<Row> result = new ArrayList<>();
        grouped.forEach(
                (k, c) -> result.add(new Row(k.hour(), k.account(), k.bucket(), k.operation(), k.requestClass(), c)));
        result.sort((a, b) -> sortKey(a).compareTo(sortKey(b)));
        return new UsageReport(from, to, List.copyOf(groupBy), result);
    }

    private static String sortKey(Row r) {
        return String.join("\u0000", s(r.hour()), s(r.account()), s(r.bucket()), s(r.operation()), s(r.requestClass()));
    }

    private static String s(Object o) {
        return o == null ? "" : o.toString();
    }

    /** {"from":..,"to":..,"groupBy":[..],"rows":[{"hour"?,"account","bucket","operation","requestClass",...}]}. */
    public String toJson() {
        boolean hour = groupBy.contains("hour");
        return ReportJson.write(json -> {
            json.writeStartObject();
            json.writeStringField("from", from.toString());
            json.writeStringField("to", to.toString());
            json.writeArrayFieldStart("groupBy");
            for (String g : groupBy) {
                json.writeString(g);
            }
            json.writeEndArray();
            json.writeArrayFieldStart("rows");
            for (Row r : rows) {
                json.writeStartObject();
                if (hour) {
                    json.writeStringField("hour", r.hour().toString());
                }
                json.writeStringField("account", r.account());
                json.writeStringField("bucket", r.bucket());
                json.writeStringField("operation", r.operation());
                json.writeStringField("requestClass", r.requestClass());
                json.writeNumberField("requests", r.counts().requests());
                json.writeNumberField("errors", r.counts().errors());
                json.writeNumberField("bytesIn", r.counts().bytesIn());
                json.writeNumberField("bytesOut", r.counts().bytesOut());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** A header line, then one line per row; fields not grouped by are empty. */
    public String toCsv() {
        StringBuilder b = new StringBuilder();
        boolean hour = groupBy.contains("hour");
        b.append(hour ? "hour," : "")
                .append("account,bucket,operation,requestClass,requests,errors,bytesIn,bytesOut\n");
        for (Row r : rows) {
            if (hour) {
                b.append(r.hour()).append(',');
            }
            b.append(csv(r.account()))
                    .append(',')
                    .append(csv(r.bucket()))
                    .append(',')
                    .append(csv(r.operation()))
                    .append(',')
                    .append(csv(r.requestClass()))
                    .append(',')
                    .append(r.counts().requests())
                    .append(',')
                    .append(r.counts().errors())
                    .append(',')
                    .append(r.counts().bytesIn())
                    .append(',')
                    .append(r.counts().bytesOut())
                    .append('\n');
        }
        return b.toString();
    }

    static String csv(String value) {
        if (value == null) {
            return "";
        }
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    /** Parses a groupBy parameter: comma-separated, case-insensitive; empty means the default. */
    public static List<String> parseGroupBy(String value) {
        if (value == null || value.isBlank()) {
            return List.of("account", "bucket", "operation", "class");
        }
        List<String> result = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String g = part.trim().toLowerCase(Locale.ROOT);
            if (!g.isEmpty() && !result.contains(g)) {
                result.add(g);
            }
        }
        return result;
    }
}
