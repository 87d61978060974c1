package dev.granary.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pacer of arriving copies, on a clock of the test's own: the waits it asks for, not how long they took. */
class CopyPacerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MIB = 1L << 20;

    private long now = 1_000_000 * MS;
    private final List<Long> waits = new ArrayList<>();

    private CopyPacer pacer(long bytesPerSecond) {
        return new CopyPacer(bytesPerSecond, () -> now, nanos -> {
            waits.add(nanos / MS);
            now += nanos;
        });
    }

    @Test
    void chunksArrivingFasterThanTheBoundWaitTheDifference() throws Exception {
        CopyPacer pacer = pacer(4 * MIB);
        // A 1 MiB chunk is worth 250 ms at 4 MiB/s; each arrives 50 ms after the last call.
        for (int i = 0; i < 4; i++) {
            now += 50 * MS;
            pacer.arrived(MIB, CopyPacer.MAX_WAIT_MILLIS);
        }
        // The first chunk counts from the pacer's start (its 50 ms of arriving included), then each from the last.
        assertThat(waits).containsExactly(200L, 200L, 200L, 200L);
    }

    @Test
    void chunksSlowerThanTheBoundAndIdleTimeWaitForNothing() throws Exception {
        CopyPacer pacer = pacer(4 * MIB);
        now += 300 * MS;
        pacer.arrived(MIB, CopyPacer.MAX_WAIT_MILLIS); // took 300 ms: slower than 250
        now += 60_000 * MS; // a minute idle is not saved up ...
        pacer.arrived(MIB / 4, CopyPacer.MAX_WAIT_MILLIS); // ... this one took the minute
        now += 10 * MS;
        pacer.arrived(MIB, CopyPacer.MAX_WAIT_MILLIS); // ... and this one, 10 ms after, waits its 240 ms
        assertThat(waits).containsExactly(240L);
    }

    @Test
    void aWaitIsAtMostASecondAndTheDebtCarriesOver() throws Exception {
        CopyPacer pacer = pacer(MIB);
        pacer.arrived(4 * MIB, CopyPacer.MAX_WAIT_MILLIS); // 4 s worth at once: waits a second now ...
        pacer.arrived(MIB, CopyPacer.MAX_WAIT_MILLIS); // ... and a second again, the debt (now 4 s) carried over
        assertThat(waits).containsExactly(1000L, 1000L);
    }

    @Test
    void noBoundNeverWaitsAndTheBoundCanChange() throws Exception {
        CopyPacer pacer = pacer(0);
        pacer.arrived(1L << 40, CopyPacer.MAX_WAIT_MILLIS);
        assertThat(waits).isEmpty();
        pacer.bound(MIB);
        pacer.arrived(MIB / 2, CopyPacer.MAX_WAIT_MILLIS);
        assertThat(waits).containsExactly(500L);
    }

    @Test
    void bytesUnderAFolderCountItsFilesAtEveryDepth(@TempDir Path dir) throws Exception {
        assertThat(CopyPacer.bytesUnder(dir.resolve("absent"))).isZero();
        Files.write(dir.resolve("a"), new byte[100]);
        Files.createDirectories(dir.resolve("sub/deeper"));
        Files.write(dir.resolve("sub/deeper/b"), new byte[23]);
        assertThat(CopyPacer.bytesUnder(dir)).isEqualTo(123);
    }
}
