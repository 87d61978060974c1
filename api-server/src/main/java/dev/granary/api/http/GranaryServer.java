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
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.net.InetSocketAddress;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.xnio.Options;

/** The Undertow server: listener options, the handler chain, and graceful shutdown. */
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

    private final DefaultByteBufferPool buffers;
    private final Undertow undertow;
    private final GracefulShutdownHandler graceful;

    /**
     * Builds (but does not start) the server.
     *
     * @param address the address to bind
     * @param port the port, 0 for an ephemeral one
     * @param tls the TLS context of HTTPS, or null for plain HTTP
     */
    public GranaryServer(
            String address,
            int port,
            SSLContext tls,
            S3Router router,
            RequestVerifier verifier,
            PayloadDecoder decoder,
            ObjectStore store,
            AccessControl access,
            Map<S3Operation, OperationHandler> handlers,
            UsageSink usage) {
        RootHandler root = new RootHandler(router, new Authenticator(verifier, decoder), store, access, handlers, usage);
        // HttpContinueReadHandler answers "Expect: 100-continue" only when the handler starts reading the body,
        // so a request refused before that (bad signature, missing bucket) never makes the client send it. The
        // root handler moves what must block to worker threads itself.
        this.graceful = new GracefulShutdownHandler(new HttpContinueReadHandler(root));
        int cores = Runtime.getRuntime().availableProcessors();
        this.buffers = new DefaultByteBufferPool(true, BUFFER_SIZE, POOLED_BUFFERS, BUFFERS_PER_THREAD);
        this.undertow = TlsContext.listener(Undertow.builder(), address, port, tls)
                .setIoThreads(Math.max(2, cores))
                .setWorkerThreads(Math.max(64, cores * 16))
                .setByteBufferPool(buffers)
                // The path is decoded by Granary itself: SigV4 needs the raw form, keys may contain "%2F".
                .setServerOption(UndertowOptions.DECODE_URL, false)
                .setServerOption(UndertowOptions.ALLOW_UNESCAPED_CHARACTERS_IN_URL, true)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                // Body size limits are S3's (5 GiB per PUT or part), enforced with S3 errors by the handlers;
                // Undertow's own limit would answer a bare 417 to Expect: 100-continue uploads instead.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, Long.MAX_VALUE)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, 10_000)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, 600_000)
                .setSocketOption(Options.TCP_NODELAY, true)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .setHandler(graceful)
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
            graceful.awaitShutdown(millis);
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
