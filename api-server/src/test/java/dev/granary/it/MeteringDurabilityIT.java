package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.MeteringSupport.Counts;
import dev.granary.it.MeteringSupport.Expected;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Usage survives a graceful restart exactly; a kill -9 loses at most the counts of the last flush interval.
 */
class MeteringDurabilityIT {
    @RegisterExtension
    static final GranaryServerExtension server = new GranaryServerExtension();

    @Test
    void usageSurvivesAGracefulRestartExactly() throws Exception {
        Expected expected = new Expected();
        S3Client s3 = MeteringIT.recordingClient(server.uri(), expected);
        s3.createBucket(b -> b.bucket("restarted"));
        for (int i = 0; i < 20; i++) {
            int n = i;
            s3.putObject(b -> b.bucket("restarted").key("k" + n), RequestBody.fromBytes(MeteringIT.random(100 + n)));
        }
        s3.getObjectAsBytes(b -> b.bucket("restarted").key("k3"));
        Map<String, Counts> before = expected.snapshot();
        assertThat(MeteringSupport.usageByOperation(server.adminUri(), "restarted"))
                .isEqualTo(before);
        server.stop(); // no flush asked for: the graceful stop writes what is in memory
        server.start();
        assertThat(MeteringSupport.usageByOperation(server.adminUri(), "restarted"))
                .isEqualTo(before);
        // The restarted process counts on top of what the first one wrote, in the same minute windows.
        S3Client again = MeteringIT.recordingClient(server.uri(), expected);
        again.getObjectAsBytes(b -> b.bucket("restarted").key("k4"));
        assertThat(MeteringSupport.usageByOperation(server.adminUri(), "restarted"))
                .isEqualTo(expected.snapshot());
        String storage = MeteringSupport.admin(server.adminUri(), "/admin/v1/usage/storage")
                .body();
        long bytes = 0;
        for (int i = 0; i < 20; i++) {
            bytes += 100 + i;
        }
        assertThat(storage).contains("\"bucket\":\"restarted\"").contains("\"bytes\":" + bytes + ",\"objects\":20,");
    }

    @Test
    void killDashNineLosesAtMostOneFlushInterval(@TempDir Path data) throws Exception {
        int port = ServerProcess.freePort();
        int adminPort = ServerProcess.freePort();
        Expected flushed = new Expected();
        Expected all = new Expected();
        Process first = startProcess(data, port, adminPort);
        try {
            S3Client s3 = MeteringIT.recordingClient(URI.create("http://127.0.0.1:" + port), all);
            s3.createBucket(b -> b.bucket("crashed"));
            for (int i = 0; i < 15; i++) {
                int n = i;
                s3.putObject(b -> b.bucket("crashed").key("k" + n), RequestBody.fromBytes(MeteringIT.random(50 + n)));
            }
            flushed.byOperation.putAll(all.snapshot());
            Thread.sleep(2_500); // more than two flush intervals of 1 s: all of the above is written
            for (int i = 0; i < 10; i++) {
                int n = i;
                s3.getObjectAsBytes(b -> b.bucket("crashed").key("k" + n));
            }
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Process second = startProcess(data, port, adminPort);
        try {
            Counts got = MeteringSupport.total(
                    MeteringSupport.usageByOperation(URI.create("http://127.0.0.1:" + adminPort), "crashed"));
            Counts atLeast = MeteringSupport.total(flushed.snapshot());
            Counts atMost = MeteringSupport.total(all.snapshot());
            assertThat(got.requests()).isBetween(atLeast.requests(), atMost.requests());
            assertThat(got.bytesIn()).isEqualTo(atLeast.bytesIn()); // the GETs after the flush carry no body in
            assertThat(got.bytesOut()).isBetween(atLeast.bytesOut(), atMost.bytesOut());
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static Process startProcess(Path data, int port, int adminPort) throws Exception {
        return ServerProcess.start(
                data, port, adminPort, "--admin-port", Integer.toString(adminPort), "--metering-flush", "1");
    }
}
