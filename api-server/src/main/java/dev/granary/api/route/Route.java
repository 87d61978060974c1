package dev.granary.api.route;

/**
 * Where a request goes: the operation and the bucket and key it addresses (null when absent).
 *
 * @param operation the S3 operation
 * @param bucket the bucket name, or null for service-level requests
 * @param key the object key (decoded), or null for bucket-level requests
 */
public record Route(S3Operation operation, String bucket, String key) {}
