package dev.granary.storage;

import java.time.Instant;

/**
 * An upload in progress.
 *
 * @param key the object it will create
 * @param uploadId its id; ids of one key sort in the order the uploads were created
 * @param initiated when it was created
 * @param owner canonical id of the account that created it
 * @param attributes the headers and metadata the object will get
 */
public record MultipartUpload(
        ObjectKey key, String uploadId, Instant initiated, String owner, ObjectAttributes attributes) {}
