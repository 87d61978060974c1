package dev.granary.api.handler;

import dev.granary.storage.DiskStatus;

/**
 * The document both health endpoints (S3 port and admin port) answer with: the server is up, and how its disk is
 * doing. The status stays 200 while the disk is full: the server still serves reads, listings and deletes, and a
 * restart (what failing health checks lead to) would not free space.
 */
public final class HealthReport {
    private HealthReport() {}

    /**
     * {@code {"status":"ok"|"disk-full","disk":{"freeBytes":...,"totalBytes":...,"reserveBytes":...,
     * "acceptingWrites":true,"stoppedPartitions":0,"writesRefused":0}}}; {@code disk} null leaves the disk out.
     */
    public static String json(DiskStatus disk) {
        if (disk == null) {
            return "{\"status\":\"ok\"}\n";
        }
        return "{\"status\":\"" + (disk.acceptingWrites() ? "ok" : "disk-full") + "\",\"disk\":{"
                + "\"freeBytes\":" + disk.freeBytes()
                + ",\"totalBytes\":" + disk.totalBytes()
                + ",\"reserveBytes\":" + disk.reserveBytes()
                + ",\"acceptingWrites\":" + disk.acceptingWrites()
                + ",\"stoppedPartitions\":" + disk.stoppedPartitions()
                + ",\"writesRefused\":" + disk.writesRefused()
                + "}}\n";
    }
}
