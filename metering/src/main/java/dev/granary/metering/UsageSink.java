package dev.granary.metering;

/** Receives exactly one {@link UsageRecord} per request. Implementations never block or throw. */
public interface UsageSink extends AutoCloseable {

    /** The sink of a server without metering: drops every record, so the pipeline need not build them. */
    UsageSink NONE = usage -> {};

    /** Records one request. */
    void record(UsageRecord usage);

    /**
     * Whether this sink reads the request details of a record (remote address, request line, user agent,
     * referer, host, auth type) - only an access log does. When false the pipeline may leave them null.
     */
    default boolean wantsRequestDetails() {
        return false;
    }

    @Override
    default void close() {}
}
