package dev.granary.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.Granary;
import dev.granary.GranaryConfig;
import dev.granary.auth.SigV4Signer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The load driver against a real Granary on loopback: every workload measures operations, with no errors, after
 * a warm-up (a DELETE warm-up that used up the objects left its window with nothing to measure once).
 */
class LoadDriverTest {
    private static final String ACCESS_KEY = "benchtest";
    private static final String SECRET_KEY = "benchtestsecret";
    private static final int SIZE = 4096;

    @TempDir
    static Path dir;

    private static Granary granary;

    @BeforeAll
    static void start() {
        granary = Granary.start(new GranaryConfig(
                "127.0.0.1", 0, dir.resolve("data"), 8, "us-east-1", "localhost", ACCESS_KEY, SECRET_KEY, true));
    }

    @AfterAll
    static void stop() {
        granary.close();
    }

    @ParameterizedTest
    @EnumSource(Workload.class)
    void everyWorkloadMeasuresOperationsWithoutErrors(Workload workload) throws Exception {
        LoadOptions options = LoadOptions.parse(new String[] {
            "--endpoint",
            "http://127.0.0.1:" + granary.port(),
            "--access-key",
            ACCESS_KEY,
            "--secret-key",
            SECRET_KEY,
            "--workload",
            workload.name().toLowerCase(Locale.ROOT),
            "--concurrency",
            "4",
            "--objects",
            "400",
            "--warmup",
            "1s",
            "--duration",
            "1s",
            "--prefix",
            "test-" + workload.name().toLowerCase(Locale.ROOT)
        });
        List<S3Ops> clients = new ArrayList<>();
        SigV4Signer signer = new SigV4Signer(ACCESS_KEY, SECRET_KEY, "us-east-1");
        for (int i = 0; i < options.concurrency(); i++) {
            clients.add(new LeanS3Client("127.0.0.1", granary.port(), signer));
        }
        Result result;
        try {
            result = new WorkloadRun(options, workload, SIZE, clients).run();
        } finally {
            clients.forEach(S3Ops::close);
        }

        assertThat(result.sampleErrors()).isEmpty();
        assertThat(result.total().errors()).isZero();
        assertThat(result.total().ops()).isPositive();
        assertThat(result.total().p50Ms()).isPositive();
        if (workload == Workload.PUT || workload == Workload.GET) {
            assertThat(result.total().bytes()).isEqualTo(result.total().ops() * SIZE);
        }
    }
}
