package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;

/**
 * A full disk, on a real small filesystem: a 384 MiB tmpfs the test mounts (as root, as CI runs; skipped otherwise,
 * unless {@code GRANARY_REQUIRE_CLIENTS=1} makes that a failure). Writes are refused with 507
 * {@code InsufficientStorage} before the disk fills, reads, listings and deletes go on, and writes come back by
 * themselves once space is freed; with no reserve, RocksDB itself runs out of space and takes writes again without
 * a restart. Every acknowledged object is read back byte for byte, and nothing refused is listed.
 */
class DiskFullIT {
    private static final long MIB = 1L << 20;
    private static final String BUCKET = "full";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Tag TAG = Tag.builder().key("k").value("v").build();

    private static Path mount;
    private static boolean mounted;

    private final Random random = new Random(13);
    /** Every object the server acknowledged and that was not deleted since: key to MD5. */
    private final Map<String, String> acknowledged = new TreeMap<>();

    private Granary granary;
    private S3Client s3;
    private Path data;

    @BeforeAll
    static void mountSmallFilesystem() throws Exception {
        mount = Files.createTempDirectory("granary-disk-full");
        require(isRootOnLinux(), "DiskFullIT mounts a tmpfs, which needs root on Linux (CI runs as root)");
        String output = run("mount", "-t", "tmpfs", "-o", "size=384m,mode=0700", "granary-disk-full", mount.toString());
        mounted = output == null;
        require(mounted, "DiskFullIT cannot mount a tmpfs: " + output);
    }

