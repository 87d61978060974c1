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
        if (request.oss()) {
            listOss(request, response);
            return;
        }
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

    /**
     * OSS's GetService: {@code prefix}, {@code marker} and {@code max-keys} (100 by default, 1,000 at most) page the
     * buckets, each with its region as OSS names it ({@code Location} {@code oss-<region>}) and this server's address
     * as both endpoints.
     */
    private void listOss(S3Request request, S3Response response) {
        String prefix = request.query("prefix");
        String marker = request.query("marker");
        int max = request.queryInt("max-keys", 100, 1, 1000);
        String endpoint = request.header(dev.granary.api.http.AmzHeaders.HOST);
        XmlWriter xml = XmlWriter.document("ListAllMyBucketsResult");
        xml.element("Prefix", prefix).element("Marker", marker);
        List<BucketInfo> page = new java.util.ArrayList<>();
        boolean truncated = false;
        for (BucketInfo b : store.listBuckets(request.principal().accountId())) {
            if ((prefix != null && !b.name().startsWith(prefix))
                    || (marker != null && b.name().compareTo(marker) <= 0)) {
                continue;
            }
            if (page.size() == max) {
                truncated = true;
                break;
            }
            page.add(b);
        }
        if (request.query("max-keys") != null) {
            xml.element("MaxKeys", Integer.toString(max));
        }
        xml.element("IsTruncated", Boolean.toString(truncated));
        if (truncated) {
            xml.element("NextMarker", page.get(page.size() - 1).name());
        }
        owners.write(xml, "Owner", request.principal().accountId());
        xml.start("Buckets");
        for (BucketInfo b : page) {
            xml.start("Bucket")
                    .element("CreationDate", b.created())
                    .element("ExtranetEndpoint", endpoint)
                    .element("IntranetEndpoint", endpoint)
                    .element("Location", "oss-" + b.region())
                    .element("Name", b.name())
                    .element("Region", b.region())
                    .element("StorageClass", "Standard")
                    .end();
        }
        xml.end();
        response.xml(xml);
    }
}
