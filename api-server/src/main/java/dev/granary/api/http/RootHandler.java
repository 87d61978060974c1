package dev.granary.api.http;

import dev.granary.api.cors.Cors;
import dev.granary.api.error.ErrorRenderer;
import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.error.StorageErrors;
import dev.granary.api.route.Route;
import dev.granary.api.route.S3Operation;
import dev.granary.api.route.S3Router;
import dev.granary.auth.AuthException;
import dev.granary.auth.AuthResult;
import dev.granary.auth.PayloadException;
import dev.granary.auth.Principal;
import dev.granary.auth.SignableRequest;
import dev.granary.metering.UsageRecord;
import dev.granary.metering.UsageSink;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.StorageException;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.AttachmentKey;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.channels.ReadTimeoutException;

/**
 * The one request pipeline: route, authenticate, authorize, handle; errors rendered once; exactly one usage
 * record per request, failed ones included.
 *
 * <p>Most requests run on a worker thread (behind Undertow's BlockingHandler), where they may block on the body
 * and the connection. A GET or HEAD of an object without a request body runs on the connection's I/O thread
 * instead, which saves the hand-over to a worker and back (a seventh of a small GET's CPU, measured): its
 * work is reads of caches and of the object's record, and the answer, when the object is small enough to be kept
 * inside that record, is sent without waiting for the client.
 * A request that turns out otherwise (another route, an object not held in its record) moves to a worker before
 * anything is sent and starts over there, leaving no usage record behind.
 */
