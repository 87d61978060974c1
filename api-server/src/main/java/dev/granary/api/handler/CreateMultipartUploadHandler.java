package dev.granary.api.handler;

import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectStore;
import java.util.TreeMap;

/** CreateMultipartUpload: records the future object's headers and metadata, and its checksum algorithm. */
record CreateMultipartUploadHandler(ObjectStore store, Encryption encryption, AccessControl access)
        implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        Limits.checkKey(request.key());
        MultipartChecksum checksum = MultipartChecksum.fromCreateRequest(
                request.header(AmzHeaders.X_AMZ_CHECKSUM_ALGORITHM), request.header(AmzHeaders.X_AMZ_CHECKSUM_TYPE));
        ObjectAttributes attributes = ObjectHeaders.fromRequest(request, new TreeMap<>())
                .withChecksums(new TreeMap<>(), checksum == null ? null : checksum.encode());
        Encryption.Params sse = encryption.forWrite(request, request.bucket());
        attributes = attributes.withSystem(Encryption.withParams(attributes.system(), sse));
        // Owner and ACL go with the upload and reach the object at CompleteMultipartUpload.
        attributes = attributes.withSystem(Acls.forNewObject(request, access, attributes.system()));
        MultipartUpload upload =
                store.createUpload(request.objectKey(), request.principal().accountId(), attributes);
        Encryption.writeHeaders(response, upload.attributes().system());
        if (checksum != null) {
            response.header(AmzHeaders.X_AMZ_CHECKSUM_ALGORITHM, checksum.algorithm())
                    .header(AmzHeaders.X_AMZ_CHECKSUM_TYPE, checksum.type());
        }
        response.xml(XmlWriter.document("InitiateMultipartUploadResult")
                .element("Bucket", request.bucket())
                .element("Key", request.key())
                .element("UploadId", upload.uploadId()));
    }
}
