package dev.granary.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * The per-byte cost every upload pays: MD5 (the ETag) and CRC32C (per stored chunk), against a plain copy of the
 * same bytes as the baseline. Run: {@code mvn -q -pl bench -am package -DskipTests && java -jar
 * bench/target/benchmarks.jar HashingBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class HashingBenchmark {
    @Param({"copy", "md5", "crc32c", "md5+crc32c"})
    public String pipeline;

    private final byte[] data = new byte[1024 * 1024];
    private final byte[] sink = new byte[1024 * 1024];
    private MessageDigest md5;
    private final CRC32C crc = new CRC32C();

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        new Random(1).nextBytes(data);
        md5 = MessageDigest.getInstance("MD5");
    }

    /** One MiB through the chosen pipeline. */
    @Benchmark
    public long oneMiB() {
        switch (pipeline) {
            case "copy" -> {
                System.arraycopy(data, 0, sink, 0, data.length);
                return sink[17];
            }
            case "md5" -> {
                md5.update(data);
                return md5.digest()[0];
            }
            case "crc32c" -> {
                crc.reset();
                crc.update(data);
                return crc.getValue();
            }
            default -> {
                md5.update(data);
                crc.reset();
                crc.update(data);
                return md5.digest()[0] ^ crc.getValue();
            }
        }
    }
}
