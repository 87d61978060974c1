package dev.granary.api.error;

import dev.granary.storage.StorageException;

/** The one translation from storage failures to S3 errors. */
public final class StorageErrors {
    private StorageErrors() {}

    /** The S3 error for a storage failure; {@code bucket} and {@code key} name the resource in the body. */
    public static S3Exception toS3(StorageException e, String bucket, String key) {
        S3Error error =
                switch (e.reason()) {
                    case NO_SUCH_BUCKET -> S3Error.NO_SUCH_BUCKET;
                    case BUCKET_ALREADY_EXISTS -> S3Error.BUCKET_ALREADY_EXISTS;
                    case BUCKET_ALREADY_OWNED_BY_YOU -> S3Error.BUCKET_ALREADY_OWNED_BY_YOU;
                    case BUCKET_NOT_EMPTY -> S3Error.BUCKET_NOT_EMPTY;
                    case NO_SUCH_KEY -> S3Error.NO_SUCH_KEY;
                    case NO_SUCH_UPLOAD -> S3Error.NO_SUCH_UPLOAD;
                    case INVALID_PART -> S3Error.INVALID_PART;
                    case INVALID_PART_ORDER -> S3Error.INVALID_PART_ORDER;
                    case ENTITY_TOO_SMALL -> S3Error.ENTITY_TOO_SMALL;
                    case INCOMPLETE_BODY -> S3Error.INCOMPLETE_BODY;
                    case BAD_DIGEST -> S3Error.BAD_DIGEST;
                    case CORRUPT_DATA, IO -> S3Error.INTERNAL_ERROR;
                };
        S3Exception s3 = new S3Exception(error, error.message(), e);
        return switch (error) {
            case NO_SUCH_BUCKET, BUCKET_ALREADY_EXISTS, BUCKET_ALREADY_OWNED_BY_YOU, BUCKET_NOT_EMPTY -> s3.with(
                    "BucketName", bucket);
            case NO_SUCH_KEY -> s3.with("Key", key);
            default -> s3;
        };
    }
}
