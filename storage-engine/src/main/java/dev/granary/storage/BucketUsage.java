package dev.granary.storage;

/**
 * What a bucket holds, as the engine counts it in the same atomic commit as each change.
 *
 * @param bucket the bucket's name
 * @param owner the bucket owner's account id
 * @param bytes total size of the bucket's current objects
 * @param objects number of current objects
 * @param partBytes total size of the parts of multipart uploads in progress (not yet objects)
 * @param parts number of parts of multipart uploads in progress
 */
public record BucketUsage(String bucket, String owner, long bytes, long objects, long partBytes, long parts) {}
