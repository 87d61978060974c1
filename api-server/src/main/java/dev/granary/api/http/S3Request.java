package dev.granary.api.http;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.route.Route;
import dev.granary.auth.Principal;
import dev.granary.auth.SignableRequest;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectMeta;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a handler sees of a request: its route, caller, decoded query, headers and body. The body is already
 * decoded (aws-chunked) and verified (payload hash, chunk signatures, checksums) as it is read.
 */
public final class S3Request {
    private final HttpServerExchange exchange;
    private final String requestId;
    private final Map<String, String> query;
    private Route route;
    private Principal principal;
    private RequestBody body;
    private SignableRequest signable;
    private Consumer<ObjectMeta> objectCheck;

    /** Whether the request is signed the OSS way ({@link #speaksOss}). */
    private boolean oss;

    S3Request(HttpServerExchange exchange, String requestId, Map<String, String> query) {
        this.exchange = exchange;
        this.requestId = requestId;
        this.query = query;
    }

    void bind(Route route, Principal principal, RequestBody body, SignableRequest signable) {
        this.route = route;
        this.principal = principal;
        this.body = body;
        this.signable = signable;
    }

    /** The request as authentication saw it: method, raw path and query, lower-cased headers. */
    public SignableRequest signable() {
        return signable;
    }

    /** The client's IP address (aws:SourceIp). */
    public String sourceIp() {
        InetSocketAddress address = exchange.getSourceAddress();
        return address == null || address.getAddress() == null
                ? null
                : address.getAddress().getHostAddress();
    }

    /** Whether the request came over TLS (aws:SecureTransport). */
    public boolean secure() {
        return exchange.getConnection().getSslSessionInfo() != null;
    }

    /** Sets the access check of the object version the handler is about to serve (see {@link #checkObjectAccess}). */
    void objectCheck(Consumer<ObjectMeta> check) {
        this.objectCheck = check;
    }

    /**
     * Checks the caller may read the object version the handler has opened and is about to serve (GetObject and
     * HeadObject, which the pipeline leaves to their handler so that the decision and the bytes are of one
     * version). Call it before anything about the version is used or told, encryption included.
     *
     * @param meta the version opened, or null when it could not be read (no such key or version, a delete marker,
     *     a malformed version id): a caller who may not read it then gets AccessDenied instead of the reason
     * @throws dev.granary.api.error.S3Exception AccessDenied
     * @throws IllegalStateException when the pipeline set no check: serving unchecked must not be the default
     */
    public void checkObjectAccess(ObjectMeta meta) {
        if (objectCheck == null) {
            throw new IllegalStateException("no access check for " + route.operation());
        }
        objectCheck.accept(meta);
    }

    public String requestId() {
        return requestId;
    }

    public String method() {
        return exchange.getRequestMethod().toString();
    }

    public Route route() {
        return route;
    }

    public String bucket() {
        return route.bucket();
    }

    public String key() {
        return route.key();
    }

    public ObjectKey objectKey() {
        return new ObjectKey(route.bucket(), route.key());
    }

    public Principal principal() {
        return principal;
    }

    /**
     * Records who the request turned out to act for when its credentials are in its body (a POST form's policy
     * signature), once its handler has verified them; metering bills and logs that principal.
     */
    public void actAs(Principal verified) {
        this.principal = verified;
    }

    /** A decoded query parameter, or null if absent ("" if present without a value). */
    public String query(String name) {
        return query.get(name);
    }

    public boolean hasQuery(String name) {
        return query.containsKey(name);
    }

    public Map<String, String> queryParams() {
        return query;
    }

    /** A query parameter as an int in [min, max], {@code dflt} when absent; otherwise InvalidArgument. */
    public int queryInt(String name, int dflt, int min, int max) {
        String v = query.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new NumberFormatException();
            }
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new S3Exception(
                            S3Error.INVALID_ARGUMENT, "Provided " + name + " not an integer or within integer range")
                    .with("ArgumentName", name)
                    .with("ArgumentValue", v);
        }
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** Every header with its values, for copying x-amz-meta-* and friends. */
    public Iterable<HeaderValues> headers() {
        return exchange.getRequestHeaders();
    }

    public boolean hasHeader(String name) {
        return exchange.getRequestHeaders().contains(new HttpString(name));
    }

    /** Whether the request speaks Alibaba Cloud OSS's dialect (signed the OSS way). */
    public boolean oss() {
        return oss;
    }

    /** Marks the request as speaking OSS's dialect ({@link OssDialect#isOss}, decided once per request). */
    void speaksOss() {
        this.oss = true;
    }

    /**
     * Turns an unsigned request into one in OSS's dialect once its handler knows it is one (a POST form signed the
     * OSS way, whose signature is in the body): the rest of the answer, errors included, is OSS's.
     */
    public void switchToOss(S3Response response) {
        speaksOss();
        response.speakOss();
    }

    /** The decoded request body. */
    public InputStream body() {
        return body.stream();
    }

    /** The decoded body's length: the payload length for aws-chunked, Content-Length otherwise; -1 if unknown. */
    public long contentLength() {
        return body.length();
    }

    /** Checksums the client declared, filled in (trailers) once the body has been read to its end. */
    public Map<String, String> checksums() {
        return body.checksums();
    }

    /** The MD5 the client declared in Content-MD5 (for the store to check), or null. */
    public byte[] contentMd5() {
        return body.contentMd5();
    }

    /** Whether the client sent a body at all (Content-Length > 0 or chunked). */
    public boolean hasBody() {
        return body.length() != 0;
    }
}
