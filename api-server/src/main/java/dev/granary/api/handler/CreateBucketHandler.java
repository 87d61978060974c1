package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AmzHeaders;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlReader;
import dev.granary.storage.ObjectStore;
import java.io.IOException;
import org.w3c.dom.Element;

/**
 * CreateBucket: checks the name, reads an optional CreateBucketConfiguration, and creates the bucket owned by
 * the caller. A LocationConstraint must name this server's region.
 */
record CreateBucketHandler(ObjectStore store, String region) implements OperationHandler {
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
        store.createBucket(request.bucket(), request.principal().accountId(), region);
        response.header(AmzHeaders.LOCATION, "/" + request.bucket()).empty(200);
    }
}
