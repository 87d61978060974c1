/**
 * Granary's benchmarks: JMH benchmarks of hot paths ({@code jmh}), the end-to-end S3 load driver ({@code load})
 * and the machine-limit probes the load figures are held against ({@code limits}).
 */
package dev.granary.bench;
