package dev.granary.metering;

/**
 * Request counts of one window and key.
 *
 * @param requests requests completed
 * @param errors those answered 4xx or 5xx
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 */
public record UsageCounts(long requests, long errors, long bytesIn, long bytesOut) {
    public static final UsageCounts ZERO = new UsageCounts(0, 0, 0, 0);

    public UsageCounts plus(UsageCounts o) {
        return new UsageCounts(requests + o.requests, errors + o.errors, bytesIn + o.bytesIn, bytesOut + o.bytesOut);
    }
}
