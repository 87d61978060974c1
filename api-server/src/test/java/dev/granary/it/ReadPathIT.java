package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * GETs and HEADs of objects start on the connection's I/O thread, which serves objects kept inside their record
 * (up to 4 KiB) and moves the others to a worker: every size and range on both sides of those lines comes back
 * byte for byte, a request with a body is served as usual, and a client that does not read its answers holds up
 * nobody else.
 */
class ReadPathIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    private static final String BUCKET = "reads";
    private static final int LIMIT = 64 * 1024;
    /** Sizes around the inline threshold (4 KiB: the I/O thread serves up to it), 64 KiB, and a data-file body. */
    private static final int[] SIZES = {0, 1, 4096, 4097, LIMIT - 1, LIMIT, LIMIT + 1, 3 << 20};

    private final S3Client s3 = server.client();

    @BeforeAll
    static void objects() {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket(BUCKET));
        for (int size : SIZES) {
            s3.putObject(b -> b.bucket(BUCKET).key("o" + size), RequestBody.fromBytes(data(size)));
        }
    }

    private static byte[] data(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void everySizeAndRangeAroundTheLimitComesBackByteForByte() {
        for (int size : SIZES) {
            byte[] want = data(size);
            String key = "o" + size;
            assertThat(s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray())
                    .as(key)
                    .isEqualTo(want);
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key(key)).contentLength())
                    .as(key)
                    .isEqualTo(size);
            if (size == 0) {
                continue;
            }
            assertRange(key, "bytes=0-0", want, 0, 1);
            int tail = Math.min(size, 100);
            assertRange(key, "bytes=-" + tail, want, size - tail, size);
        }
        // Ranges of a large object on both sides of the limit, one of them across a chunk boundary (1 MiB).
        byte[] big = data(3 << 20);
        int from = (1 << 20) - 1000;
        assertRange("o" + (3 << 20), "bytes=" + from + "-" + (from + LIMIT - 1), big, from, from + LIMIT);
        assertRange("o" + (3 << 20), "bytes=" + from + "-" + (from + LIMIT), big, from, from + LIMIT + 1);
    }

    private void assertRange(String key, String range, byte[] whole, int from, int to) {
        ResponseBytes<GetObjectResponse> got =
                s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).range(range));
        assertThat(got.asByteArray()).as(key + " " + range).isEqualTo(Arrays.copyOfRange(whole, from, to));
        assertThat(got.response().contentRange()).isEqualTo("bytes " + from + "-" + (to - 1) + "/" + whole.length);
    }

    @Test
    void aGetWithABodyIsServedAsUsual() throws Exception {
        try (Socket socket = connect()) {
            send(socket, "GET", "/" + BUCKET + "/o4096", "abc".getBytes(StandardCharsets.US_ASCII));
            Answer answer = Answer.read(socket.getInputStream());
            assertThat(answer.status).isEqualTo(200);
            assertThat(answer.body).isEqualTo(data(4096));
            // The connection is still good for the next request.
            send(socket, "HEAD", "/" + BUCKET + "/o1", new byte[0]);
            assertThat(Answer.read(socket.getInputStream(), false).status).isEqualTo(200);
        }
    }

    @Test
    void aClientThatDoesNotReadItsAnswersHoldsUpNobodyAndGetsThemAllLater() throws Exception {
        // 4,000 answers of 4 KiB (served on the I/O thread): 16 MiB, more than the sockets' buffers hold.
        int pipelined = 4000;
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(
                    new InetSocketAddress(
                            InetAddress.getLoopbackAddress(), server.uri().getPort()),
                    10_000);
            slow.setSoTimeout(30_000);
            // The requests are written by another thread: once the answers back up, the server stops reading them
            // and the writer blocks. Wait for that (no progress for a second), or for all of them to be written.
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < pipelined; i++) {
                        send(slow, "GET", "/" + BUCKET + "/o4096", new byte[0]);
                        written.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            writer.start();
            for (int last = -1, round = 0; round < 30 && written.get() != last && written.get() < pipelined; round++) {
                last = written.get();
                Thread.sleep(1000);
            }
            Thread.sleep(1000); // all written may mean all read, not all answered yet
            // Meanwhile others are served: a new connection goes to a random I/O thread, so 20 of them all miss
            // the stalled one with a probability of 2^-20 (there are 2 here).
            for (int i = 0; i < 20; i++) {
                try (Socket other = connect()) {
                    send(other, "GET", "/" + BUCKET + "/o4096", new byte[0]);
                    assertThat(Answer.read(other.getInputStream()).body).isEqualTo(data(4096));
                }
            }
            byte[] want = data(4096);
            InputStream in = new java.io.BufferedInputStream(slow.getInputStream());
            for (int i = 0; i < pipelined; i++) {
                Answer answer = Answer.read(in);
                assertThat(answer.status).as("answer " + i).isEqualTo(200);
                assertThat(answer.body).as("answer " + i).isEqualTo(want);
            }
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
        }
    }

    private static Socket connect() throws IOException {
        Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), server.uri().getPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static void send(Socket socket, String method, String path, byte[] body) throws IOException {
        Map<String, String> headers =
                body.length > 0 ? Map.of("content-length", Integer.toString(body.length)) : Map.of();
        OutputStream out = socket.getOutputStream();
        out.write(SignedHttp.rawHead(server.uri().getPort(), method, path, headers, ""));
        out.write(body);
        out.flush();
    }

    /** One HTTP/1.1 answer with a Content-Length body, read off a connection that stays open. */
    @SuppressWarnings("ArrayRecordComponent") // an answer to assert on, never compared or hashed as a whole
    private record Answer(int status, byte[] body) {
        static Answer read(InputStream in) throws IOException {
            return read(in, true);
        }

        static Answer read(InputStream in, boolean hasBody) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 4
                    || !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed inside an answer's head: " + head);
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n", -1);
            int status = Integer.parseInt(lines[0].split(" ", -1)[1]);
            long length = 0;
            for (String line : lines) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length =
                            Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            byte[] body = hasBody ? in.readNBytes((int) length) : new byte[0];
            if (body.length != (hasBody ? length : 0)) {
                throw new IOException("answer body ended after " + body.length + " of " + length + " bytes");
            }
            return new Answer(status, body);
        }
    }
}
