package dev.granary.metering;

import java.time.Instant;

/**
 * What one request did, failed ones included.
 *
 * @param requestId the x-amz-request-id sent to the client
 * @param time when the request arrived
 * @param account canonical id of the caller, or {@code anonymous}
 * @param bucket the bucket addressed, or null
 * @param key the object key addressed, or null
 * @param operation the S3 operation name, e.g. {@code PutObject}
 * @param requestClass the billing class
 * @param status the HTTP status sent
 * @param errorCode the S3 error code sent, or null
 * @param bytesIn request body bytes read from the wire
 * @param bytesOut response body bytes written to the wire
 * @param durationNanos time from arrival to the end of the response
 * @param remoteAddress the client's address
 */
public record UsageRecord(
        String requestId,
        Instant time,
        String account,
        String bucket,
        String key,
        String operation,
        RequestClass requestClass,
        int status,
        String errorCode,
        long bytesIn,
        long bytesOut,
        long durationNanos,
        String remoteAddress) {}
