/**
 * Per-request usage records and where they go. This is the skeleton the metering issue fills with
 * aggregation, durable reports and Prometheus metrics; for now every record becomes an access-log line.
 */
package dev.granary.metering;
