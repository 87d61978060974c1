package dev.granary.api.http;

import dev.granary.api.error.ErrorRenderer;
import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The outermost handler: gives each request its id, and answers the errors Undertow raises itself once a request
 * has been parsed with AWS's XML error and that id, as every other error is answered: a bare status is what SDKs
 * report as an unknown error. These are Draining's 503 while the server stops, the 503 of a request
 * the worker pool refused, and the 500 Undertow sends when something escapes the pipeline. The pipeline never ran
 * for them, so they leave no usage record.
 *
 * <p>Errors Undertow raises while parsing a request never reach a handler and cannot be answered here; see
 * {@link GranaryServer}.
 */
final class UndertowErrors implements HttpHandler {
    private static final AttachmentKey<String> REQUEST_ID = AttachmentKey.create(String.class);

    private final HttpHandler next;

    UndertowErrors(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.putAttachment(REQUEST_ID, newRequestId());
        exchange.addDefaultResponseListener(UndertowErrors::render);
        next.handleRequest(exchange);
    }

    /** The request's id, for x-amz-request-id: the one given here, or a new one for a request that came another way. */
    static String requestId(HttpServerExchange exchange) {
        String id = exchange.getAttachment(REQUEST_ID);
        return id != null ? id : newRequestId();
    }

    /**
     * A {@link DefaultResponseListener}: Undertow calls it when an exchange ends with nothing sent, the pipeline's
     * bodiless answers (204s, HEADs) included; it renders only an error status on a request that may have a body.
     */
    private static boolean render(HttpServerExchange exchange) {
        int status = exchange.getStatusCode();
        if (status < 400 || exchange.isResponseStarted()) {
            return false;
        }
        String requestId = requestId(exchange);
        exchange.getResponseHeaders().put(Headers.SERVER, "Granary");
        exchange.getResponseHeaders().put(AmzHeaders.X_AMZ_REQUEST_ID_H, requestId);
        exchange.getResponseHeaders().put(AmzHeaders.X_AMZ_ID_2_H, requestId);
        if (exchange.getRequestMethod().equals(Methods.HEAD)) {
            return false; // no body on HEAD: Undertow ends the exchange as it meant to
        }
        exchange.getResponseHeaders().remove(Headers.CONTENT_LENGTH);
        // Without blocking mode (on the I/O thread, or a worker the pipeline never ran on) the answer is sent without
        // waiting; either way the send ends the exchange.
        S3Response response = new S3Response(exchange, !exchange.isBlocking());
        ErrorRenderer.render(response, error(status), false, requestId, exchange.getRequestPath());
        return true;
    }

    /** The S3 error for a status Undertow chose: its own code where S3 has one for it, and the status kept. */
    private static S3Exception error(int status) {
        S3Error error = status == 503
                ? S3Error.SERVICE_UNAVAILABLE
                : status >= 500 ? S3Error.INTERNAL_ERROR : S3Error.BAD_REQUEST;
        return new S3Exception(error, error.code(), status, error.message(), null);
    }

    /** 16 upper-case hex digits, as AWS request ids look (String.format cost more than the rest of a GET). */
    private static String newRequestId() {
        long id = ThreadLocalRandom.current().nextLong();
        char[] out = new char[16];
        for (int i = 15; i >= 0; i--) {
            out[i] = HEX[(int) (id & 0xf)];
            id >>>= 4;
        }
        return new String(out);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
