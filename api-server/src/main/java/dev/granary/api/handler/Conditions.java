package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.HttpDates;
import dev.granary.api.http.S3Request;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.WriteCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Conditional request headers (RFC 7232 with S3's precedence): If-Match, then If-Unmodified-Since (ignored
 * when If-Match is present), then If-None-Match, then If-Modified-Since (ignored when If-None-Match is
 * present). Dates that do not parse are ignored, as S3 does.
 */
record Conditions(String ifMatch, String ifNoneMatch, Instant ifModifiedSince, Instant ifUnmodifiedSince) {

    static Conditions of(S3Request request) {
        return new Conditions(
                request.header(AmzHeaders.IF_MATCH),
                request.header(AmzHeaders.IF_NONE_MATCH),
                HttpDates.parse(request.header(AmzHeaders.IF_MODIFIED_SINCE)),
                HttpDates.parse(request.header(AmzHeaders.IF_UNMODIFIED_SINCE)));
    }

    /** The x-amz-copy-source-if-* headers of a copy. */
    static Conditions ofCopySource(S3Request request) {
        return new Conditions(
                request.header(AmzHeaders.X_AMZ_COPY_SOURCE_IF_MATCH),
                request.header(AmzHeaders.X_AMZ_COPY_SOURCE_IF_NONE_MATCH),
                HttpDates.parse(request.header(AmzHeaders.X_AMZ_COPY_SOURCE_IF_MODIFIED_SINCE)),
                HttpDates.parse(request.header(AmzHeaders.X_AMZ_COPY_SOURCE_IF_UNMODIFIED_SINCE)));
    }

    /**
     * Checks a read (GET, HEAD): 412 PreconditionFailed, or 304 Not Modified for the None-Match and
     * Modified-Since failures.
     */
    void checkRead(ObjectMeta meta) {
        check(meta, true);
    }

    /** Checks a copy source: every failure is 412. */
    void checkCopySource(ObjectMeta meta) {
        check(meta, false);
    }

    private void check(ObjectMeta meta, boolean read) {
        Instant modified = meta.lastModified().truncatedTo(ChronoUnit.SECONDS);
        if (ifMatch != null) {
            if (!matches(ifMatch, meta.etag())) {
                throw preconditionFailed("If-Match");
            }
        } else if (ifUnmodifiedSince != null && modified.isAfter(ifUnmodifiedSince)) {
            throw preconditionFailed("If-Unmodified-Since");
        }
        if (ifNoneMatch != null) {
            if (matches(ifNoneMatch, meta.etag())) {
                throw read ? notModified(meta) : preconditionFailed("If-None-Match");
            }
        } else if (ifModifiedSince != null && !modified.isAfter(ifModifiedSince)) {
            throw read ? notModified(meta) : preconditionFailed("If-Modified-Since");
        }
    }

    /** Whether a comma-separated list of entity tags (quoted or not, "*" for any) contains {@code etag}. */
    static boolean matches(String header, String etag) {
        // One reading of S3's ETag lists for reads and conditional writes alike: the store's.
        return WriteCondition.matches(header, etag);
    }

    private static S3Exception preconditionFailed(String condition) {
        return new S3Exception(S3Error.PRECONDITION_FAILED).with("Condition", condition);
    }

    private static S3Exception notModified(ObjectMeta meta) {
        return new S3Exception(S3Error.NOT_MODIFIED)
                .header(AmzHeaders.ETAG, meta.quotedEtag())
                .header(AmzHeaders.LAST_MODIFIED, HttpDates.format(meta.lastModified()));
    }
}
