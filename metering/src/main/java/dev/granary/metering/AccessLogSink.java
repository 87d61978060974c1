package dev.granary.metering;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log in the AWS S3 server access log format, one line per request:
 *
 * <pre>
 * bucket-owner bucket [time] remote-ip requester request-id operation key "request-uri" status error-code
 * bytes-sent object-size total-time turn-around-time "referer" "user-agent" version-id host-id
 * signature-version cipher-suite authentication-type host-header tls-version access-point-arn acl-required
 * </pre>
 *
 * Lines are handed to a writer thread through a lock-free queue, so a request never waits for the disk; when
 * the queue is full (the disk cannot keep up) lines are dropped and counted rather than slowing requests down.
 * The file ({@code access.log} in the log folder) is rotated when it passes its size limit and at midnight UTC,
 * to {@code access-<yyyyMMdd-HHmmss-SSS>.log}; the newest {@value #KEEP} rotated files are kept.
 */
public final class AccessLogSink implements UsageSink {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogSink.class);
    private static final Logger LINES = LoggerFactory.getLogger("granary.access");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern(
                    "'['dd/MMM/yyyy:HH:mm:ss Z']'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int QUEUE_LIMIT = 100_000;
    /** Queue length at which a request wakes the writer instead of waiting for its next poll. */
    private static final int WAKE_AT = QUEUE_LIMIT / 4;

    private static final int KEEP = 30;

    /** AWS's access-log operation names: REST.<method>.<resource>. */
    private static final Map<String, String> RESOURCES = Map.ofEntries(
            Map.entry("ListBuckets", "SERVICE"),
            Map.entry("CreateBucket", "BUCKET"),
            Map.entry("HeadBucket", "BUCKET"),
            Map.entry("DeleteBucket", "BUCKET"),
            Map.entry("GetBucketLocation", "LOCATION"),
            Map.entry("GetBucketVersioning", "VERSIONING"),
            Map.entry("GetBucketAcl", "ACL"),
            Map.entry("GetObjectAcl", "ACL"),
            Map.entry("ListObjects", "BUCKET"),
            Map.entry("ListObjectsV2", "BUCKET"),
            Map.entry("ListMultipartUploads", "UPLOADS"),
            Map.entry("PutObject", "OBJECT"),
            Map.entry("CopyObject", "OBJECT"),
            Map.entry("GetObject", "OBJECT"),
            Map.entry("HeadObject", "OBJECT"),
            Map.entry("DeleteObject", "OBJECT"),
            Map.entry("DeleteObjects", "MULTI_OBJECT_DELETE"),
            Map.entry("CreateMultipartUpload", "UPLOADS"),
            Map.entry("UploadPart", "PART"),
            Map.entry("UploadPartCopy", "PART"),
            Map.entry("CompleteMultipartUpload", "UPLOAD"),
            Map.entry("AbortMultipartUpload", "UPLOAD"),
            Map.entry("ListParts", "UPLOAD"),
            Map.entry("PostObject", "OBJECT"));

    /**
     * The signature-version field: {@code SigV4}, {@code SigV2}, or for Alibaba Cloud OSS's dialect {@code OSS} (V1)
     * and {@code OSS4}: after the dash of {@link UsageRecord#authType()}, SigV4 when there is none.
     */
    static String signatureVersion(String authType) {
        if (authType == null) {
            return "-";
        }
        int dash = authType.indexOf('-');
        return dash < 0 ? "SigV4" : authType.substring(dash + 1);
    }

    /** The authentication-type field, {@code AuthHeader} or {@code QueryString}. */
    static String authenticationType(String authType) {
        int dash = authType == null ? -1 : authType.indexOf('-');
        return dash < 0 ? authType : authType.substring(0, dash);
    }

    private final Path dir;
    private final long maxBytes;
    private final Consumer<String> lineLogger;
    private final ConcurrentLinkedQueue<UsageRecord> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    private final Thread writerThread;
    private volatile boolean closed;
    private BufferedWriter out;
    private long size;
    private LocalDate day;

    private AccessLogSink(Path dir, long maxBytes, Consumer<String> lineLogger) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.lineLogger = lineLogger;
        this.writerThread = dir == null ? null : new Thread(this::run, "granary-access-log");
    }

    /** Writes to {@code access.log} in {@code dir}, rotated past {@code maxBytes} and daily. */
    public static AccessLogSink toFile(Path dir, long maxBytes) {
        AccessLogSink sink = new AccessLogSink(dir, maxBytes, null);
        sink.writerThread.setDaemon(true);
        sink.writerThread.start();
        return sink;
    }

    /** Writes each line through the {@code granary.access} SLF4J logger at INFO. */
    public static AccessLogSink toLogger() {
        return new AccessLogSink(null, 0, LINES::info);
    }

    /** Lines dropped because the writer could not keep up. */
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public void record(UsageRecord u) {
        if (lineLogger != null) {
            if (LINES.isInfoEnabled()) {
                lineLogger.accept(format(u));
            }
            return;
        }
        if (closed || queued.incrementAndGet() > QUEUE_LIMIT) {
            if (!closed) {
                queued.decrementAndGet();
            }
            dropped.increment();
            return;
        }
        // The record is formatted by the writer thread, which polls: waking it per request cost a futex call and a
        // context switch each, a large share of what metering cost a small GET. It is woken only when the queue fills.
        queue.add(u);
        if (queued.get() == WAKE_AT) {
            LockSupport.unpark(writerThread);
        }
    }

    private static volatile Stamp lastTime = new Stamp(Long.MIN_VALUE, "");

    private record Stamp(long epochSecond, String text) {}

    /** The bracketed time of a line; formatted once per second, as lines come in bursts. */
    private static String time(Instant time) {
        Stamp cached = lastTime;
        if (cached.epochSecond() != time.getEpochSecond()) {
            cached = new Stamp(time.getEpochSecond(), TIME.format(time));
            lastTime = cached;
        }
        return cached.text();
    }

    @Override
    public boolean wantsRequestDetails() {
        return true;
    }

    /** One line in the AWS server access log format. */
    static String format(UsageRecord u) {
        StringBuilder b = new StringBuilder(320);
        b.append(dash(u.account() == null || u.account().equals("anonymous") ? null : u.account()))
                .append(' ')
                .append(dash(u.bucket()))
                .append(' ')
                .append(time(u.time()))
                .append(' ')
                .append(ip(u.remoteAddress()))
                .append(' ')
                .append(dash(u.requester() == null || u.requester().equals("anonymous") ? null : u.requester()))
                .append(' ')
                .append(u.requestId())
                .append(' ')
                .append(operation(u))
                .append(' ')
                .append(dash(u.key() == null ? null : encodeKey(u.key())))
                .append(' ')
                .append(quoted(u.requestLine()))
                .append(' ')
                .append(u.status())
                .append(' ')
                .append(dash(u.errorCode()))
                .append(' ')
                .append(u.bytesOut() == 0 ? "-" : Long.toString(u.bytesOut()))
                .append(" - ") // object size: not known to the request pipeline
                .append(u.durationNanos() / 1_000_000)
                .append(" - ") // turn-around time
                .append(quoted(u.referer()))
                .append(' ')
                .append(quoted(u.userAgent()))
                .append(" - ") // version id: no versioning yet
                .append(u.requestId())
                .append(' ')
                .append(signatureVersion(u.authType()))
                .append(" - ") // cipher suite: plain HTTP
                .append(dash(authenticationType(u.authType())))
                .append(' ')
                .append(dash(u.host()))
                .append(" - - -"); // TLS version, access point ARN, ACL required
        return b.toString();
    }

    private static String operation(UsageRecord u) {
        String line = u.requestLine() == null ? "" : u.requestLine();
        int space = line.indexOf(' ');
        String method = space > 0 ? line.substring(0, space) : "UNKNOWN";
        if (u.operation().equals("CopyObject") || u.operation().equals("UploadPartCopy")) {
            method = "COPY";
        }
        return "REST." + method + "." + RESOURCES.getOrDefault(u.operation(), "UNKNOWN");
    }

    /** Keys are logged URL-encoded, as AWS does, so a key with spaces keeps the fields apart. */
    private static String encodeKey(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8)
                .replace("+", "%20")
                .replace("%2F", "/");
    }

    private static String ip(String address) {
        if (address == null) {
            return "-";
        }
        String a = address.startsWith("/") ? address.substring(1) : address;
        int colon = a.lastIndexOf(':');
        return colon > 0 ? a.substring(0, colon) : a;
    }

    private static String quoted(String value) {
        return value == null || value.isEmpty() ? "\"-\"" : "\"" + value.replace("\"", "\\\"") + "\"";
    }

    private static String dash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private void run() {
        while (true) {
            boolean stopping = closed;
            try {
                drain();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot write the access log in {}: {}", dir, e.toString());
                closeFile();
            }
            if (stopping) {
                closeFile();
                return;
            }
            LockSupport.parkNanos(200_000_000L);
        }
    }

    private void drain() throws IOException {
        UsageRecord record;
        boolean wrote = false;
        while ((record = queue.poll()) != null) {
            queued.decrementAndGet();
            String line = format(record);
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            openOrRotate(bytes.length);
            out.write(line);
            out.write('\n');
            size += bytes.length;
            wrote = true;
        }
        if (wrote) {
            out.flush();
        }
    }

    private void openOrRotate(int next) throws IOException {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path file = dir.resolve("access.log");
        if (out != null && (size + next > maxBytes || !today.equals(day))) {
            closeFile();
            Files.move(file, dir.resolve("access-" + STAMP.format(Instant.now()) + ".log"));
            prune();
        }
        if (out == null) {
            Files.createDirectories(dir);
            out = new BufferedWriter(new OutputStreamWriter(
                    Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
                    StandardCharsets.UTF_8));
            size = Files.size(file);
            day = today;
        }
    }

    private void prune() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().matches("access-\\d{8}-\\d{6}-\\d{3}\\.log"))
                    .sorted((a, b) -> b.getFileName().compareTo(a.getFileName()))
                    .skip(KEEP)
                    .forEach(f -> f.toFile().delete());
        }
    }

    private void closeFile() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.warn("cannot close the access log: {}", e.toString());
            }
            out = null;
        }
    }

    /** Writes what is queued and closes the file. */
    @Override
    public void close() {
        if (writerThread == null || closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(writerThread);
        try {
            writerThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
