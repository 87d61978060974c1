package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import dev.granary.auth.access.Acl;
import dev.granary.auth.access.Owner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * CreateBucket: checks the name, reads an optional CreateBucketConfiguration, and creates the bucket owned by
 * the caller. A LocationConstraint must name this server's region.
 */
record CreateBucketHandler(ObjectStore store, String region, AccessControl access) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) throws IOException {
        BucketNames.check(request.bucket());
        String constraint = null;
        if (request.hasBody()) {
            byte[] body = request.body().readNBytes(XmlReader.MAX_BYTES + 1);
            if (body.length > 0) {
                Element config = XmlReader.parse(body);
                if (!"CreateBucketConfiguration".equals(XmlReader.localName(config))) {
                    throw new S3Exception(S3Error.MALFORMED_XML);
                }
                constraint = XmlReader.childText(config, "LocationConstraint");
            }
        }
        if (constraint != null && !constraint.isEmpty() && !constraint.equals(region)) {
            throw new S3Exception(
                    S3Error.ILLEGAL_LOCATION_CONSTRAINT,
                    "The " + constraint + " location constraint is incompatible for the region specific endpoint"
                            + " this request was sent to.");
        }
        Owner owner = access.owner(request.principal().accountId());
        Optional<Acl> acl = Acls.fromHeaders(request, access, owner, owner, true);
        store.createBucket(request.bucket(), owner.id(), region);
        access.invalidate(request.bucket());
        if (acl.isPresent() && !acl.get().equals(Acl.privateAcl(owner))) {
            store.putBucketConfig(
                    request.bucket(), AccessControl.ACL_DOCUMENT, acl.get().toJson().getBytes(StandardCharsets.UTF_8));
            access.invalidate(request.bucket());
        }
        response.header(AmzHeaders.LOCATION, "/" + request.bucket()).empty(200);
    }
}
