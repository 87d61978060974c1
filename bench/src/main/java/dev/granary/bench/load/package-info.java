/**
 * The end-to-end S3 load driver, modelled on MinIO's warp: workloads PUT, GET, DELETE, STAT, LIST and warp's
 * {@code mixed}, run against any S3 endpoint on loopback, with every GET's content verified and the CPU time per
 * operation of both the server and the driver reported beside throughput and latency. Entry point:
 * {@link dev.granary.bench.load.LoadDriver}.
 */
package dev.granary.bench.load;
