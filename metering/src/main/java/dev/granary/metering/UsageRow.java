package dev.granary.metering;

import java.time.Instant;

/**
 * Usage of one key in one window.
 *
 * @param window start of the window
 * @param minutes length of the window: 1 (recent) or 60 (rolled up)
 * @param key the dimensions
 * @param counts what was counted
 */
public record UsageRow(Instant window, int minutes, UsageKey key, UsageCounts counts) {}
