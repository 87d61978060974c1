package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import dev.granary.storage.WriteCondition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * PutObject: streams the body into the store, which commits only after the body, its payload hash, chunk
 * signatures, checksums and Content-MD5 all check out. If-None-Match: * and If-Match make the write conditional.
 */
record PutObjectHandler(ObjectStore store, Encryption encryption, LifecycleConfigs lifecycle, AccessControl access)
        implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        ObjectKey key = request.objectKey();
        Limits.checkKey(key.key());
        long length = Limits.uploadLength(request.contentLength(), Limits.MAX_PUT_SIZE);
        checkWriteConditions(request, key);
        // x-amz-content-sha256 and flexible checksums are verified by the body stream as it ends, Content-MD5 by
        // the store against the MD5 it computes for the ETag; both before the commit.
        Encryption.Params sse = encryption.forWrite(request, key.bucket());
        ObjectAttributes attributes = ObjectHeaders.fromRequest(request, request.checksums());
        attributes = attributes.withSystem(Encryption.withParams(attributes.system(), sse));
        attributes = attributes.withSystem(Acls.forNewObject(request, access, attributes.system()));
        Encryption.StoredBody body = sse.prepare(request.body(), request.contentMd5(), 0);
        ObjectMeta meta = store.putObject(
                key, attributes, body.body(), length, body.contentMd5(), body.form(), condition(request));
        response.header(AmzHeaders.ETAG, meta.quotedEtag());
        Encryption.writeHeaders(response, meta.attributes().system());
        ObjectHeaders.writeWrittenVersion(response, meta);
        lifecycle.writeExpiration(response, meta);
        ObjectHeaders.writeChecksums(
                response, meta.attributes().checksums(), meta.attributes().checksumType());
        ObjectHeaders.writeOssCrc64(request, response, meta.attributes().checksums());
        response.empty(200);
    }

    /**
     * The request's If-Match / If-None-Match as a condition the store checks again under the key's lock, right
     * before the commit: a write that raced this one in between makes this one fail with 412.
     */
    private static WriteCondition condition(S3Request request) {
        String ifNoneMatch = request.header(AmzHeaders.IF_NONE_MATCH);
        String ifMatch = request.header(AmzHeaders.IF_MATCH);
        if (ifNoneMatch == null && ifMatch == null) {
            return WriteCondition.NONE;
        }
        List<WriteCondition> conditions = new ArrayList<>();
        if (ifNoneMatch != null) {
            conditions.add(WriteCondition.ifNoneMatch(ifNoneMatch));
        }
        if (ifMatch != null) {
            conditions.add(WriteCondition.ifMatch(ifMatch));
        }
        return new WriteCondition.AllOf(conditions);
    }

    /** S3's conditional writes, checked first before the body is read (so a refused one need not be sent). */
    private void checkWriteConditions(S3Request request, ObjectKey key) {
        String ifNoneMatch = request.header(AmzHeaders.IF_NONE_MATCH);
        String ifMatch = request.header(AmzHeaders.IF_MATCH);
        if (ifNoneMatch == null && ifMatch == null) {
            return;
        }
        ObjectMeta current;
        try {
            current = store.headObject(key);
        } catch (StorageException e) {
            // A delete marker as the current version is no object, as a missing key is.
            if (e.reason() != StorageException.Reason.NO_SUCH_KEY
                    && e.reason() != StorageException.Reason.DELETE_MARKER) {
                throw e;
            }
            current = null;
        }
        if (ifNoneMatch != null && current != null && Conditions.matches(ifNoneMatch, current.etag())) {
            throw new S3Exception(S3Error.PRECONDITION_FAILED).with("Condition", "If-None-Match");
        }
        if (ifMatch != null) {
            if (current == null) {
                throw new S3Exception(S3Error.NO_SUCH_KEY).with("Key", key.key());
            }
            if (!Conditions.matches(ifMatch, current.etag())) {
                throw new S3Exception(S3Error.PRECONDITION_FAILED).with("Condition", "If-Match");
            }
        }
    }
}
