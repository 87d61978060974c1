package dev.granary.api.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Graceful shutdown: counts the requests in flight, refuses new ones with 503 once {@link #shutdown} was called, and
 * lets {@link #awaitDrained} wait for the count to reach zero.
 *
 * <p>Undertow's {@code GracefulShutdownHandler} does the same with one counter whose top bit is the shutdown flag, and
 * decrements it in an exchange-complete listener. When a connection is closed on its I/O thread (a read timeout)
 * while a worker ends the same exchange, that listener can run twice; a count decremented below zero sets the top
 * bit, and the server then answered every later request 503 for good (seen after a storm of stalled uploads). Here
 * each exchange is counted out at most once.
 */
public final class Draining implements HttpHandler {
    private final HttpHandler next;
    private final AtomicLong active = new AtomicLong();
    private volatile boolean shutdown;

    public Draining(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (shutdown) {
            exchange.setStatusCode(StatusCodes.SERVICE_UNAVAILABLE);
            exchange.endExchange();
            return;
        }
        active.incrementAndGet();
        AtomicBoolean counted = new AtomicBoolean(true);
        exchange.addExchangeCompleteListener((ended, nextListener) -> {
            try {
                if (counted.compareAndSet(true, false)) {
                    countOut();
                }
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(exchange);
    }

    private void countOut() {
        if (active.decrementAndGet() == 0 && shutdown) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** From now on new requests are refused with 503; those in flight go on. */
    public void shutdown() {
        shutdown = true;
    }

    /** Waits until no request is in flight, at most {@code millis}; returns whether none is. */
    public boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        synchronized (this) {
            while (active.get() > 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
        }
        return true;
    }

    /** Requests in flight (for tests and metrics). */
    public long active() {
        return active.get();
    }
}
