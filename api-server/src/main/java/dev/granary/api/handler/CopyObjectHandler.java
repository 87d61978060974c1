package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.lifecycle.LifecycleConfigs;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectContent;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.Versioning;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * CopyObject: copies the source's bytes (streamed) to the destination with the source's metadata (directive
 * COPY, the default) or the request's (REPLACE). Copying an object onto itself is allowed only with REPLACE,
 * and then only its metadata changes. Tags follow {@code x-amz-tagging-directive} the same way: the
 * source's (COPY, the default) or those of {@code x-amz-tagging} (REPLACE).
 */
record CopyObjectHandler(ObjectStore store, Encryption encryption, LifecycleConfigs lifecycle, AccessControl access)
        implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        ObjectKey target = request.objectKey();
        Limits.checkKey(target.key());
        ObjectMeta source = CopySource.resolve(request, store, access);
        // The source is read with its key (x-amz-copy-source-server-side-encryption-customer-*), the target
        // written as the request's encryption headers or the bucket's default say, independently.
        Encryption.Params from = encryption.forRead(request, source.attributes().system(), true);
        Encryption.Params to = encryption.forWrite(request, target.bucket());
        String directive = request.header(AmzHeaders.X_AMZ_METADATA_DIRECTIVE);
        boolean replace;
        if (directive == null || directive.equals("COPY")) {
            replace = false;
        } else if (directive.equals("REPLACE")) {
            replace = true;
        } else {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "Unknown metadata directive.")
                    .with("ArgumentName", AmzHeaders.X_AMZ_METADATA_DIRECTIVE)
                    .with("ArgumentValue", directive);
        }
        if (source.size() > Limits.MAX_PUT_SIZE) {
            throw new S3Exception(
                    S3Error.INVALID_REQUEST,
                    "The specified copy source is larger than the maximum allowable size for a copy source: "
                            + Limits.MAX_PUT_SIZE);
        }
        SortedMap<String, String> tags = Tagging.forCopy(
                request.header(AmzHeaders.X_AMZ_TAGGING_DIRECTIVE),
                request.header(AmzHeaders.X_AMZ_TAGGING),
                source.attributes().tags());
        ObjectAttributes attributes = (replace
                        ? ObjectHeaders.fromRequest(request, Map.of())
                                .withChecksums(
                                        new TreeMap<>(source.attributes().checksums()),
                                        source.attributes().checksumType())
                        : source.attributes())
                .withTags(tags);
        attributes = attributes.withSystem(Encryption.withParams(attributes.system(), to));
        // The copy is a new object of the caller's with the request's ACL (default private), never the source's.
        attributes = attributes.withSystem(Acls.forNewObject(request, access, attributes.system()));
        // A copy was not made by the source's multipart upload: a retried completion of it must not find the copy.
        if (attributes.system().containsKey(CompleteMultipartUploadHandler.COMPLETED_UPLOAD)) {
            java.util.SortedMap<String, String> system = new java.util.TreeMap<>(attributes.system());
            system.remove(CompleteMultipartUploadHandler.COMPLETED_UPLOAD);
            attributes = attributes.withSystem(system);
        }
        boolean versioned = store.getBucket(target.bucket()).versioning() != Versioning.UNVERSIONED;
        boolean namedVersion = CopySource.versionId(request.header(AmzHeaders.X_AMZ_COPY_SOURCE)) != null;
        boolean inPlace = source.key().equals(target) && !(versioned && (replace || namedVersion));
        // An Appendable object (OSS's) stays one when only its attributes change; a copy of its bytes is a new, normal
        // object (one segment, its own ETag).
        java.util.SortedMap<String, String> kept = new java.util.TreeMap<>(attributes.system());
        if (inPlace && source.appendable()) {
            kept.put(ObjectMeta.APPENDABLE, "true");
        } else {
            kept.remove(ObjectMeta.APPENDABLE);
        }
        attributes = attributes.withSystem(kept);
        ObjectMeta copied;
        if (inPlace) {
            // In a versioned bucket a copy onto itself makes a new version (restoring an old one is such a copy);
            // otherwise it is legal only as a change of metadata, made in place.
            boolean encryptionRequested = request.header(AmzHeaders.X_AMZ_SSE) != null
                    || request.header(AmzHeaders.X_AMZ_SSE_CUSTOMER_ALGORITHM) != null;
            if (!replace && !encryptionRequested) {
                throw new S3Exception(
                        S3Error.INVALID_REQUEST,
                        "This copy request is illegal because it is trying to copy an object to itself without"
                                + " changing the object's metadata, storage class, website redirect location or"
                                + " encryption attributes.");
            }
            // Bytes under (or going to) encryption are rewritten: new parameters need a new ciphertext.
            copied = from.encrypted() || to.encrypted()
                    ? copyBytes(source, target, attributes, from, to)
                    : store.replaceAttributes(target, source.etag(), attributes);
        } else {
            copied = copyBytes(source, target, attributes, from, to);
        }
        Encryption.writeHeaders(response, copied.attributes().system());
        ObjectHeaders.writeWrittenVersion(response, copied);
        lifecycle.writeExpiration(response, copied);
        if (source.versionId() != null) {
            response.header(AmzHeaders.X_AMZ_COPY_SOURCE_VERSION_ID, source.versionId());
        }
        XmlWriter xml = XmlWriter.document("CopyObjectResult")
                .element("LastModified", copied.lastModified())
                .element("ETag", copied.quotedEtag());
        writeChecksumElements(xml, copied.attributes().checksums());
        ObjectHeaders.writeOssCrc64(request, response, copied.attributes().checksums());
        if (request.oss()) {
            response.header(AmzHeaders.ETAG, copied.quotedEtag()); // OSS's clients read it from the header too
        }
        response.xml(xml);
    }

    /** Streams the source's plaintext into the target, encrypted as the target asks. */
    private ObjectMeta copyBytes(
            ObjectMeta source,
            ObjectKey target,
            ObjectAttributes attributes,
            Encryption.Params from,
            Encryption.Params to)
            throws IOException {
        try (ObjectContent content = store.getObject(source.key(), source.versionId(), 0, source.size())) {
            if (!content.meta().etag().equals(source.etag())) {
                throw new S3Exception(S3Error.PRECONDITION_FAILED, "The source object changed during the copy.");
            }
            Encryption.StoredBody body = to.prepare(from.decrypt(content.stream(), content.meta(), 0), null, 0);
            return store.putObject(target, attributes, body.body(), source.size(), body.contentMd5(), body.form());
        }
    }

    /** ChecksumCRC32 and friends, as CopyObjectResult, CopyPartResult and CompleteMultipartUploadResult carry. */
    static void writeChecksumElements(XmlWriter xml, Map<String, String> checksums) {
        for (Map.Entry<String, String> c : ObjectHeaders.s3Checksums(checksums).entrySet()) {
            xml.element("Checksum" + c.getKey(), c.getValue());
        }
    }
}
