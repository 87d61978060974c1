package dev.granary.api.http;

import dev.granary.api.route.S3Operation;
import dev.granary.api.route.S3Router;
import dev.granary.api.tls.TlsContext;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.RequestVerifier;
import dev.granary.metering.UsageSink;
import dev.granary.storage.ObjectStore;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.xnio.Options;

/**
 * The Undertow server: listener options, the handler chain, and graceful shutdown.
 *
 * <p>Requests Undertow refuses while parsing never reach a handler, so they cannot get an S3 error body or a
 * request id: Undertow (2.3) writes "400 Bad Request" with Content-Length 0 and Connection: close, and closes the
 * connection, from {@code HttpReadListener}, which offers no hook (its request parser, the Host check and the
 * header checks run before the root handler; a {@code DefaultResponseListener} can only be added to an exchange
 * a handler sees). These are:
 *
 * <ul>
 *   <li>a request line Undertow cannot parse, such as a method with a character outside a token, or a percent
 *       sign not followed by two hex digits in the path or query (a percent-encoding that is hex but not UTF-8
 *       does reach Granary: InvalidURI);
 *   <li>a request line and headers beyond {@link #MAX_HEADER_BYTES}, or more than {@link #MAX_HEADERS} header
 *       lines, or more query parameters than {@code MAX_PARAMETERS} (AWS's 8 KiB header limit, lower, is
 *       checked by the pipeline: RequestHeaderSectionTooLarge);
 *   <li>a header line without a colon, or with a character outside a token in its name;
 *   <li>a Content-Length that is not digits, is repeated or comes with a Transfer-Encoding, or whose value as
 *       Undertow reads it (modulo 2^64: it does not check for overflow) is negative or above 2^61 - 1, such as
 *       99999999999999999999; a repeated Transfer-Encoding. These are framings a request could be smuggled
 *       through; the ones Undertow lets through are refused by the pipeline (RootHandler.checkFraming);
 *   <li>no Host header on HTTP/1.1, two of them, or one with a malformed port or IP literal (HostHeaderHandler,
 *       which Undertow wraps around the root handler and which the option REQUIRE_HOST_HTTP11 no longer turns off).
 * </ul>
 *
 * A chunked body with malformed chunk framing is found only while it is read; Undertow then closes the connection
 * without an answer. In every case the connection closes at once: the server neither waits nor keeps it.
 */
public final class GranaryServer implements AutoCloseable {
    /** Bytes per I/O buffer: a request's headers, a piece of its body, or of its answer. */
    private static final int BUFFER_SIZE = 64 * 1024;
    /**
     * I/O buffers kept for reuse beyond each thread's own few (16 MiB). Undertow's default pool keeps none there
     * (its maximum is -1), so a buffer that an I/O thread takes and a worker gives back, as with every request
     * moved to a worker, was freed and the next one allocated and zeroed again.
     */
    private static final int POOLED_BUFFERS = 256;

    private static final int BUFFERS_PER_THREAD = 4;
    /** Undertow's limit on the request line and headers together; beyond it, a bare 400 (see above). */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Undertow's limit on header lines (its default); beyond it, a bare 400 (see above). */
    private static final int MAX_HEADERS = 200;

    private final DefaultByteBufferPool buffers;
    private final Undertow undertow;
    private final Draining graceful;

    /**
     * Builds (but does not start) the server.
     *
     * @param address the address to bind
     * @param port the port, 0 for an ephemeral one
     * @param tls the TLS context of HTTPS, or null for plain HTTP
     * @param readTimeout how long a connection may send nothing while the server waits to read from it
     * @param consolePort the admin port serving the web console (-1 for none), whose pages may call the S3 API across
     *     origins
     */
    public GranaryServer(
            String address,
            int port,
            SSLContext tls,
            Duration readTimeout,
            S3Router router,
            RequestVerifier verifier,
            PayloadDecoder decoder,
            ObjectStore store,
            AccessControl access,
            Map<S3Operation, OperationHandler> handlers,
            UsageSink usage,
            java.util.function.IntSupplier consolePort) {
        RootHandler root = new RootHandler(
                router, new Authenticator(verifier, decoder), store, access, handlers, usage, consolePort);
        // HttpContinueReadHandler answers "Expect: 100-continue" only when the handler starts reading the body,
        // so a request refused before that (bad signature, missing bucket) never makes the client send it. The
        // root handler moves what must block to worker threads itself.
        this.graceful = new Draining(new HttpContinueReadHandler(root));
        int cores = Runtime.getRuntime().availableProcessors();
        this.buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, POOLED_BUFFERS, BUFFERS_PER_THREAD);
        this.undertow = TlsContext.listener(Undertow.builder(), address, port, tls)
                .setIoThreads(Math.max(2, cores))
                .setWorkerThreads(Math.max(64, cores * 16))
                .setByteBufferPool(buffers)
                // The path is decoded by Granary itself: SigV4 needs the raw form, keys may contain "%2F".
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
                // Body size limits are S3's (5 GiB per PUT or part), enforced with S3 errors by the handlers;
                // Undertow's own limit would answer a bare 417 to Expect: 100-continue uploads instead.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, 10_000)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                // A client that starts a request and never finishes its header section is dropped, as S3 drops it
                // (its parse runs on an I/O thread and holds no worker, but it holds a connection and its buffer).
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 600_000)
                // S3 closes a connection that sends nothing for a while as it waits for a request or reads a body
                // (RequestTimeout): a worker thread blocked on an upload that stalled is freed after this, where
                // otherwise as many stalled uploads as there are workers would stop every other write.
                .setSocketOption(Options.READ_TIMEOUT, Math.toIntExact(readTimeout.toMillis()))
                .setSocketOption(Options.TCP_NODELAY, true)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                // Outermost, so that Draining's 503 (while stopping) gets an S3 body and a request id too.
                .setHandler(new UndertowErrors(graceful))
                .build();
    }

    public void start() {
        undertow.start();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** Stops accepting requests, waits up to {@code millis} for those in flight, then stops. */
    public void shutdown(long millis) {
        graceful.shutdown();
        try {
            graceful.awaitDrained(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        buffers.close();
    }

    @Override
    public void close() {
        shutdown(30_000);
    }
}
