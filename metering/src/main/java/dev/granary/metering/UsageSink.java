package dev.granary.metering;

/** Receives exactly one {@link UsageRecord} per request. Implementations never block or throw. */
public interface UsageSink extends AutoCloseable {
    /** Records one request. */
    void record(UsageRecord usage);

    @Override
    default void close() {}
}
