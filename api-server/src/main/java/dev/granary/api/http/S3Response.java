package dev.granary.api.http;

import dev.granary.api.xml.XmlWriter;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What a handler writes: status, headers, and an XML document, a stream, or nothing.
 *
 * <p>A GET or HEAD of an object starts on the connection's I/O thread (see {@link RootHandler}); there nothing may
 * block. A handler serves from memory there (see {@link #onIoThread}) or, before anything was sent, moves the
 * request to a worker thread ({@link #moveToWorker}), where it starts over. Bodies sent from the I/O thread are
 * held whole and sent without waiting: a client that does not read holds up only itself.
 */
public final class S3Response {
    private static final int COPY_BUFFER = 256 * 1024;
    /** The largest body a request running on an I/O thread sends from there, held in memory whole. */
    static final int IO_THREAD_BODY_LIMIT = 64 * 1024;

    private final HttpServerExchange exchange;
    private final boolean onIoThread;
    private long bytesSent;
    private String errorCode;
    /** On the I/O thread: a body handed to the sender whose outcome is not known yet. */
    private boolean sending;
    /** On the I/O thread: whether a body's send failed (the client went away). */
    private boolean sendFailed;
    /** On the I/O thread: what to run once the body is sent or its send has failed. */
    private Consumer<Boolean> whenSent;

    /** Whether XML documents go out without S3's namespace (an OSS request's answer). */
    private boolean withoutNamespace;

    S3Response(HttpServerExchange exchange, boolean onIoThread) {
        this.exchange = exchange;
        this.onIoThread = onIoThread;
    }

    /**
     * Answers in OSS's dialect from now on: XML documents without S3's namespace, the answer's {@code x-amz-*} headers
     * renamed {@code x-oss-*} as it is sent.
     */
    void speakOss() {
        if (!withoutNamespace) {
            this.withoutNamespace = true;
            exchange.addResponseCommitListener(done -> OssDialect.translateResponse(done.getResponseHeaders()));
        }
    }

    /** Whether this is the answer to a request in Alibaba Cloud OSS's dialect. */
    public boolean oss() {
        return withoutNamespace;
    }

    /** The request's Host header (OSS names it as an error's HostId), or null. */
    public String requestHost() {
        return exchange.getRequestHeaders().getFirst(io.undertow.util.Headers.HOST);
    }

    /**
     * Whether this response is written on the connection's I/O thread: the handler must then not block (no lock
     * that waits, no read from disk) and serves only what is in memory, or throws {@link #moveToWorker}.
     */
    public boolean onIoThread() {
        return onIoThread;
    }

    /**
     * The exception that moves a request running on an I/O thread to a worker thread, where it starts over;
     * throw it before anything was sent.
     */
    public RuntimeException moveToWorker() {
        return MoveToWorker.INSTANCE;
    }

    public S3Response status(int status) {
        exchange.setStatusCode(status);
        return this;
    }

    public int status() {
        return exchange.getStatusCode();
    }

    /** Sets a header; a null value is skipped. */
    public S3Response header(String name, String value) {
        if (value != null) {
            exchange.getResponseHeaders().put(new HttpString(name), value);
        }
        return this;
    }

    /** Sends an XML document with status 200. */
    public void xml(XmlWriter document) {
        xml(200, document);
    }

    public void xml(int status, XmlWriter document) {
        byte[] bytes = withoutNamespace ? document.toBytesWithoutNamespace() : document.toBytes();
        exchange.setStatusCode(status);
        header(AmzHeaders.CONTENT_TYPE, "application/xml");
        header(AmzHeaders.CONTENT_LENGTH, Long.toString(bytes.length));
        if (exchange.getRequestMethod().equalToString("HEAD")) {
            return;
        }
        if (onIoThread) {
            sendWithoutWaiting(bytes);
        } else {
            exchange.getResponseSender().send(ByteBuffer.wrap(bytes));
            bytesSent += bytes.length;
        }
    }

    /** Ends the response with the given status and no body. */
    public void empty(int status) {
        exchange.setStatusCode(status);
        if (!exchange.getResponseHeaders().contains(AmzHeaders.CONTENT_LENGTH)) {
            header(AmzHeaders.CONTENT_LENGTH, "0");
        }
        exchange.endExchange();
    }

    /**
     * Streams {@code length} bytes from {@code in} as the body. The status and headers (Content-Length among
     * them) must be set before; they go out with the first bytes.
     *
     * @param toEnd whether {@code in} ends right after those bytes: the stream may then write itself out
     *     ({@link InputStream#transferTo}) without a copy through an intermediate buffer
     */
    public void stream(InputStream in, long length, boolean toEnd) throws IOException {
        header(AmzHeaders.CONTENT_LENGTH, Long.toString(length));
        if (exchange.getRequestMethod().equalToString("HEAD")) {
            exchange.endExchange();
            return;
        }
        if (onIoThread) {
            if (length > IO_THREAD_BODY_LIMIT) {
                throw moveToWorker();
            }
            byte[] body = in.readNBytes((int) length);
            if (body.length != length) {
                throw new IOException("object stream yielded " + body.length + " of " + length + " bytes");
            }
            sendWithoutWaiting(body);
            return;
        }
        OutputStream out = exchange.getOutputStream();
        if (toEnd) {
            long sent = in.transferTo(BufferOutputStream.of(out));
            if (sent != length) {
                throw new IOException("object stream yielded " + sent + " of " + length + " bytes");
            }
            out.close();
            return;
        }
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(length, 1))];
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new IOException("object stream ended " + remaining + " bytes early");
            }
            out.write(buffer, 0, n);
            bytesSent += n;
            remaining -= n;
        }
        out.close();
    }

    /**
     * Sends a whole body from the I/O thread: written now if the socket takes it (it nearly always does), else by
     * the I/O thread as the client reads; the exchange ends when it is all out (or the send failed).
     */
    private void sendWithoutWaiting(byte[] body) {
        sending = true;
        exchange.getResponseSender().send(ByteBuffer.wrap(body), new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange done, Sender sender) {
                bytesSent += body.length;
                sent(false);
                IoCallback.END_EXCHANGE.onComplete(done, sender);
            }

            @Override
            public void onException(HttpServerExchange failed, Sender sender, IOException e) {
                sent(true);
                IoCallback.END_EXCHANGE.onException(failed, sender, e);
            }
        });
    }

    private void sent(boolean failed) {
        sending = false;
        sendFailed = failed;
        if (whenSent != null) {
            whenSent.accept(failed);
            whenSent = null;
        }
    }

    /**
     * Runs {@code action} once the body is out: at once when nothing is being sent, else when the send is done
     * (its argument: whether the send failed, the client having gone away). For the usage record, which must
     * count what was sent. Call on the thread that handles the request, after the handler.
     */
    void whenSent(Consumer<Boolean> action) {
        if (sending) {
            whenSent = action;
        } else {
            action.accept(sendFailed);
        }
    }

    /** Whether status and headers have gone out already (an error can then no longer be rendered). */
    public boolean isCommitted() {
        return exchange.isResponseStarted();
    }

    /**
     * Body bytes written to the connection. Undertow's own count, which includes a write a disconnecting client
     * cut short: metering bills what actually left, not what the handler meant to send.
     */
    public long bytesSent() {
        return Math.max(bytesSent, exchange.getResponseBytesSent());
    }

    void countBytes(long n) {
        bytesSent += n;
    }

    /** The S3 error code sent, for the usage record; null on success. */
    public String errorCode() {
        return errorCode;
    }

    void errorCode(String code) {
        this.errorCode = code;
    }

    HttpServerExchange exchange() {
        return exchange;
    }

    /**
     * Thrown (before anything was sent) to run a request that started on an I/O thread again on a worker: the
     * route is not one served there, or the body is too large. Caught by {@link RootHandler} alone.
     */
    static final class MoveToWorker extends RuntimeException {
        // One shared instance without stack trace or suppression: it is control flow on the request path, never
        // thrown to a caller that keeps or logs it, so allocating one per request would buy nothing.
        @SuppressWarnings("StaticAssignmentOfThrowable")
        static final MoveToWorker INSTANCE = new MoveToWorker();

        private MoveToWorker() {
            super("runs on a worker thread", null, false, false);
        }
    }
}
