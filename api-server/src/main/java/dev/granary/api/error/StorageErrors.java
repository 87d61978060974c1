package dev.granary.api.error;

import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.HttpDates;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.StorageException;

/** The one translation from storage failures to S3 errors. */
public final class StorageErrors {
    private StorageErrors() {}

    /** The S3 error for a storage failure; {@code bucket} and {@code key} name the resource in the body. */
    public static S3Exception toS3(StorageException e, String bucket, String key) {
        return toS3(e, bucket, key, null);
    }

    /**
     * The S3 error for a storage failure of a request that named {@code versionId} (or null). A delete marker
     * read without a version id is NoSuchKey, with one MethodNotAllowed; both say which marker in headers.
     */
    public static S3Exception toS3(StorageException e, String bucket, String key, String versionId) {
        if (e.reason() == StorageException.Reason.DELETE_MARKER) {
            ObjectMeta marker = e.deleteMarker();
            S3Exception s3 = versionId == null
                    ? new S3Exception(S3Error.NO_SUCH_KEY, S3Error.NO_SUCH_KEY.message(), e).with("Key", key)
                    : new S3Exception(S3Error.METHOD_NOT_ALLOWED, S3Error.METHOD_NOT_ALLOWED.message(), e)
                            .with("Method", "GET")
                            .with("ResourceType", "DeleteMarker")
                            .header("Last-Modified", HttpDates.format(marker.lastModified()));
            return s3.header(AmzHeaders.X_AMZ_DELETE_MARKER, "true")
                    .header(AmzHeaders.X_AMZ_VERSION_ID, marker.versionId());
        }
        if (e.reason() == StorageException.Reason.NO_SUCH_VERSION) {
            return new S3Exception(S3Error.NO_SUCH_VERSION, S3Error.NO_SUCH_VERSION.message(), e)
                    .with("Key", key)
                    .with("VersionId", versionId);
        }
        if (e.reason() == StorageException.Reason.INSUFFICIENT_STORAGE) {
            // The engine words this message for the client: how full the disk is, the reserve, what still works.
            return new S3Exception(S3Error.INSUFFICIENT_STORAGE, e.getMessage(), e);
        }
        if (e.reason() == StorageException.Reason.INVALID_VERSION_ID) {
            return new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid version id specified", e)
                    .with("ArgumentName", "versionId")
                    .with("ArgumentValue", versionId);
        }
        S3Error error = switch (e.reason()) {
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
            case NO_SUCH_VERSION -> S3Error.NO_SUCH_VERSION;
            case INVALID_VERSION_ID -> S3Error.INVALID_ARGUMENT;
            case DELETE_MARKER -> S3Error.NO_SUCH_KEY;
            case PRECONDITION_FAILED -> S3Error.PRECONDITION_FAILED;
            case CORRUPT_DATA, IO -> S3Error.INTERNAL_ERROR;
            case UNAVAILABLE -> S3Error.SERVICE_UNAVAILABLE;
            case INSUFFICIENT_STORAGE -> S3Error.INSUFFICIENT_STORAGE;
            case POSITION_NOT_EQUAL_TO_LENGTH -> S3Error.POSITION_NOT_EQUAL_TO_LENGTH;
            case OBJECT_NOT_APPENDABLE -> S3Error.OBJECT_NOT_APPENDABLE;
        };
        S3Exception s3 = new S3Exception(error, error.message(), e);
        return switch (error) {
            case NO_SUCH_BUCKET, BUCKET_ALREADY_EXISTS, BUCKET_ALREADY_OWNED_BY_YOU, BUCKET_NOT_EMPTY ->
                s3.with("BucketName", bucket);
            case NO_SUCH_KEY -> s3.with("Key", key);
            default -> s3;
        };
    }
}