    private static boolean isRootOnLinux() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // no /proc: not Linux
        }
    }

    /** Skips the class when the condition fails, unless GRANARY_REQUIRE_CLIENTS=1 (CI), which fails it. */
    private static void require(boolean condition, String why) {
        if (!condition && "1".equals(System.getenv("GRANARY_REQUIRE_CLIENTS"))) {
            fail(why + " (GRANARY_REQUIRE_CLIENTS=1)");
        }
        Assumptions.assumeTrue(condition, why);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (mounted && run("umount", mount.toString()) != null) {
            run("umount", "-l", mount.toString());
        }
        Files.deleteIfExists(mount);
    }

    @AfterEach
    void stopAndClear() throws IOException {
        if (granary != null) {
            granary.close();
        }
        if (s3 != null) {
            s3.close();
        }
        try (Stream<Path> files = Files.list(mount)) {
            for (Path p : files.toList()) {
                delete(p);
            }
        }
    }

    @Test
    void writesAreRefusedBeforeTheDiskFillsReadsListsAndDeletesGoOnAndWritesComeBackOnceSpaceIsFreed()
            throws Exception {
        start("reserve", "64MiB");
        s3.createBucket(b -> b.bucket(BUCKET));
        putMultipart("early/multipart", 5 * MIB, MIB + 17);
        // An upload whose parts go in now, completed once the disk is full (refused) and again after (taken).
        String pending = s3.createMultipartUpload(b -> b.bucket(BUCKET).key("late/multipart"))
                .uploadId();
        byte[] partOne = bytes(5 * MIB);
        byte[] partTwo = bytes(300 * 1024);
        List<CompletedPart> pendingParts = List.of(
                uploadPart("late/multipart", pending, 1, partOne), uploadPart("late/multipart", pending, 2, partTwo));

        // Objects of every kind, inline, in RocksDB's blob files, in data files of their own, until one is refused.
        S3Exception refused = null;
        String refusedKey = null;
        for (int i = 0; refused == null; i++) {
            assertThat(i).as("a 384 MiB disk is full before 500 objects").isLessThan(500);
            refusedKey = "fill/" + i;
            refused = tryPut(refusedKey, bytes(fillSize(i)));
        }
        assertInsufficientStorage(refused);
        assertThat(refused.awsErrorDetails().errorMessage()).contains("reserve of 64 MiB");
        String refusedKeyFinal = refusedKey;
        assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key(refusedKeyFinal)))
                .isInstanceOfSatisfying(
                        S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(404));

        // Another program takes space too: the free space falls below the reserve, and every write is refused, the
        // ones that only change records included.
        Path ballast = mount.resolve("ballast");
        allocate(ballast, Files.getFileStore(mount).getUsableSpace() - 32 * MIB);
        poll("the server to see the disk full", () -> health().contains("\"acceptingWrites\":false"));
        assertThat(health()).startsWith("{\"status\":\"disk-full\"").contains("\"reserveBytes\":" + 64 * MIB);
        double refusedBefore = metric("granary_writes_refused_total");
        assertInsufficientStorage(
                () -> s3.putObject(b -> b.bucket(BUCKET).key("small"), RequestBody.fromBytes(bytes(10))));
        // One refusal counted for one call: the SDK did not retry the 507.
        assertThat(metric("granary_writes_refused_total")).isEqualTo(refusedBefore + 1);
        assertInsufficientStorage(() -> s3.createBucket(b -> b.bucket("another")));
        assertInsufficientStorage(() ->
                s3.putObjectTagging(b -> b.bucket(BUCKET).key("early/multipart").tagging(t -> t.tagSet(TAG))));
        assertInsufficientStorage(() -> s3.copyObject(b -> b.sourceBucket(BUCKET)
                .sourceKey("fill/0")
                .destinationBucket(BUCKET)
                .destinationKey("copy")));
        assertInsufficientStorage(
                () -> s3.createMultipartUpload(b -> b.bucket(BUCKET).key("refused/multipart")));
        assertInsufficientStorage(() -> uploadPart("late/multipart", pending, 3, bytes(1024)));
        assertInsufficientStorage(() -> complete("late/multipart", pending, pendingParts));
        assertThat(metric("granary_disk_accepting_writes")).isZero();
        assertThat(metric("granary_disk_reserve_bytes")).isEqualTo(64.0 * MIB);
        assertThat(metric("granary_disk_free_bytes")).isLessThan(64.0 * MIB);

        // Reads, listings and deletes go on.
        verifyEverything();
        List<String> dataFileObjects = acknowledged.keySet().stream()
                .filter(k -> k.startsWith("fill/") && Integer.parseInt(k.substring(5)) % 4 >= 2)
                .toList();
        int half = dataFileObjects.size() / 2;
        for (String key : dataFileObjects.subList(0, half)) {
            s3.deleteObject(b -> b.bucket(BUCKET).key(key));
            acknowledged.remove(key);
        }
        List<ObjectIdentifier> batch = dataFileObjects.subList(half, dataFileObjects.size()).stream()
                .map(k -> ObjectIdentifier.builder().key(k).build())
                .toList();
        assertThat(s3.deleteObjects(b -> b.bucket(BUCKET).delete(d -> d.objects(batch)))
                        .errors())
                .isEmpty();
        batch.forEach(id -> acknowledged.remove(id.key()));

        // Writes come back by themselves (the other program's file is still there).
        poll("writes to be taken again", () -> health().contains("\"acceptingWrites\":true"));
        assertThat(health()).startsWith("{\"status\":\"ok\"");
        assertThat(tryPut("after/small", bytes(1000))).isNull();
        assertThat(tryPut("after/blob", bytes(200 * 1024))).isNull();
        assertThat(tryPut("after/file", bytes(3 * MIB + 5))).isNull();
        assertThat(tryPut(refusedKeyFinal, bytes(4 * MIB))).isNull();
        complete("late/multipart", pending, pendingParts);
        acknowledged.put("late/multipart", md5(concat(partOne, partTwo)));
        putMultipart("after/multipart", 5 * MIB, 2 * MIB);
        s3.createBucket(b -> b.bucket("another"));
        s3.putObjectTagging(b -> b.bucket(BUCKET).key("early/multipart").tagging(t -> t.tagSet(TAG)));
        assertThat(metric("granary_disk_accepting_writes")).isEqualTo(1.0);
        verifyEverything();
        Files.delete(ballast);
    }

    @Test
    void withNoReserveRocksDbRunsOutOfSpaceAndTakesWritesAgainWithoutARestart() throws Exception {
        start("no-reserve", "0");
        s3.createBucket(b -> b.bucket(BUCKET));
        for (int i = 0; i < 8; i++) {
            assertThat(tryPut("before/" + i, bytes(new int[] {1000, 200 * 1024, 2 * (int) MIB}[i % 3])))
                    .isNull();
        }
        long dataFiles = dataFiles();
        assertThat(dataFiles).isEqualTo(2);

        Path ballast = mount.resolve("ballast");
        fillUp(ballast);
        // A body bound for a data file fails cleanly: 507, what was written of it removed, nothing acknowledged.
        S3Exception fileRefused = tryPut("refused/file", bytes(3 * MIB));
        assertInsufficientStorage(fileRefused);
        assertThat(fileRefused.awsErrorDetails().errorMessage()).contains("ran out of space");
        assertThat(dataFiles()).isEqualTo(dataFiles);
        // Bodies written through RocksDB. A partition whose WAL has no room left fails at once; one that preallocated
        // room for its WAL before the disk filled takes writes into it until its memtable is full, and then the flush
        // into SST and blob files runs out of space. Either way RocksDB stops taking the partition's writes.
        List<String> refusedKeys = new ArrayList<>();
        for (int i = 0; stoppedPartitions() < 8; i++) {
            assertThat(i)
                    .as("every partition runs out of space within 2000 writes of 200 KiB")
                    .isLessThan(2000);
            S3Exception e = tryPut("blob/" + i, bytes(200 * 1024));
            if (e != null) {
                assertInsufficientStorage(e);
                assertThat(e.awsErrorDetails().errorMessage()).contains("ran out of space");
                refusedKeys.add("blob/" + i);
            }
        }
        assertThat(health()).startsWith("{\"status\":\"disk-full\"");
        assertThat(metric("granary_disk_stopped_partitions")).isEqualTo(8.0);
        assertThat(metric("granary_writes_refused_total")).isGreaterThanOrEqualTo(1.0 + refusedKeys.size());
        verifyEverything();

        // Space comes back: RocksDB resumes every partition by itself (it looks every 5 s), with no restart.
        Files.delete(ballast);
        poll("every partition to take writes again", () -> stoppedPartitions() == 0);
        assertThat(health()).startsWith("{\"status\":\"ok\"");
        for (String key : refusedKeys) {
            assertThat(tryPut(key, bytes(200 * 1024))).as(key).isNull();
        }
        for (int i = 0; i < 16; i++) {
            assertThat(tryPut("after/" + i, bytes(i % 2 == 0 ? 200 * 1024 : 3 * (int) MIB)))
                    .isNull();
        }
        verifyEverything();
    }

    private int stoppedPartitions() throws IOException, InterruptedException {
        Matcher m = Pattern.compile("\"stoppedPartitions\":(\\d+)").matcher(health());
        assertThat(m.find()).isTrue();
        return Integer.parseInt(m.group(1));
    }

    // ---- the server and its clients ----

    /**
     * Starts a server on the tmpfs with the flags an operator would give. Its client is the SDK's default HTTP client
     * (Apache): the SDK sends {@code Expect: 100-continue} with a PUT, and a refusal comes before the body is sent,
     * which the URL-connection client reports with the status alone (the JDK's HttpURLConnection drops the answer's
     * body when a server turns down the 100-continue), as it would any error AWS sends at that point.
     */
    private void start(String folder, String reserve) {
        data = mount.resolve(folder);
        GranaryConfig config =
                GranaryServerExtension.config(data, Map.of(), "--disk-reserve", reserve, "--lifecycle-interval", "0");
        granary = Granary.start(config);
        s3 = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + granary.port()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        GranaryServerExtension.ACCESS_KEY, GranaryServerExtension.SECRET_KEY)))
                .httpClient(Apache5HttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .build();
    }

    /** Puts an object; null when acknowledged (then recorded), else the S3 error. */
    private S3Exception tryPut(String key, byte[] body) {
        try {
            s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
        } catch (S3Exception e) {
            return e;
        }
        acknowledged.put(key, md5(body));
        return null;
    }

    private void putMultipart(String key, long... sizes) {
        String uploadId =
                s3.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        List<CompletedPart> parts = new ArrayList<>();
        byte[] whole = new byte[0];
        for (int i = 0; i < sizes.length; i++) {
            byte[] part = bytes(sizes[i]);
            parts.add(uploadPart(key, uploadId, i + 1, part));
            whole = concat(whole, part);
        }
        complete(key, uploadId, parts);
        acknowledged.put(key, md5(whole));
    }

    private CompletedPart uploadPart(String key, String uploadId, int number, byte[] body) {
        String etag = s3.uploadPart(
                        b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(number),
                        RequestBody.fromBytes(body))
                .eTag();
        return CompletedPart.builder().partNumber(number).eTag(etag).build();
    }

    private void complete(String key, String uploadId, List<CompletedPart> parts) {
        s3.completeMultipartUpload(
                b -> b.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(parts)));
    }

    /** Every acknowledged object listed and read back byte for byte; nothing else listed. */
    private void verifyEverything() {
        List<String> listed = new ArrayList<>();
        s3.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                .map(S3Object::key)
                .forEach(listed::add);
        assertThat(listed).containsExactlyElementsOf(acknowledged.keySet());
        acknowledged.forEach((key, md5) -> {
            byte[] read = s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
            assertThat(md5(read)).as(key).isEqualTo(md5);
        });
    }

    private static void assertInsufficientStorage(Executable write) {
        assertThatThrownBy(write::execute)
                .isInstanceOfSatisfying(S3Exception.class, DiskFullIT::assertInsufficientStorage);
    }

    private static void assertInsufficientStorage(S3Exception e) {
        assertThat(e).as("a refused write").isNotNull();
        assertThat(e.statusCode()).as(e.getMessage()).isEqualTo(507);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InsufficientStorage");
        assertThat(e.awsErrorDetails().errorMessage()).startsWith("The server's disk is full");
    }

    private String health() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + granary.port() + "/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("health stays 200 on a full disk").isEqualTo(200);
        return r.body();
    }

    /** A sample of the admin port's /metrics. */
    private double metric(String name) throws IOException, InterruptedException {
        String text = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + granary.adminPort() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? (\\S+)$").matcher(text);
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    // ---- the filesystem ----

    /** Sizes by kind: inline (1 KiB), RocksDB blob files (200 KiB), data files of their own (1 to 5 MiB). */
    private static long fillSize(int i) {
        return switch (i % 4) {
            case 0 -> 1024;
            case 1 -> 200 * 1024;
            case 2 -> (1 + i % 5) * MIB + 123;
            default -> 3 * MIB + 7;
        };
    }

    /** Data files in the data folder (bodies from 1 MiB). */
    private long dataFiles() throws IOException {
        try (Stream<Path> files = Files.walk(data.resolve("partitions"))) {
            return files.filter(f ->
                            f.getParent().getParent().getFileName().toString().equals("objects"))
                    .filter(Files::isRegularFile)
                    .count();
        }
    }

    /** Writes a file of {@code size} bytes, synced, as another program filling the disk would. */
    private static void allocate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect((int) MIB);
            for (long written = 0; written < size; ) {
                buffer.clear().limit((int) Math.min(MIB, size - written));
                written += channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Writes a file until the filesystem has no byte left. */
    private static void fillUp(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int piece : new int[] {(int) MIB, 4096}) {
                ByteBuffer buffer = ByteBuffer.allocateDirect(piece);
                try {
                    while (true) {
                        buffer.clear();
                        channel.write(buffer);
                    }
                } catch (IOException e) {
                    assertThat(e).hasMessageContaining("No space left on device");
                }
            }
        }
        assertThat(Files.getFileStore(file).getUsableSpace()).isZero();
    }

    /** Waits up to 60 s for a condition, looking every 100 ms. */
    private static void poll(String what, Callable condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /** A condition that may throw. */
    @FunctionalInterface
    private interface Callable {
        boolean call() throws Exception;
    }

    /** Runs a command; null when it succeeds, else its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return process.waitFor() == 0 ? null : String.join(" ", command) + ": " + output.trim();
    }

    private static void delete(Path path) throws IOException {
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private byte[] bytes(long size) {
        byte[] b = new byte[(int) size];
        random.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String md5(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
