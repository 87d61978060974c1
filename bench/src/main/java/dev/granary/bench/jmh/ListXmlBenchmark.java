package dev.granary.bench.jmh;

import dev.granary.api.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
 * Rendering a full ListObjectsV2 page (1,000 keys, no owner) to UTF-8 bytes, in microseconds per page:
 * {@code xmlwriter} renders it with {@link XmlWriter} element by element as ListObjectsHandler does;
 * {@code stringbuilder} (baseline) concatenates the same tags and values into a StringBuilder with no escaping
 * and no element stack, timestamps formatted the same way. The difference is the writer's own overhead.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar ListXmlBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ListXmlBenchmark {
    private static final int KEYS = 1000;

    @Param({"xmlwriter", "stringbuilder"})
    public String renderer;

    private String[] keys;
    private Instant[] modified;
    private String[] etags;
    private long[] sizes;

    @Setup
    public void setUp() {
        keys = new String[KEYS];
        modified = new Instant[KEYS];
        etags = new String[KEYS];
        sizes = new long[KEYS];
        Instant base = Instant.parse("2026-01-15T12:30:00.123Z");
        for (int i = 0; i < KEYS; i++) {
            keys[i] = String.format("photos/2026/01/%02d/img_%06d.jpg", i % 31 + 1, i);
            modified[i] = base.plusMillis(i * 7919L);
            etags[i] = "\"" + String.format("%032x", i * 0x9E3779B97F4A7C15L) + "\"";
            sizes[i] = 4096L + i * 37L;
        }
    }

    /** One page of 1,000 keys. */
    @Benchmark
    public byte[] page() {
        return renderer.equals("xmlwriter") ? xmlWriter() : stringBuilder();
    }

    private byte[] xmlWriter() {
        XmlWriter xml = XmlWriter.document("ListBucketResult")
                .element("Name", "photos")
                .element("Prefix", "")
                .element("KeyCount", KEYS)
                .element("MaxKeys", KEYS)
                .element("IsTruncated", true)
                .element("NextContinuationToken", "cGhvdG9zLzIwMjYvMDEvMTAvaW1nXzAwMDk5OS5qcGc");
        for (int i = 0; i < KEYS; i++) {
            xml.start("Contents")
                    .element("Key", keys[i])
                    .element("LastModified", modified[i])
                    .element("ETag", etags[i])
                    .element("Size", sizes[i])
                    .element("StorageClass", "STANDARD")
                    .end();
        }
        return xml.toBytes();
    }

    private byte[] stringBuilder() {
        StringBuilder out = new StringBuilder(512);
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"")
                .append(XmlWriter.S3_NS)
                .append("\"><Name>photos</Name><Prefix></Prefix><KeyCount>")
                .append(KEYS)
                .append("</KeyCount><MaxKeys>")
                .append(KEYS)
                .append("</MaxKeys><IsTruncated>true</IsTruncated><NextContinuationToken>")
                .append("cGhvdG9zLzIwMjYvMDEvMTAvaW1nXzAwMDk5OS5qcGc</NextContinuationToken>");
        for (int i = 0; i < KEYS; i++) {
            out.append("<Contents><Key>")
                    .append(keys[i])
                    .append("</Key><LastModified>")
                    .append(XmlWriter.iso8601(modified[i]))
                    .append("</LastModified><ETag>")
                    .append(etags[i])
                    .append("</ETag><Size>")
                    .append(sizes[i])
                    .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        return out.append("</ListBucketResult>").toString().getBytes(StandardCharsets.UTF_8);
    }
}
