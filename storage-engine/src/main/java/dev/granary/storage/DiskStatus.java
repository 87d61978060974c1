package dev.granary.storage;

/**
 * The disk a store writes to, as of its last look (at most about a second old): for health checks and metrics.
 *
 * @param freeBytes free space of the data folder's filesystem (what an unprivileged process may use)
 * @param totalBytes the filesystem's size
 * @param reserveBytes the free space writes may not use (see {@link DiskReserve})
 * @param stoppedPartitions partitions whose database stopped taking writes after running out of space; each resumes
 *     by itself once there is room again
 * @param writesRefused writes refused for want of space since the store opened
 */
public record DiskStatus(
        long freeBytes, long totalBytes, long reserveBytes, int stoppedPartitions, long writesRefused) {

    /** Whether writes are taken: free space above the reserve and no partition stopped. */
    public boolean acceptingWrites() {
        return freeBytes > reserveBytes && stoppedPartitions == 0;
    }
}
