package dev.granary.bench.jmh;

import dev.granary.auth.AuthResult;
import dev.granary.auth.ChecksumAlgorithm;
import dev.granary.auth.Credentials;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.SigV4Signer;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.SignableRequest;
import dev.granary.auth.StaticCredentialStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decoding a 1 MiB upload sent as {@code aws-chunked} in 64 KiB chunks (the SDK's default) through
 * {@link PayloadDecoder}, the way the server reads PutObject bodies. One operation is one MiB, so the score in
 * ops/s is MiB/s. Only the decoding and its checks are measured: the MD5 of the ETag is the engine's
 * (see {@link HashingBenchmark}).
 *
 * <ul>
 *   <li>{@code copy} (baseline): reading the same encoded bytes through a plain InputStream into a buffer;
 *   <li>{@code signed}: STREAMING-AWS4-HMAC-SHA256-PAYLOAD: a SHA-256 and an HMAC per chunk;
 *   <li>{@code trailer-crc32c}: STREAMING-UNSIGNED-PAYLOAD-TRAILER with an x-amz-checksum-crc32c trailer, what
 *       SDKs send by default;
 *   <li>{@code signed-trailer}: STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, both of the above.
 * </ul>
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar AwsChunkedBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AwsChunkedBenchmark {
    private static final int PAYLOAD = 1 << 20;
    private static final int CHUNK = 64 << 10;
    private static final Instant TIME = Instant.parse("2026-01-15T12:30:00Z");

    @Param({"copy", "signed", "trailer-crc32c", "signed-trailer"})
    public String encoding;

    private final byte[] buffer = new byte[CHUNK];
    private final PayloadDecoder decoder = new PayloadDecoder();
    private byte[] wire;
    private SignableRequest request;
    private AuthResult auth;

    @Setup
    public void setUp() throws IOException {
        byte[] payload = new byte[PAYLOAD];
        new Random(1).nextBytes(payload);
        Credentials credentials = new Credentials("AKIDBENCHMARK", "secret/benchmark/key", "1", "bench", true);
        SigV4Signer signer = new SigV4Signer(credentials.accessKey(), credentials.secretKey(), "us-east-1");
        SigV4Verifier verifier = new SigV4Verifier(
                StaticCredentialStore.of(credentials), "us-east-1", Clock.fixed(TIME, ZoneOffset.UTC));

        boolean signedChunks = encoding.startsWith("signed");
        boolean trailer = encoding.contains("trailer");
        String contentSha256 = signedChunks
                ? (trailer ? "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" : "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
                : "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
        Map<String, List<String>> headers = new TreeMap<>();
        headers.put("host", List.of("127.0.0.1:9000"));
        headers.put("content-encoding", List.of("aws-chunked"));
        headers.put("x-amz-decoded-content-length", List.of(Integer.toString(PAYLOAD)));
        Map<String, String> trailers = Map.of();
        if (trailer) {
            headers.put("x-amz-trailer", List.of("x-amz-checksum-crc32c"));
            ChecksumAlgorithm.Hasher crc = ChecksumAlgorithm.CRC32C.newHasher();
            crc.update(payload, 0, payload.length);
            trailers = Map.of("x-amz-checksum-crc32c", Base64.getEncoder().encodeToString(crc.digest()));
        }
        SignableRequest signed =
                signer.sign(new SignableRequest("PUT", "/bucket/upload.bin", "", headers), contentSha256, TIME);
        wire = SigV4Signer.awsChunked(payload, CHUNK, signedChunks ? signer.signingContext(signed) : null, trailers);
        request = signed;
        auth = verifier.verify(signed);
        if (!encoding.equals("copy") && decode() != PAYLOAD) {
            throw new IllegalStateException("the encoded body does not decode to the payload");
        }
    }

    /** One MiB of payload through the chosen path. */
    @Benchmark
    public long oneMiB() throws IOException {
        return encoding.equals("copy") ? drain(new ByteArrayInputStream(wire)) : decode();
    }

    private long decode() throws IOException {
        return drain(decoder.open(auth, request, new ByteArrayInputStream(wire)).stream());
    }

    private long drain(InputStream in) throws IOException {
        long total = 0;
        for (int n; (n = in.read(buffer, 0, buffer.length)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