public final class RootHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RootHandler.class);
    /**
     * Unread request bytes an error answer reads and drops to keep the connection (and the answer) intact: a
     * client still sending a refused body (without 100-continue) may see its connection reset before it reads the
     * answer if the server closes on unread bytes; up to a typical part size, reading them beats a client retry.
     */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;
    /** AWS's limit on a request's header lines, in bytes. */
    private static final int MAX_HEADER_SECTION = 8 * 1024;

    private final S3Router router;
    private final Authenticator authenticator;
    private final ObjectStore store;
    /** Whether the store is one node's of a cluster: requests then take its read barrier first. */
    private final boolean clustered;

    private final AccessControl access;
    private final Map<S3Operation, OperationHandler> handlers;
    private final UsageSink usage;
    private final Cors cors;
    private final HttpHandler onWorker = new BlockingHandler(this);

    RootHandler(
            S3Router router,
            Authenticator authenticator,
            ObjectStore store,
            AccessControl access,
            Map<S3Operation, OperationHandler> handlers,
            UsageSink usage,
            java.util.function.IntSupplier consolePort) {
        this.router = router;
        this.authenticator = authenticator;
        this.store = store;
        this.clustered = store.hasReadBarrier();
        this.access = access;
        this.handlers = handlers;
        this.usage = usage;
        this.cors = new Cors(store, consolePort);
        for (S3Operation op : S3Operation.values()) {
            if (!handlers.containsKey(op)) {
                throw new IllegalArgumentException("no handler for " + op);
            }
        }
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        boolean onIoThread = exchange.isInIoThread();
        // Off the I/O thread is not the same as behind BlockingHandler: a request pipelined behind one that finished
        // on a worker is started by Undertow on that worker, without blocking mode, and reading its body (or writing a
        // stream) would fail. BlockingHandler turns blocking mode on and, off the I/O thread, runs this again at once.
        if (onIoThread ? !mayStartOnIoThread(exchange) : !exchange.isBlocking()) {
            onWorker.handleRequest(exchange);
            return;
        }
        // A request moved here from the I/O thread after it was authorized resumes where it stopped.
        Authorized resumed = onIoThread ? null : exchange.removeAttachment(AUTHORIZED);
        // A request that waited for its read barrier off the I/O thread starts over, as what it was.
        Current waited = exchange.getAttachment(CURRENT);
        long start = resumed != null ? resumed.start() : waited != null ? waited.start() : System.nanoTime();
        Instant arrived = resumed != null ? resumed.arrived() : waited != null ? waited.arrived() : Instant.now();
        String requestId = resumed != null
                ? resumed.request().requestId()
                : waited != null ? waited.requestId() : UndertowErrors.requestId(exchange);
        exchange.getResponseHeaders().put(Headers.SERVER, "Granary");
        exchange.getResponseHeaders().put(AmzHeaders.X_AMZ_REQUEST_ID_H, requestId);
        exchange.getResponseHeaders().put(AmzHeaders.X_AMZ_ID_2_H, requestId);
        S3Response response = new S3Response(exchange, onIoThread);
        boolean oss = resumed != null ? resumed.request().oss() : OssDialect.isOss(exchange);
        if (oss) {
            // Alibaba Cloud OSS's dialect: its headers read as S3's, the answer in its words.
            response.speakOss();
            OssDialect.translateRequest(exchange.getRequestHeaders());
        }
        // On the I/O thread there is no body (and no blocking stream to read one from).
        CountingInputStream wire =
                new CountingInputStream(onIoThread ? InputStream.nullInputStream() : exchange.getInputStream());
        Route route = null;
        Principal principal = Principal.anonymous();
        boolean cut = false;
        boolean moved = false;
        S3Request request = resumed != null ? resumed.request() : null;
        boolean authorized = false;
        try {
            if (resumed != null) {
                route = request.route();
                principal = request.principal();
                handlers.get(route.operation()).handle(request, response);
                return;
            }
            checkFraming(exchange);
            checkHeaderSection(exchange);
            if (exchange.getRequestMethod().equals(io.undertow.util.Methods.OPTIONS)
                    && cors.fromConsole(
                            exchange.getRequestHeaders().getFirst(Cors.ORIGIN),
                            exchange.getRequestHeaders().getFirst(Headers.HOST))) {
                // The web console's preflight, for any resource (ListBuckets' "/" too): its requests are signed.
                Cors.allowConsole(
                        exchange.getRequestHeaders().getFirst(Cors.ORIGIN),
                        exchange.getRequestHeaders().getFirst(Cors.ACCESS_CONTROL_REQUEST_HEADERS),
                        response);
                response.empty(200);
                return;
            }
            Map<String, String> query = UrlCodec.parseQuery(exchange.getQueryString());
            request = new S3Request(exchange, requestId, query);
            if (oss) {
                request.speaksOss();
            }
            String path = UrlCodec.decode(exchange.getRequestPath(), false);
            route = router.route(
                    exchange.getRequestMethod().toString(),
                    exchange.getRequestHeaders().getFirst(Headers.HOST),
                    path,
                    query,
                    request.hasHeader(AmzHeaders.X_AMZ_COPY_SOURCE));
            if (onIoThread && !IO_THREAD_OPERATIONS.contains(route.operation())) {
                throw S3Response.MoveToWorker.INSTANCE;
            }
            if (clustered && route.operation() != S3Operation.HEALTH) {
                // What this request reads includes every write acknowledged before it, on any node.
                awaitCurrent(exchange, route, onIoThread, new Current(requestId, start, arrived, null));
            }
            boolean preflight = route.operation() == S3Operation.CORS_PREFLIGHT;
            if (!preflight) {
                // Before anything can fail: a browser reads an error (a denied or failed request) only through
                // these headers.
                // A request that names the method it stands for (Access-Control-Request-Method) is matched on that
                // method, as S3 does.
                String requested = request.header(Cors.ACCESS_CONTROL_REQUEST_METHOD);
                cors.decorate(
                        route.bucket(),
                        request.header(Cors.ORIGIN),
                        requested != null
                                ? requested
                                : exchange.getRequestMethod().toString(),
                        request.header(AmzHeaders.HOST),
                        response);
            }
            SignableRequest signable = Authenticator.signable(exchange);
            // A preflight carries no credentials; a POST form upload carries them in the form, which its handler
            // reads and verifies (policy signature, conditions, bucket owner) before it stores anything.
            boolean unsigned = route.operation() == S3Operation.HEALTH
                    || preflight
                    || route.operation() == S3Operation.POST_OBJECT;
            String hostBucket =
                    router.virtualHostBucket(exchange.getRequestHeaders().getFirst(Headers.HOST));
            AuthResult auth = unsigned ? null : authenticator.verify(signable, hostBucket);
            if (auth != null) {
                principal = auth.principal();
                RequestBody body = authenticator.body(auth, signable, wire, oss);
                if (body.length() < 0 && oss) {
                    // OSS's SDKs send streams of unknown length (and empty ones) chunked, without a length; a
                    // request with neither has an empty body.
                    body = SpooledBody.spool(exchange, body, SpooledBody.MAX);
                }
                request.bind(route, principal, body, signable);
            } else {
                request.bind(route, principal, new RequestBody(wire, 0, Map.of(), null), signable);
            }
            // Anonymous requests too: a public object or bucket is theirs to use.
            access.authorize(request);
            authorized = true;
            handlers.get(route.operation()).handle(request, response);
        } catch (AwaitingCurrent e) {
            moved = true;
            exchange.getResponseHeaders().clear();
            resumeWhenCurrent(exchange, e);
        } catch (S3Response.MoveToWorker e) {
            moved = true;
            exchange.getResponseHeaders().clear();
            exchange.setStatusCode(200);
            if (authorized) {
                // The worker skips routing, the signature check and authorization: they depend only on the
                // request, which has not changed (it has no body).
                exchange.putAttachment(AUTHORIZED, new Authorized(request, start, arrived));
            }
            onWorker.handleRequest(exchange); // dispatches: it runs once this method has returned
        } catch (S3Exception e) {
            fail(exchange, wire, response, e, requestId);
        } catch (AuthException e) {
            fail(exchange, wire, response, fromAuth(e), requestId);
        } catch (StorageException e) {
            // A body that failed verification may reach us wrapped by the store.
            PayloadException payload = PayloadException.find(e).orElse(null);
            String versionId = UrlCodec.parseQuery(exchange.getQueryString()).get("versionId");
            fail(
                    exchange,
                    wire,
                    response,
                    payload != null ? fromAuth(payload) : storageError(e, route, versionId),
                    requestId);
        } catch (PayloadException e) {
            fail(exchange, wire, response, fromAuth(e), requestId);
        } catch (IOException e) {
            // The client went away or sent less than it announced; nothing useful can be written back.
            cut = true;
            LOG.debug("request {} cut: {}", requestId, e.toString());
            // A client that stalled past the read timeout is told so, as S3 tells it (RequestTimeout), when the
            // connection still takes an answer; one that sent less than it announced and went away gets none.
            S3Error error = timedOut(e) ? S3Error.REQUEST_TIMEOUT : S3Error.INCOMPLETE_BODY;
            response.errorCode(error.code());
            exchange.setPersistent(false);
            if (!response.isCommitted()) {
                fail(exchange, wire, response, new S3Exception(error), requestId);
            }
        } catch (RuntimeException e) {
            if (!exchange.getConnection().isOpen()) {
                // Undertow tore the connection down under the worker (a read timeout fires on the I/O thread) and
                // its streams fail with whatever they fail with: the client is gone, as with an IOException.
                cut = true;
                LOG.debug("request {} cut: connection closed: {}", requestId, e.toString());
                response.errorCode(S3Error.REQUEST_TIMEOUT.code());
                exchange.setPersistent(false);
            } else {
                fail(exchange, wire, response, S3Exception.internal(e), requestId);
            }
        } finally {
            // On the I/O thread a send may still be in progress; Undertow ends the exchange when it is done.
            if (!onIoThread && !exchange.isComplete()) {
                try {
                    exchange.endExchange();
                } catch (RuntimeException e) {
                    // Undertow fails this way when the I/O thread closed the connection meanwhile; anything else
                    // is logged, since throwing from here would hide what the request threw.
                    if (exchange.getConnection().isOpen()) {
                        LOG.warn("request {}: ending the exchange failed", requestId, e);
                    } else {
                        LOG.debug("request {}: connection closed as it ended: {}", requestId, e.toString());
                    }
                }
            }
            if (usage != UsageSink.NONE && !moved) {
                Principal acting = request != null && request.principal() != null ? request.principal() : principal;
                Route routed = route;
                boolean wasCut = cut;
                // Once the body is out: the record counts what was sent, and a client gone mid-answer as a cut.
                response.whenSent(failed -> record(
                        exchange, routed, acting, requestId, arrived, start, wire.count(), response, wasCut || failed));
            }
        }
    }

    /**
     * Refuses a request whose body Undertow frames otherwise than its headers say, and closes its connection: where
     * the body ends is then unknown, so neither reading it nor the next request on the connection can be trusted.
     * Undertow itself refuses (with a bare 400) a Content-Length that is not digits, that is repeated, or that comes
     * with a Transfer-Encoding; what reaches this point is digits only.
     *
     * <ul>
     *   <li>A Content-Length of 2^64 or more: Undertow's parser reads it modulo 2^64, so "18446744073709551621" frames
     *       a 5-byte body (and what follows as a next request), or waits for bytes the client never meant to send.
     *   <li>A Transfer-Encoding other than chunked: Undertow frames "gzip" as chunked and "identity" as "until the
     *       connection closes". S3 implements neither (NotImplemented, naming the header, as AWS answers).
     * </ul>
     */
    private static void checkFraming(HttpServerExchange exchange) {
        S3Exception error = framingError(exchange);
        if (error != null) {
            exchange.setPersistent(false);
            throw error;
        }
    }

    /** The error for a request whose body's end is unknown (see {@link #checkFraming}), else null. */
    private static S3Exception framingError(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        String coding = headers.getFirst(Headers.TRANSFER_ENCODING);
        if (coding != null && !coding.trim().equalsIgnoreCase("chunked")) {
            return new S3Exception(S3Error.NOT_IMPLEMENTED).with("Header", AmzHeaders.TRANSFER_ENCODING);
        }
        String length = headers.getFirst(Headers.CONTENT_LENGTH);
        if (length != null && !isLong(length)) {
            return new S3Exception(
                    S3Error.BAD_REQUEST,
                    "An error occurred when parsing the HTTP request: Content-Length is not a number of bytes"
                            + " below 2^63.");
        }
        return null;
    }

    /** Whether {@code digits} is a decimal number, digits only, that fits a long. */
    private static boolean isLong(String digits) {
        if (digits.isEmpty()) {
            return false;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return false;
            }
        }
        try {
            Long.parseLong(digits);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * AWS's limit on the header section, 8 KiB of header lines ("name: value" and CRLF each), answered with its
     * error. Undertow's own limit on request line and headers (GranaryServer) is higher, and answers a bare 400.
     */
    private static void checkHeaderSection(HttpServerExchange exchange) {
        long size = 0;
        for (HeaderValues values : exchange.getRequestHeaders()) {
            int name = values.getHeaderName().length();
            for (String value : values) {
                size += name + 2 + value.length() + 2; // header bytes are ISO-8859-1: one char, one byte
            }
        }
        if (size > MAX_HEADER_SECTION) {
            throw new S3Exception(S3Error.REQUEST_HEADER_SECTION_TOO_LARGE)
                    .with("MaxSizeAllowed", Integer.toString(MAX_HEADER_SECTION));
        }
    }

    /** A request authorized on the I/O thread and moved to a worker, with the time it arrived. */
    private record Authorized(S3Request request, long start, Instant arrived) {}

    /**
     * Waits for the store to hold every write acknowledged before this request (a cluster's read barrier). A worker
     * waits; the I/O thread does not: unless the barrier is passed already, the request waits off the thread
     * ({@link AwaitingCurrent}) and starts over on it once the barrier completed, as a standalone GET runs there.
     */
    private void awaitCurrent(HttpServerExchange exchange, Route route, boolean onIoThread, Current request) {
        Current waited = exchange.removeAttachment(CURRENT);
        if (waited != null) {
            if (waited.failure() != null) {
                throw waited.failure();
            }
            return;
        }
        CompletableFuture<Void> current = decidedWhereApplied(exchange, route)
                ? store.currentBucket(route.bucket())
                : store.current(route.bucket(), route.key());
        if (!onIoThread || current.isDone()) {
            StorageException.join(current);
            return;
        }
        throw new AwaitingCurrent(current, request);
    }

    /**
     * Whether the request is a write whose outcome the store decides where it applies it, reading nothing of the
     * object first: an unconditional PutObject (no copy source, no If-Match / If-None-Match, which are checked early
     * against the current object). Its barrier covers the bucket's records alone (measured at R=3: a PUT through a
     * follower waited on two read-index round trips before it proposed anything).
     */
    private static boolean decidedWhereApplied(HttpServerExchange exchange, Route route) {
        HeaderMap headers = exchange.getRequestHeaders();
        return route.operation() == S3Operation.PUT_OBJECT
                && route.key() != null
                && !headers.contains(AmzHeaders.IF_MATCH)
                && !headers.contains(AmzHeaders.IF_NONE_MATCH);
    }

    /** Runs the request again on its I/O thread once its barrier completed (a failure is answered there). */
    @SuppressWarnings("FutureReturnValueIgnored") // the callback is the end of the chain and catches what it throws
    private void resumeWhenCurrent(HttpServerExchange exchange, AwaitingCurrent awaiting) {
        Current request = awaiting.request;
        exchange.dispatch(
                SameThreadExecutor.INSTANCE,
                () -> awaiting.current.whenComplete((ignored, failure) -> {
                    try {
                        exchange.putAttachment(
                                CURRENT,
                                new Current(
                                        request.requestId(),
                                        request.start(),
                                        request.arrived(),
                                        failure == null ? null : StorageException.unwrap(failure)));
                        exchange.dispatch(exchange.getIoThread(), this);
                    } catch (RuntimeException e) {
                        // The I/O thread is gone (the server stops): the connection closes with it.
                        LOG.debug("request {} not resumed: {}", request.requestId(), e.toString());
                    }
                }));
    }

    /** A request waiting for its read barrier: who it is, and, once it completed, how (a null failure: passed). */
    private record Current(String requestId, long start, Instant arrived, RuntimeException failure) {}

    private static final AttachmentKey<Current> CURRENT = AttachmentKey.create(Current.class);

    /** Thrown to leave the I/O thread's call while a read barrier completes; caught by the pipeline alone. */
    private static final class AwaitingCurrent extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient CompletableFuture<Void> current;
        private final transient Current request;

        AwaitingCurrent(CompletableFuture<Void> current, Current request) {
            super("waits for the read barrier", null, false, false);
            this.current = current;
            this.request = request;
        }
    }

    private static final AttachmentKey<Authorized> AUTHORIZED = AttachmentKey.create(Authorized.class);

    /** Operations that may run on the I/O thread: reads of one object, answered from memory or moved. */
    private static final Set<S3Operation> IO_THREAD_OPERATIONS =
            EnumSet.of(S3Operation.GET_OBJECT, S3Operation.HEAD_OBJECT);

    /**
     * A GET or HEAD whose request has no body (Undertow has seen all of it) may start on the I/O thread; one from
     * a browser page (with an Origin) does not: its CORS rules are read under the buckets' lock.
     */
    private static boolean mayStartOnIoThread(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        return (method.equals(Methods.GET) || method.equals(Methods.HEAD))
                && exchange.isRequestComplete()
                && !exchange.getRequestHeaders().contains(Headers.ORIGIN);
    }

    private void record(
            HttpServerExchange exchange,
            Route route,
            Principal principal,
            String requestId,
            Instant arrived,
            long start,
            long bytesIn,
            S3Response response,
            boolean cut) {
        S3Operation op = route == null ? S3Operation.METHOD_NOT_ALLOWED : route.operation();
        String requester = principal.isAnonymous() ? "anonymous" : principal.accountId();
        String bucket = route == null ? null : route.bucket();
        boolean details = usage.wantsRequestDetails();
        HeaderMap headers = exchange.getRequestHeaders();
        usage.record(new UsageRecord(
                requestId,
                arrived,
                billedAccount(bucket, requester),
                requester,
                bucket,
                route == null ? null : route.key(),
                op.awsName(),
                op.requestClass(),
                exchange.getStatusCode(),
                cut && response.errorCode() == null ? "ConnectionCut" : response.errorCode(),
                bytesIn,
                response.bytesSent(),
                System.nanoTime() - start,
                details ? String.valueOf(exchange.getSourceAddress()) : null,
                details ? requestLine(exchange) : null,
                details ? headers.getFirst(Headers.USER_AGENT) : null,
                details ? headers.getFirst(Headers.REFERER) : null,
                details ? headers.getFirst(Headers.HOST) : null,
                details ? authType(exchange, principal) : null,
                cut));
    }

    /**
     * The account a request is billed to: as AWS does, the bucket owner for a request on an existing bucket
     * (whoever sent it, anonymous callers included), else the caller.
     */
    private String billedAccount(String bucket, String requester) {
        if (bucket == null) {
            return requester;
        }
        try {
            return store.getBucket(bucket).owner();
        } catch (StorageException | IllegalArgumentException e) {
            return requester;
        }
    }

    /** Query parameters never written to the access log (compared decoded and ignoring case): signatures, tokens. */
    private static final java.util.Set<String> SECRET_PARAMETERS = java.util.Set.of(
            "x-amz-signature",
            "signature",
            "x-oss-signature",
            "x-amz-security-token",
            "security-token",
            "x-oss-security-token");

    /**
     * Method, raw URI and protocol; a presigned URL's signature and session token are left out (never logged), their
     * parameters matched by decoded name as the verifiers read them.
     */
    private static String requestLine(HttpServerExchange exchange) {
        String query = exchange.getQueryString();
        if (query != null && !query.isEmpty()) {
            StringBuilder kept = new StringBuilder();
            for (String pair : query.split("&", -1)) {
                int eq = pair.indexOf('=');
                String rawName = eq < 0 ? pair : pair.substring(0, eq);
                String name;
                try {
                    name = UrlCodec.decode(rawName, true).toLowerCase(java.util.Locale.ROOT);
                } catch (RuntimeException e) {
                    name = rawName.toLowerCase(java.util.Locale.ROOT);
                }
                if (kept.length() > 0) {
                    kept.append('&');
                }
                kept.append(SECRET_PARAMETERS.contains(name) && eq >= 0 ? rawName + "=-" : pair);
            }
            query = kept.toString();
        }
        return exchange.getRequestMethod() + " " + exchange.getRequestURI()
                + (query == null || query.isEmpty() ? "" : "?" + query) + " " + exchange.getProtocol();
    }

    /**
     * Where the signature was and which kind, for the access log: {@code AuthHeader} or {@code QueryString}, then
     * after a dash the signature version when it is not SigV4 ({@code SigV2}, Alibaba Cloud OSS's {@code OSS} and
     * {@code OSS4}); null for an anonymous request.
     */
    private static String authType(HttpServerExchange exchange, Principal principal) {
        if (principal.isAnonymous()) {
            return null;
        }
        String query = exchange.getQueryString();
        String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        boolean presigned = authorization == null && query != null && query.contains("ignature=");
        String version;
        if (presigned) {
            version = query.contains("x-oss-signature-version=")
                    ? "-OSS4"
                    : query.contains("OSSAccessKeyId=") ? "-OSS" : query.contains("AWSAccessKeyId=") ? "-SigV2" : "";
        } else {
            String a = authorization == null ? "" : authorization.strip();
            version = a.startsWith("AWS ")
                    ? "-SigV2"
                    : a.startsWith("OSS4-HMAC-SHA256") ? "-OSS4" : a.startsWith("OSS ") ? "-OSS" : "";
        }
        return (presigned ? "QueryString" : "AuthHeader") + version;
    }

    private static S3Exception storageError(StorageException e, Route route, String versionId) {
        return StorageErrors.toS3(
                e, route == null ? null : route.bucket(), route == null ? null : route.key(), versionId);
    }

    private static S3Exception fromAuth(AuthException e) {
        return fromAuth(e.error(), e.getMessage(), e);
    }

    private static S3Exception fromAuth(PayloadException e) {
        return fromAuth(e.error(), e.getMessage(), e);
    }

    private static S3Exception fromAuth(dev.granary.auth.AuthError error, String message, Throwable cause) {
        return new S3Exception(S3Error.INVALID_REQUEST, error.code(), error.httpStatus(), message, cause);
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ReadTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static void fail(
            HttpServerExchange exchange,
            CountingInputStream wire,
            S3Response response,
            S3Exception e,
            String requestId) {
        response.errorCode(e.status() == 304 ? null : e.code());
        // Writes refused for a full disk are expected while it is full, and the engine logs when that starts and
        // ends: a line per refused request would only flood the log (on the very disk that is full, often).
        if (e.status() >= 500 && e.error() != S3Error.INSUFFICIENT_STORAGE) {
            LOG.warn(
                    "request {} failed: {} {}",
                    requestId,
                    exchange.getRequestMethod(),
                    exchange.getRequestPath(),
                    e.getCause() != null ? e.getCause() : e);
        }
        if (response.isCommitted()) {
            // Headers are gone; the only honest signal left is to cut the connection.
            exchange.setPersistent(false);
            return;
        }
        exchange.getResponseHeaders().remove(AmzHeaders.CONTENT_LENGTH);
        // An error answer may leave an unread request body behind. A small one is read and dropped, so the client
        // sees the answer rather than a reset connection; a large one (or one the client waits to send until
        // 100-continue) is not worth reading: the connection closes after the answer instead.
        drainSmallBody(exchange, wire);
        if (!exchange.isRequestComplete()) {
            exchange.setPersistent(false);
        }
        if (exchange.isComplete() || response.isCommitted()) {
            // Undertow closed the connection while the body was drained (a malformed chunk): nothing can be sent.
            return;
        }
        String resource = exchange.getRequestPath();
        try {
            ErrorRenderer.render(response, e, exchange.getRequestMethod().equalToString("HEAD"), requestId, resource);
        } catch (RuntimeException closing) {
            if (exchange.getConnection().isOpen()) {
                throw closing;
            }
            // The I/O thread closed the connection after the checks above (a read timeout fires there): the
            // exchange has ended, and there is no one left to answer.
            exchange.setPersistent(false);
            LOG.debug("request {}: connection closed before its error answer: {}", requestId, closing.toString());
        }
    }

    private static void drainSmallBody(HttpServerExchange exchange, CountingInputStream wire) {
        if (exchange.isRequestComplete()
                || framingError(exchange) != null // where the body ends is unknown: nothing to drain
                || HttpContinue.requiresContinueResponse(exchange)
                || exchange.getRequestContentLength() > DRAIN_LIMIT) {
            return;
        }
        byte[] buffer = new byte[8192];
        long start = wire.count();
        try {
            while (wire.count() - start <= DRAIN_LIMIT && wire.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException ignored) {
            // The connection closes after the answer anyway.
        }
    }
}
