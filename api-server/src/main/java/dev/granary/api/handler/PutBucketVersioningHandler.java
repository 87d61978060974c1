package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.Versioning;
import java.io.IOException;
import org.w3c.dom.Element;

/**
 * PutBucketVersioning: {@code Enabled} or {@code Suspended}. A configuration without a status changes nothing (as
 * in AWS); MFA delete needs an MFA device, which Granary has no notion of, so enabling it is refused.
 */
record PutBucketVersioningHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        store.getBucket(request.bucket()); // NoSuchBucket before a body is judged
        Element root = XmlReader.parse(request.body());
        if (!XmlReader.localName(root).equals("VersioningConfiguration")) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        String mfaDelete = XmlReader.childText(root, "MfaDelete");
        if (mfaDelete != null && !mfaDelete.equals("Disabled")) {
            if (!mfaDelete.equals("Enabled")) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            throw new S3Exception(
                    S3Error.INVALID_REQUEST, "MFA delete is not supported: Granary has no MFA devices to check.");
        }
        String status = XmlReader.childText(root, "Status");
        if (status != null) {
            Versioning state = switch (status) {
                case "Enabled" -> Versioning.ENABLED;
                case "Suspended" -> Versioning.SUSPENDED;
                default -> throw new S3Exception(S3Error.MALFORMED_XML);
            };
            store.setVersioning(request.bucket(), state);
        }
        response.empty(200);
    }
}
