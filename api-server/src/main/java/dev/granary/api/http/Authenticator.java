package dev.granary.api.http;

import dev.granary.auth.AuthResult;
import dev.granary.auth.DecodedBody;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.RequestVerifier;
import dev.granary.auth.SignableRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Adapts an Undertow exchange to the auth module's request view: verifies the signature (SigV4, or SigV2 for old
 * clients), decodes the body.
 */
final class Authenticator {
    private final RequestVerifier verifier;
    private final PayloadDecoder decoder;

    Authenticator(RequestVerifier verifier, PayloadDecoder decoder) {
        this.verifier = verifier;
        this.decoder = decoder;
    }

    /** The signable view of the exchange: method, raw path and query, lower-cased headers. */
    static SignableRequest signable(HttpServerExchange exchange) {
        Map<String, List<String>> headers = new HashMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), new ArrayList<>(values));
        }
        return new SignableRequest(
                exchange.getRequestMethod().toString(), exchange.getRequestPath(), exchange.getQueryString(), headers);
    }

    /**
     * @param virtualHostBucket the bucket of a virtual-hosted request's Host header, else null (SigV2 signs
     *     "/bucket/key" whatever the style)
     */
    AuthResult verify(SignableRequest request, String virtualHostBucket) {
        return verifier.verify(request, virtualHostBucket);
    }

    /** @param oss whether the request speaks OSS's dialect: its body's CRC-64/XZ is computed (and checked) too */
    RequestBody body(AuthResult auth, SignableRequest request, InputStream raw, boolean oss) {
        DecodedBody decoded = decoder.open(auth, request, raw, oss);
        return new RequestBody(decoded.stream(), decoded.length(), decoded.checksums(), decoded.contentMd5());
    }
}
