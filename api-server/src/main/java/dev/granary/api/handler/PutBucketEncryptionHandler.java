package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.util.List;
import org.w3c.dom.Element;

/**
 * PutBucketEncryption: a {@code ServerSideEncryptionConfiguration} whose default is SSE-S3 ({@code AES256})
 * makes every later write without encryption headers SSE-S3. KMS defaults are not implemented (501).
 */
record PutBucketEncryptionHandler(ObjectStore store) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        store.getBucket(request.bucket()); // NoSuchBucket before a body is judged
        Element root = XmlReader.parse(request.body());
        if (!"ServerSideEncryptionConfiguration".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> rules = XmlReader.children(root, "Rule");
        if (rules.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> defaults = XmlReader.children(rules.get(0), "ApplyServerSideEncryptionByDefault");
        String algorithm = defaults.size() == 1 ? XmlReader.childText(defaults.get(0), "SSEAlgorithm") : null;
        if (algorithm == null) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        algorithm = algorithm.trim();
        if (algorithm.startsWith("aws:kms")) {
            throw new S3Exception(
                    S3Error.NOT_IMPLEMENTED,
                    "Server Side Encryption with AWS KMS (" + algorithm + ") is not implemented");
        }
        if (!Encryption.AES256.equals(algorithm)) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        store.putBucketConfig(
                request.bucket(), Encryption.CONFIG_NAME, configuration().toBytes());
        response.empty(200);
    }

    /** The one configuration stored: SSE-S3 by default (the document is what GetBucketEncryption returns). */
    static XmlWriter configuration() {
        return XmlWriter.document("ServerSideEncryptionConfiguration")
                .start("Rule")
                .start("ApplyServerSideEncryptionByDefault")
                .element("SSEAlgorithm", Encryption.AES256)
                .end()
                .element("BucketKeyEnabled", false)
                .end();
    }
}
