package dev.granary.api.error;

import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import java.util.Base64;
import java.util.Map;

/**
 * The one place S3 errors are written: AWS's XML Error document, or status alone for HEAD and 304; in OSS's dialect,
 * OSS's document (RequestId, HostId, EC) with {@code x-oss-ec}, and for HEAD the document in {@code x-oss-err}.
 */
public final class ErrorRenderer {
    private ErrorRenderer() {}

    /**
     * Renders {@code e} into the response.
     *
     * @param isHead HEAD responses carry no body
     * @param resource the path the request addressed, for the Resource element
     */
    public static void render(S3Response response, S3Exception e, boolean isHead, String requestId, String resource) {
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            response.header(h.getKey(), h.getValue());
        }
        if (response.oss() && e.status() != 304) {
            renderOss(response, e, isHead, requestId);
            return;
        }
        if (isHead || e.status() == 304) {
            response.empty(e.status());
            return;
        }
        XmlWriter xml = XmlWriter.errorDocument().element("Code", e.code()).element("Message", e.getMessage());
        for (Map.Entry<String, String> extra : e.extraElements().entrySet()) {
            xml.element(extra.getKey(), extra.getValue());
        }
        xml.element("Resource", resource).element("RequestId", requestId).element("HostId", requestId);
        response.xml(e.status(), xml);
    }

    /**
     * OSS's error: its XML document without a namespace, its fine-grained code (EC) also in {@code x-oss-ec}, and on
     * HEAD (which has no body) the document base64-encoded in {@code x-oss-err}, where OSS's SDKs look for it.
     */
    private static void renderOss(S3Response response, S3Exception e, boolean isHead, String requestId) {
        String ec = OssErrorCodes.ec(e.code());
        XmlWriter xml = XmlWriter.errorDocument().element("Code", e.code()).element("Message", e.getMessage());
        for (Map.Entry<String, String> extra : e.extraElements().entrySet()) {
            xml.element(extra.getKey(), extra.getValue());
        }
        String host = response.requestHost();
        xml.element("RequestId", requestId)
                .element("HostId", host == null ? "localhost" : host)
                .element("EC", ec);
        // x-amz-* answer headers go out as x-oss-* in this dialect.
        response.header("x-amz-ec", ec);
        if (isHead) {
            response.header("x-amz-err", Base64.getEncoder().encodeToString(xml.toBytesWithoutNamespace()));
            response.empty(e.status());
            return;
        }
        response.xml(e.status(), xml);
    }
}
