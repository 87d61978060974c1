package dev.granary.storage.rocksdb;

import java.time.Duration;

/**
 * What one scrub pass did: the data-file segments it read whole, their bytes, the chunks repaired from other replicas
 * while it ran (by the pass, or by reads meanwhile), the records it found damaged beyond repair here (a body no other
 * replica had whole, or a record that does not decode), and how long it took.
 */
public record ScrubReport(long files, long bytes, long repairedChunks, long unrepaired, Duration took) {}
