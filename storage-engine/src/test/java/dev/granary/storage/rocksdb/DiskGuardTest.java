package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.DiskReserve;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** Admission against the reserve, with the filesystem's figures given by the test (no background looks). */
class DiskGuardTest {
    private static final long MIB = 1L << 20;

    /** A filesystem whose free space the test sets, counting the looks at it. */
    private static final class FakeSpace implements DiskGuard.Space {
        volatile long free;
        final long total;
        int looks;

        FakeSpace(long free, long total) {
            this.free = free;
            this.total = total;
        }

        @Override
        public synchronized long free() {
            looks++;
            return free;
        }

        @Override
        public long total() {
            return total;
        }
    }

    @Test
    void writesAreAdmittedWhileTheyLeaveTheReserveFreeAndRefusedSayingHowFullTheDiskIs() {
        FakeSpace space = new FakeSpace(100 * MIB, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, new DiskReserve(16 * MIB, 0), 0, () -> 0, "/data");

        guard.admit(84 * MIB); // leaves exactly the reserve
        space.free = 16 * MIB; // once written
        assertThatThrownBy(() -> guard.admit(1))
                .isInstanceOf(StorageException.class)
                .extracting(e -> ((StorageException) e).reason())
                .isEqualTo(StorageException.Reason.INSUFFICIENT_STORAGE);

        space.free = 20 * MIB; // what the admitted write took, and a little more
        assertThatThrownBy(() -> guard.admit(5 * MIB))
                .hasMessage("The server's disk is full: 20 MiB free, and this write of 5 MiB would leave less than the"
                        + " reserve of 16 MiB kept for deletes and the database. Writes resume by themselves once space"
                        + " is freed; reads, listings and deletes still work.");
        assertThat(guard.status()).isEqualTo(new DiskStatus(20 * MIB, 1000 * MIB, 16 * MIB, 0, 2));
        assertThat(guard.status().acceptingWrites()).isTrue(); // smaller writes are

        DiskGuard full =
                new DiskGuard(new FakeSpace(10 * MIB, 1000 * MIB), new DiskReserve(16 * MIB, 0), 0, () -> 0, "/d");
        assertThatThrownBy(() -> full.admit(0))
                .hasMessage("The server's disk is full: free space 10 MiB is below the reserve of 16 MiB kept for"
                        + " deletes and the database. Writes resume by themselves once space is freed; reads, listings"
                        + " and deletes still work.");
        assertThat(full.status()).isEqualTo(new DiskStatus(10 * MIB, 1000 * MIB, 16 * MIB, 0, 1));
        assertThat(full.status().acceptingWrites()).isFalse();
    }

    @Test
    void requestsDoNotLookAtTheFilesystemButDeductWhatTheyWillWriteUntilTheNextLook() {
        FakeSpace space = new FakeSpace(100 * MIB, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, new DiskReserve(10 * MIB, 0), 0, () -> 0, "/data");
        int looksAtStart = space.looks;

        for (int i = 0; i < 80; i++) {
            guard.admit(MIB);
        }
        assertThat(space.looks).isEqualTo(looksAtStart);
        // The figure of the last look still says 100 MiB; the 80 MiB admitted since count against it, which leaves
        // less than another reserve above the reserve: from there every write looks.
        space.free = 20 * MIB; // what was admitted landed
        guard.admit(MIB);
        guard.admit(MIB);
        assertThat(space.looks).isEqualTo(looksAtStart + 2);
    }

    @Test
    void writesLookAtEveryStepWithinTheDatabasesOwnBurstsOfTheReserve() {
        FakeSpace space = new FakeSpace(285 * MIB, 1000 * MIB);
        DiskGuard alone = new DiskGuard(space, new DiskReserve(10 * MIB, 0), 0, () -> 0, "/data");
        int looks = space.looks;
        alone.admit(MIB);
        alone.admit(5 * MIB);
        assertThat(space.looks).isEqualTo(looks);

        DiskGuard guard = new DiskGuard(space, new DiskReserve(10 * MIB, 0), 270 * MIB, () -> 0, "/data");
        looks = space.looks;
        guard.admit(MIB);
        assertThat(space.looks).isEqualTo(looks);
        guard.admit(5 * MIB); // would leave 279 MiB: within 270 MiB of the reserve
        assertThat(space.looks).isEqualTo(looks + 1);
    }

    @Test
    void aRefusedWriteLooksAgainSoSpaceFreedSinceIsSeenAtOnce() {
        FakeSpace space = new FakeSpace(5 * MIB, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, new DiskReserve(10 * MIB, 0), 0, () -> 0, "/data");
        assertThatThrownBy(() -> guard.admit(MIB)).isInstanceOf(StorageException.class);

        space.free = 50 * MIB; // deletes freed space; no periodic look has run
        guard.admit(MIB);
        assertThat(guard.status().acceptingWrites()).isTrue();
        assertThat(guard.status().writesRefused()).isEqualTo(1);
    }

    @Test
    void aShareReserveFollowsTheFilesystemsSize() {
        FakeSpace space = new FakeSpace(60 * MIB, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, DiskReserve.parse("5%"), 0, () -> 0, "/data");
        guard.admit(10 * MIB);
        space.free = 50 * MIB; // once written
        assertThatThrownBy(() -> guard.admit(MIB)).isInstanceOf(StorageException.class);
        assertThat(guard.status().reserveBytes()).isEqualTo(50 * MIB);
    }

    @Test
    void withoutAReserveNothingIsRefusedBeforeTheDiskItselfIsFull() {
        FakeSpace space = new FakeSpace(0, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, DiskReserve.NONE, 0, () -> 0, "/data");
        int looks = space.looks;
        guard.admit(100 * MIB);
        assertThat(space.looks).isEqualTo(looks);
    }

    @Test
    void partitionsStoppedByRocksDbMeanWritesAreNotTaken() {
        FakeSpace space = new FakeSpace(500 * MIB, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, new DiskReserve(10 * MIB, 0), 0, () -> 2, "/data");
        assertThat(guard.status().stoppedPartitions()).isEqualTo(2);
        assertThat(guard.status().acceptingWrites()).isFalse();
    }

    @Test
    void aWriteThatRanOutOfSpaceIsCountedAsRefused() {
        FakeSpace space = new FakeSpace(0, 1000 * MIB);
        DiskGuard guard = new DiskGuard(space, DiskReserve.NONE, 0, () -> 0, "/data");
        StorageException failure = DiskGuard.ranOut(new IOException("No space left on device"));
        guard.ranOut(failure);
        assertThat(failure.reason()).isEqualTo(StorageException.Reason.INSUFFICIENT_STORAGE);
        assertThat(failure).hasMessage(DiskGuard.RAN_OUT);
        assertThat(guard.status().writesRefused()).isEqualTo(1);
    }

    @Test
    void outOfSpaceIsRecognisedInTheJdksMessagesOnly() {
        assertThat(DiskGuard.isOutOfSpace(new IOException("No space left on device")))
                .isTrue();
        assertThat(DiskGuard.isOutOfSpace(new FileSystemException("/d/f", null, "No space left on device")))
                .isTrue();
        assertThat(DiskGuard.isOutOfSpace(new IOException("x", new IOException("Disk quota exceeded"))))
                .isTrue();
        assertThat(DiskGuard.isOutOfSpace(new IOException("Input/output error")))
                .isFalse();
        assertThat(DiskGuard.isOutOfSpace(
                        new FileSystemException("/d/No space left on device", null, "Permission denied")))
                .isFalse();
    }
}
