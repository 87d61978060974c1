package dev.granary.api.handler;

import dev.granary.api.cors.Cors;
import dev.granary.api.cors.CorsConfiguration;
import dev.granary.api.cors.CorsRule;
import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.OperationHandler;
import dev.granary.api.http.S3Request;
import dev.granary.api.http.S3Response;
import java.util.List;
import java.util.Set;

/**
 * A CORS preflight ({@code OPTIONS} on a bucket or object), answered from the bucket's rules without
 * authentication, as browsers send it: 200 with the granted origin, methods and headers, or AccessForbidden.
 */
record CorsPreflightHandler(Cors cors) implements OperationHandler {
    private static final Set<String> METHODS = Set.of("GET", "PUT", "HEAD", "POST", "DELETE");

    @Override
    public void handle(S3Request request, S3Response response) {
        String origin = request.header(Cors.ORIGIN);
        if (origin == null) {
            throw new S3Exception(S3Error.BAD_REQUEST, "Insufficient information. Origin request header needed.");
        }
        String method = request.header(Cors.ACCESS_CONTROL_REQUEST_METHOD);
        if (method == null || !METHODS.contains(method)) {
            throw new S3Exception(S3Error.BAD_REQUEST, "Invalid Access-Control-Request-Method: " + method);
        }
        CorsConfiguration configuration = cors.configuration(request.bucket())
                .orElseThrow(() -> new S3Exception(
                                S3Error.ACCESS_FORBIDDEN, "CORSResponse: CORS is not enabled for this bucket.")
                        .with("Method", method)
                        .with("ResourceType", resourceType(request)));
        List<String> headers = Cors.requestHeaders(request.header(Cors.ACCESS_CONTROL_REQUEST_HEADERS));
        CorsRule rule = configuration.match(origin, method, headers);
        if (rule == null) {
            throw new S3Exception(S3Error.ACCESS_FORBIDDEN)
                    .with("Method", method)
                    .with("ResourceType", resourceType(request));
        }
        Cors.allow(rule, origin, response);
        if (!headers.isEmpty()) {
            response.header(Cors.ALLOW_HEADERS, String.join(", ", headers));
        }
        response.empty(200);
    }

    private static String resourceType(S3Request request) {
        return request.key() == null ? "BUCKET" : "OBJECT";
    }
}
