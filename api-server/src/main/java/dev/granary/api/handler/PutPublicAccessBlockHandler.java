package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.auth.access.BlockPublicAccess;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.w3c.dom.Element;

/**
 * PutPublicAccessBlock: the bucket's four Block Public Access flags from a PublicAccessBlockConfiguration (an
 * absent flag is false, as in S3). Settings already in effect only apply to later requests: existing public ACLs
 * and policies stay stored, IgnorePublicAcls and RestrictPublicBuckets make them count for nothing meanwhile.
 */
record PutPublicAccessBlockHandler(ObjectStore store, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        Element root = XmlReader.parse(request.body());
        if (!"PublicAccessBlockConfiguration".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        BlockPublicAccess settings = new BlockPublicAccess(
                flag(root, "BlockPublicAcls"),
                flag(root, "IgnorePublicAcls"),
                flag(root, "BlockPublicPolicy"),
                flag(root, "RestrictPublicBuckets"));
        store.putBucketConfig(
                request.bucket(),
                AccessControl.PUBLIC_ACCESS_BLOCK_DOCUMENT,
                AccessControl.encodeBlock(settings).getBytes(StandardCharsets.UTF_8));
        access.invalidate(request.bucket());
        response.empty(200);
    }

    private static boolean flag(Element root, String name) {
        String v = XmlReader.childText(root, name);
        if (v == null) {
            return false;
        }
        return switch (v.strip()) {
            case "true", "TRUE", "True" -> true;
            case "false", "FALSE", "False" -> false;
            default -> throw new S3Exception(S3Error.MALFORMED_XML);
        };
    }
}
