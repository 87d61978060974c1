package dev.granary.bench.jmh;

import dev.granary.auth.AuthResult;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.PayloadMode;
import dev.granary.auth.Principal;
import dev.granary.auth.SignableRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
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
 * The per-byte cost every upload pays, one MiB per operation (ops/s = MiB/s on one core): Granary's hashing
 * pipeline against the JDK digests alone, which are its floor.
 *
 * <ul>
 *   <li>{@code granary-unsigned}: an UNSIGNED-PAYLOAD body read through {@link PayloadDecoder} in 64 KiB reads,
 *       each read then fed to MD5 (the ETag) and CRC32C (per stored chunk) as the engine's body writer does;
 *   <li>{@code granary-signed}: the same for a body whose SHA-256 was signed, which the decoder verifies
 *       (MD5 + CRC32C + SHA-256);
 *   <li>baselines, the JDK called directly on the same bytes: {@code copy}, {@code md5}, {@code crc32c},
 *       {@code sha256}, {@code md5+crc32c} (floor of the unsigned pipeline), {@code md5+crc32c+sha256} (floor of
 *       the signed one).
 * </ul>
 *
 * <p>MD5 is the dearest part and has no hardware help in the JDK: it bounds a one-core PUT at its throughput.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar HashingBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class HashingBenchmark {
    private static final int SIZE = 1 << 20;
    private static final int READ = 64 << 10;

    @Param({"granary-unsigned", "granary-signed", "copy", "md5", "crc32c", "sha256", "md5+crc32c", "md5+crc32c+sha256"})
    public String pipeline;

    private final byte[] data = new byte[SIZE];
    private final byte[] sink = new byte[SIZE];
    private final CRC32C crc = new CRC32C();
    private final PayloadDecoder decoder = new PayloadDecoder();
    private MessageDigest md5;
    private MessageDigest sha256;
    private SignableRequest request;
    private AuthResult unsignedAuth;
    private AuthResult signedAuth;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        new Random(1).nextBytes(data);
        md5 = MessageDigest.getInstance("MD5");
        sha256 = MessageDigest.getInstance("SHA-256");
        request = new SignableRequest(
                "PUT", "/bucket/object", "", Map.of("content-length", List.of(Integer.toString(SIZE))));
        Principal principal = new Principal("1", "bench", "AKIDBENCHMARK");
        unsignedAuth = new AuthResult(principal, PayloadMode.UNSIGNED, null, null);
        String dataSha256 = HexFormat.of().formatHex(sha256.digest(data));
        signedAuth = new AuthResult(principal, PayloadMode.SIGNED_HEX, dataSha256, null);
    }

    /** One MiB through the chosen pipeline. */
    @Benchmark
    public long oneMiB() throws IOException {
        switch (pipeline) {
            case "granary-unsigned" -> {
                return throughDecoder(unsignedAuth);
            }
            case "granary-signed" -> {
                return throughDecoder(signedAuth);
            }
            case "copy" -> {
                System.arraycopy(data, 0, sink, 0, data.length);
                return sink[17];
            }
            case "md5" -> {
                return md5.digest(data)[0];
            }
            case "crc32c" -> {
                return crc32c();
            }
            case "sha256" -> {
                return sha256.digest(data)[0];
            }
            case "md5+crc32c" -> {
                return md5.digest(data)[0] ^ crc32c();
            }
            default -> {
                return md5.digest(data)[0] ^ crc32c() ^ sha256.digest(data)[0];
            }
        }
    }

    private long crc32c() {
        crc.reset();
        crc.update(data);
        return crc.getValue();
    }

    private long throughDecoder(AuthResult auth) throws IOException {
        InputStream in = decoder.open(auth, request, new ByteArrayInputStream(data)).stream();
        crc.reset();
        for (int n; (n = in.read(sink, 0, READ)) >= 0; ) {
            md5.update(sink, 0, n);
            crc.update(sink, 0, n);
        }
        return md5.digest()[0] ^ crc.getValue();
    }
}
