package dev.granary.storage;

/**
 * A part named in a CompleteMultipartUpload request.
 *
 * @param partNumber the part's number
 * @param etag its ETag as the client gave it, quotes removed
 */
public record CompletedPart(int partNumber, String etag) {}
