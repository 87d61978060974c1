/**
 * Metering: one {@link dev.granary.metering.UsageRecord} per request, aggregated without locks into per-minute
 * usage rows written durably on an interval ({@link dev.granary.metering.UsageAggregator}), storage byte-hours
 * ({@link dev.granary.metering.StorageMeter}), Prometheus metrics ({@link dev.granary.metering.MeteringMetrics})
 * and the AWS-format access log ({@link dev.granary.metering.AccessLogSink}), wired by
 * {@link dev.granary.metering.Metering}. It knows no HTTP types and no storage engine: it reads and writes
 * through {@link dev.granary.metering.RowStore} and {@link dev.granary.metering.StorageSource}.
 */
package dev.granary.metering;
