package dev.granary.storage.rocksdb;

import java.time.Duration;

/**
 * What one scrub pass did: the data-file segments it read whole, their bytes, the chunks it repaired from other
 * replicas, the bodies it found damaged beyond repair here, and how long it took.
 */
public record ScrubReport(long files, long bytes, long repairedChunks, long unrepaired, Duration took) {}
