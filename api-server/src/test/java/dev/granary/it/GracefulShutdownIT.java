package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.RawConnection.Answer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A graceful stop: the request in flight completes, and requests arriving meanwhile get an S3 error (Undertow's
 * GracefulShutdownHandler refuses them before the pipeline runs) rather than a bare status an SDK cannot read.
 */
class GracefulShutdownIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    void requestsArrivingDuringAGracefulStopGetServiceUnavailableAndTheRequestInFlightCompletes() throws Exception {
        server.client().createBucket(b -> b.bucket("stopping"));
        int port = server.uri().getPort();
        try (RawConnection inFlight = new RawConnection(port)) {
            // With Expect: 100-continue the server asks for the body only once the handler reads it: from then on the
            // request is in flight, blocked on the five bytes still missing.
            inFlight.send(SignedHttp.rawHead(
                    port, "PUT", "/stopping/k", Map.of(), "Content-Length: 10\r\nExpect: 100-continue\r\n"));
            assertThat(inFlight.read().status()).isEqualTo(100);
            inFlight.send("01234");
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(server::stop);

            Answer refused = firstServiceUnavailable(port);
            HostileHttpIT.assertS3Error(refused, 503, "ServiceUnavailable");
            assertThat(stopped).isNotDone();

            Answer put = inFlight.send("56789").read();
            assertThat(put.status()).isEqualTo(200);
            stopped.get(30, TimeUnit.SECONDS);
        }
        server.start();
        assertThat(server.client()
                        .getObjectAsBytes(b -> b.bucket("stopping").key("k"))
                        .asUtf8String())
                .isEqualTo("0123456789");
    }

    /** Sends requests on new connections until one is refused for the shutdown (bounded: 20 s). */
    private static Answer firstServiceUnavailable(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (RawConnection connection = new RawConnection(port)) {
                Answer answer = connection
                        .send(SignedHttp.rawHead(port, "GET", "/stopping/missing", Map.of(), ""))
                        .read();
                if (answer.status() == 503) {
                    return answer;
                }
                assertThat(answer.status()).isEqualTo(404); // the stop has not begun yet
            }
        }
        throw new AssertionError("no request was refused within 20 s of the stop");
    }
}
