package dev.granary.api.error;

import dev.granary.api.http.S3Response;
import dev.granary.api.xml.XmlWriter;
import java.util.Map;

/** The one place S3 errors are written: AWS's XML Error document, or status alone for HEAD and 304. */
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
}
