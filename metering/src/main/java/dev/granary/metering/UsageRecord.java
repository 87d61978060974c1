package dev.granary.metering;

import java.time.Instant;

/**
 * What one request did, failed ones included.
 *
 * @param requestId the x-amz-request-id sent to the client
 * @param time when the request arrived
 * @param account the account billed: the bucket owner for a request on an existing bucket (as AWS bills the
 *     bucket owner, anonymous and other callers' requests included), else the caller, or {@code anonymous}
 * @param requester canonical id of the caller, or {@code anonymous}
 * @param bucket the bucket addressed, or null
 * @param key the object key addressed, or null
 * @param operation the S3 operation name, e.g. {@code PutObject}
 * @param requestClass the billing class
 * @param status the HTTP status sent
 * @param errorCode the S3 error code sent, or null
 * @param bytesIn request body bytes read from the wire (as sent, aws-chunked framing included)
 * @param bytesOut response body bytes written to the wire
 * @param durationNanos time from arrival to the end of the response
 * @param remoteAddress the client's address
 * @param requestLine method, raw URI and protocol, e.g. {@code GET /b/k?x=1 HTTP/1.1}
 * @param userAgent the User-Agent header, or null
 * @param referer the Referer header, or null
 * @param host the Host header, or null
 * @param authType {@code AuthHeader}, {@code QueryString} (presigned) or null (anonymous), followed for another
 *     signature than SigV4 by a dash and its version: {@code -SigV2}, and for Alibaba Cloud OSS's dialect {@code -OSS}
 *     (V1) or {@code -OSS4}
 * @param cut whether the connection was cut before the exchange completed
 */
public record UsageRecord(
        String requestId,
        Instant time,
        String account,
        String requester,
        String bucket,
        String key,
        String operation,
        RequestClass requestClass,
        int status,
        String errorCode,
        long bytesIn,
        long bytesOut,
        long durationNanos,
        String remoteAddress,
        String requestLine,
        String userAgent,
        String referer,
        String host,
        String authType,
        boolean cut) {

    /** Whether the request failed (4xx or 5xx). */
    public boolean isError() {
        return status >= 400;
    }
}
