/**
 * Probes of this machine's limits that the load figures are held against: fsync'd sequential writes on the
 * data disk (the PUT ceiling) and one core's MD5 and CRC32C throughput (the hashing ceiling). Entry point:
 * {@link dev.granary.bench.limits.MachineLimits}.
 */
package dev.granary.bench.limits;
