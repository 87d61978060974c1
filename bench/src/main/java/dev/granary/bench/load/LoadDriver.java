package dev.granary.bench.load;

import dev.granary.auth.SigV4Signer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The end-to-end S3 load driver. Runs each requested workload at each size against one endpoint and prints a
 * table (and optionally JSON) of ops/s, MiB/s, latency p50/p99/max, errors, and server and driver CPU time per
 * operation.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.granary.bench.load.LoadDriver --endpoint
 * http://127.0.0.1:9000 --workload put,get --size 4KiB --concurrency 16 --duration 10s --server-pid PID}, or
 * {@code bench/load ...}; {@code --help} lists every flag. Point it only at servers on this machine.
 */
public final class LoadDriver {

    private LoadDriver() {}

    /**
     * Runs the driver.
     *
     * @param args the flags; see {@code --help}
     */
    public static void main(String[] args) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (LoadOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("load: " + e.getMessage());
            }
            System.err.print(LoadOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        try {
            run(options);
        } catch (IOException | RuntimeException e) {
            System.err.println("load: " + e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(130);
        }
    }

    private static void run(LoadOptions options) throws IOException, InterruptedException {
        String started = Instant.now().toString();
        List<Result> results = new ArrayList<>();
        S3Client sdk = options.client() == LoadOptions.Client.SDK
                ? SdkS3Client.shared(
                        options.endpoint(),
                        options.accessKey(),
                        options.secretKey(),
                        options.region(),
                        options.concurrency())
                : null;
        List<S3Ops> clients = new ArrayList<>();
        SigV4Signer signer = new SigV4Signer(options.accessKey(), options.secretKey(), options.region());
        for (int i = 0; i < options.concurrency(); i++) {
            clients.add(
                    sdk != null
                            ? SdkS3Client.over(sdk)
                            : new LeanS3Client(options.endpoint().getHost(), options.port(), signer));
        }
        System.out.printf(
                "load: %s (%s client) %s, %d workers, %s warm-up + %s measured per run%n",
                options.label(),
                options.client().name().toLowerCase(Locale.ROOT),
                options.endpoint(),
                options.concurrency(),
                options.warmup(),
                options.duration());
        try {
            Report.header(System.out);
            for (Workload workload : options.workloads()) {
                for (int size : options.sizes()) {
                    Result r = new WorkloadRun(options, workload, size, clients).run();
                    Report.row(System.out, r);
                    results.add(r);
                    if (options.tsv() != null) {
                        Files.writeString(
                                options.tsv(), r.toTsv() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                }
            }
        } finally {
            clients.forEach(S3Ops::close);
            if (sdk != null) {
                sdk.close();
            }
            if (options.json() != null) {
                writeJson(options, started, results);
            }
        }
    }

    private static void writeJson(LoadOptions options, String started, List<Result> results) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("label", options.label());
        doc.put("endpoint", options.endpoint().toString());
        doc.put("client", options.client().name().toLowerCase(Locale.ROOT));
        doc.put("started", started);
        doc.put("concurrency", options.concurrency());
        doc.put("durationSeconds", options.duration().toMillis() / 1000.0);
        doc.put("warmupSeconds", options.warmup().toMillis() / 1000.0);
        doc.put("serverPid", options.serverPid() == 0 ? null : options.serverPid());
        doc.put("cores", Runtime.getRuntime().availableProcessors());
        doc.put("results", results.stream().map(Result::toJson).toList());
        Path parent = options.json().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(options.json(), JsonResults.write(doc));
    }
}
