package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.auth.access.Acl;
import dev.granary.auth.access.Owner;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * CreateBucket: checks the name, reads an optional CreateBucketConfiguration, and creates the bucket owned by
 * the caller. A LocationConstraint must name this server's region. Creating a bucket one already owns is, as in
 * AWS, BucketAlreadyOwnedByYou - except in us-east-1, where AWS answers 200 for legacy compatibility and resets the
 * bucket's ACL (to the request's, private by default); its objects stay.
 */
record CreateBucketHandler(ObjectStore store, String region, AccessControl access) implements OperationHandler {
    /** The region where re-creating an own bucket succeeds. */
    private static final String LEGACY_REGION = "us-east-1";

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
        try {
            store.createBucket(request.bucket(), owner.id(), region);
        } catch (StorageException e) {
            if (e.reason() != StorageException.Reason.BUCKET_ALREADY_OWNED_BY_YOU || !region.equals(LEGACY_REGION)) {
                throw e;
            }
            store.deleteBucketConfig(request.bucket(), AccessControl.ACL_DOCUMENT);
        }
        access.invalidate(request.bucket());
        if (acl.isPresent() && !acl.get().equals(Acl.privateAcl(owner))) {
            store.putBucketConfig(
                    request.bucket(),
                    AccessControl.ACL_DOCUMENT,
                    acl.get().toJson().getBytes(StandardCharsets.UTF_8));
            access.invalidate(request.bucket());
        }
        response.header(AmzHeaders.LOCATION, "/" + request.bucket()).empty(200);
    }
}
