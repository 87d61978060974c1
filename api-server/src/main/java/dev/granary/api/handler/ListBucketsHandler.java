package dev.granary.api.handler;

import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import dev.granary.storage.BucketInfo;
import dev.granary.storage.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** ListBuckets: the caller's buckets by name, with the optional prefix, max-buckets and continuation-token. */
record ListBucketsHandler(ObjectStore store, Owners owners) implements OperationHandler {
    @Override
    public void handle(S3Request request, S3Response response) {
        String prefix = request.query("prefix");
        int max = request.queryInt("max-buckets", 10_000, 1, 10_000);
        String token = request.query("continuation-token");
        String after = token == null ? null : new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        List<BucketInfo> buckets = store.listBuckets(request.principal().accountId());
        XmlWriter xml = XmlWriter.document("ListAllMyBucketsResult");
        owners.write(xml, "Owner", request.principal().accountId());
        xml.start("Buckets");
        String last = null;
        int count = 0;
        boolean truncated = false;
        for (BucketInfo b : buckets) {
            if ((prefix != null && !b.name().startsWith(prefix))
                    || (after != null && b.name().compareTo(after) <= 0)) {
                continue;
            }
            if (count == max) {
                truncated = true;
                break;
            }
            xml.start("Bucket")
                    .element("Name", b.name())
                    .element("CreationDate", b.created())
                    .element("BucketRegion", b.region())
                    .end();
            last = b.name();
            count++;
        }
        xml.end();
        if (truncated) {
            xml.element(
                    "ContinuationToken",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        xml.element("Prefix", prefix);
        response.xml(xml);
    }
}
