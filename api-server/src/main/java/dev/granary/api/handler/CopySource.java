package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.error.StorageErrors;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.UrlCodec;
import dev.granary.auth.access.AccessEvaluator.BucketState;
import dev.granary.auth.access.Requester;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;

/** The x-amz-copy-source of CopyObject and UploadPartCopy: {@code [/]bucket/key[?versionId=v]}, URL-encoded. */
final class CopySource {
    private CopySource() {}

    /**
     * Parses the header and checks the caller may read the source; returns the metadata of the source version
     * (the current one unless the header names a version), whose {@link ObjectMeta#versionId} reads it again.
     */
    static ObjectMeta resolve(S3Request request, ObjectStore store, AccessControl access) {
        ObjectKey source = parse(request.header(AmzHeaders.X_AMZ_COPY_SOURCE));
        BucketState bucket = access.bucket(source.bucket());
        Requester who = Requester.of(request.principal());
        String header = request.header(AmzHeaders.X_AMZ_COPY_SOURCE);
        String versionId = versionId(header);
        ObjectMeta meta;
        try {
            // The request's read barrier covered its target; the source may live in other partitions (a cluster:
            // this node must hold every write of the source acknowledged anywhere before it reads it).
            store.awaitCurrent(source.bucket(), source.key());
            meta = store.headObject(source, versionId);
            // As S3: reading the source is a GetObject decision of its own, on the source's bucket and object, and
            // about the version the header names (s3:GetObjectVersion and s3:versionid when it names one).
            access.check(
                    request,
                    who,
                    "GetObject",
                    source.bucket(),
                    source.key(),
                    versionId,
                    access.objectState(meta, bucket));
        } catch (StorageException e) {
            // A caller who may not read the source learns nothing about it: AccessDenied before NoSuchKey.
            access.check(request, who, "GetObject", source.bucket(), source.key(), versionId, null);
            if (e.reason() == StorageException.Reason.INVALID_VERSION_ID) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid version id specified")
                        .with("ArgumentName", "x-amz-copy-source")
                        .with("ArgumentValue", header);
            }
            if (e.reason() == StorageException.Reason.DELETE_MARKER && versionId != null) {
                // AWS: a delete marker is no copy source, named or current.
                throw new S3Exception(
                        S3Error.INVALID_REQUEST,
                        "The source of a copy request may not specifically refer to a delete marker by version id.");
            }
            throw StorageErrors.toS3(e, source.bucket(), source.key(), versionId);
        }
        Conditions.ofCopySource(request).checkCopySource(meta);
        return meta;
    }

    /** The version the header names ({@code ?versionId=}), or null for the current one. */
    static String versionId(String header) {
        int q = header.indexOf('?');
        return q < 0
                ? null
                : UrlCodec.parseQuery(header.substring(q + 1).trim()).get("versionId");
    }

    static ObjectKey parse(String header) {
        String raw = header.trim();
        int q = raw.indexOf('?');
        if (q >= 0) {
            String query = raw.substring(q + 1);
            raw = raw.substring(0, q);
            String version = UrlCodec.parseQuery(query).get("versionId");
            if (version != null && version.isEmpty()) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid version id specified")
                        .with("ArgumentName", "x-amz-copy-source")
                        .with("ArgumentValue", header);
            }
        }
        String decoded = UrlCodec.decode(raw, false);
        if (decoded.startsWith("/")) {
            decoded = decoded.substring(1);
        }
        int slash = decoded.indexOf('/');
        if (slash <= 0 || slash == decoded.length() - 1) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid copy source object key")
                    .with("ArgumentName", "x-amz-copy-source")
                    .with("ArgumentValue", header);
        }
        return new ObjectKey(decoded.substring(0, slash), decoded.substring(slash + 1));
    }
}
