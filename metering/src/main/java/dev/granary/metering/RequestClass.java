package dev.granary.metering;

/** How a cloud object store bills a request: write-class (PUT, COPY, POST, LIST) or read-class (GET, HEAD...). */
public enum RequestClass {
    WRITE,
    READ,
    /** Requests that are never billed: health checks, CORS preflights, DELETE. */
    FREE
}
