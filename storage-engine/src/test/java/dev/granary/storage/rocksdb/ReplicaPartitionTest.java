package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandResult;
import dev.granary.storage.command.DataId;
import dev.granary.storage.command.IdSource;
import dev.granary.storage.rocksdb.ReplicaPartition.Mark;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition as a replica of a log: each entry's writes and its applied mark commit together, refusals are
 * results that every replica computes alike, and entries at or below the mark are skipped, so a log replayed from
 * an earlier point leaves the state as it was.
 */
class ReplicaPartitionTest {
    private static final String BUCKET = "bucket";

    @TempDir
    Path dir;

    private ReplicaHost host;
    private ReplicaHost other;

    @BeforeEach
    void openHosts() {
        host = ReplicaHost.open(dir.resolve("a"));
        other = ReplicaHost.open(dir.resolve("b"));
    }

    @AfterEach
    void closeHosts() {
        host.close();
        other.close();
    }

    private static List<Command> workload(long seed) {
        IdSource ids =
                new IdSource(Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC), new Random(seed));
        List<Command> commands = new ArrayList<>();
        commands.add(new Command.PutBucketView(BUCKET, 1, Versioning.ENABLED, 1));
        for (int i = 0; i < 20; i++) {
            commands.add(put(ids, "k" + (i % 7), "body " + i, WriteCondition.NONE));
        }
        commands.add(put(ids, "k1", "refused", new WriteCondition.IfMatch(List.of("nope"))));
        commands.add(new Command.DeleteObject(
                new ObjectKey(BUCKET, "k2"),
                null,
                WriteCondition.NONE,
                ids.millis(),
                ids.micros(),
                ids.versionSuffix()));
        return commands;
    }

    private static Command put(IdSource ids, String key, String body, WriteCondition condition) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new Command.PutObject(
                new ObjectKey(BUCKET, key),
                ObjectAttributes.empty(),
                condition,
                new Command.Inline(bytes),
                HexFormat.of().formatHex(BodyWriter.md5().digest(bytes)),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix());
    }

    private static List<CommandResult> applyAll(ReplicaPartition replica, List<Command> commands, long fromIndex) {
        List<CommandResult> results = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            results.add(replica.apply(new Mark(1, fromIndex + i), commands.get(i)));
        }
        return results;
    }

    @Test
    void replicasFedTheSameEntriesAgreeOnResultsAndState() {
        List<Command> commands = workload(7);
        try (ReplicaPartition a = host.openPartition(0);
                ReplicaPartition b = other.openPartition(0)) {
            List<CommandResult> fromA = applyAll(a, commands, 1);
            List<CommandResult> fromB = applyAll(b, commands, 1);
            assertThat(fromA).isEqualTo(fromB);
            assertThat(a.digest()).isEqualTo(b.digest());
            assertThat(a.applied()).isEqualTo(new Mark(1, commands.size()));

            CommandResult refused = fromA.get(commands.size() - 2);
            assertThat(refused.status()).isEqualTo(CommandResult.Status.REFUSED);
            assertThat(refused.reason()).isEqualTo(StorageException.Reason.PRECONDITION_FAILED);
            assertThat(refused.toException()).isInstanceOf(StorageException.class);
            CommandResult deleted = fromA.get(commands.size() - 1);
            assertThat(deleted.status()).isEqualTo(CommandResult.Status.APPLIED);
            assertThat(deleted.deleteMarker()).isTrue();
            assertThat(deleted.versionId()).isNotNull().isNotEqualTo("null");
        }
    }

    /**
     * A proposer that died mid-body left its chunks pending on every replica. The reclaimer of the partition's leader
     * discards what has been pending since before the cutoff (by the time in the data id), and keeps what is younger;
     * a commit arriving for the discarded data after all is a refusal (every replica refuses alike and goes on), not
     * an object whose data is gone.
     */
    @Test
    void dataADeadProposerLeftPendingIsAbandonedOnceStaleAndALateCommitIsRefused() {
        byte[] stale = new IdSource(Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC), new Random(1))
                .dataId();
        byte[] young = new IdSource(Clock.fixed(Instant.parse("2026-05-03T00:00:00Z"), ZoneOffset.UTC), new Random(2))
                .dataId();
        byte[] body = "a body whose proposer died".getBytes(StandardCharsets.UTF_8);
        try (ReplicaPartition replica = host.openPartition(0)) {
            long[] next = {1};
            replica.apply(new Mark(1, next[0]++), new Command.PutBucketView(BUCKET, 1, Versioning.UNVERSIONED, 1));
            for (byte[] id : List.of(stale, young)) {
                replica.apply(
                        new Mark(1, next[0]++),
                        new Command.WriteChunk(new DataId(id), 0, Chunks.encode(body, body.length)));
            }
            Partition p = replica.partition();
            p.useProposer((partition, command) -> {
                long index = next[0]++;
                replica.apply(new Mark(1, index), command, true);
                return replica.awaitOutcome(index, java.time.Duration.ofSeconds(5));
            });

            assertThat(Reclaimer.abandonStale(
                            p, Instant.parse("2026-05-02T00:00:00Z").toEpochMilli()))
                    .isEqualTo(1);
            assertThat(p.get(Cf.PENDING, stale, "read")).isNull();
            assertThat(p.noKeyWithPrefix(Cf.DATA, stale)).isTrue();
            assertThat(p.get(Cf.PENDING, young, "read")).isNotNull();
            assertThat(p.noKeyWithPrefix(Cf.DATA, young)).isFalse();

            IdSource ids = IdSource.system();
            CommandResult late = replica.apply(
                    new Mark(1, next[0]++),
                    new Command.PutObject(
                            new ObjectKey(BUCKET, "late"),
                            ObjectAttributes.empty(),
                            WriteCondition.NONE,
                            new Command.Stored(new DataId(stale), body.length, body.length, false),
                            HexFormat.of().formatHex(BodyWriter.md5().digest(body)),
                            ids.millis(),
                            ids.micros(),
                            ids.versionSuffix()));
            assertThat(late.status()).isEqualTo(CommandResult.Status.REFUSED);
            assertThat(late.reason()).isEqualTo(StorageException.Reason.UNAVAILABLE);
            assertThat(replica.applied()).isEqualTo(new Mark(1, next[0] - 1));
        }
    }

    @Test
    void anObjectCommandWithoutItsBucketIsRefusedAndStillAdvancesTheMark() {
        IdSource ids = IdSource.system();
        try (ReplicaPartition replica = host.openPartition(3)) {
            String before = replica.digest();
            CommandResult result = replica.apply(new Mark(2, 5), put(ids, "k", "x", WriteCondition.NONE));
            assertThat(result.status()).isEqualTo(CommandResult.Status.REFUSED);
            assertThat(result.reason()).isEqualTo(StorageException.Reason.NO_SUCH_BUCKET);
            assertThat(replica.applied()).isEqualTo(new Mark(2, 5));
            assertThat(replica.digest()).isEqualTo(before);
        }
        try (ReplicaPartition reopened = host.openPartition(3)) {
            assertThat(reopened.applied()).isEqualTo(new Mark(2, 5));
        }
    }

    @Test
    void aReplayedLogChangesNothingAndTheMarkSurvivesReopening() {
        List<Command> commands = workload(11);
        String digest;
        try (ReplicaPartition replica = host.openPartition(0)) {
            applyAll(replica, commands, 1);
            digest = replica.digest();
            assertThat(replica.flush()).isEqualTo(new Mark(1, commands.size()));
        }
        try (ReplicaPartition reopened = host.openPartition(0)) {
            assertThat(reopened.applied()).isEqualTo(new Mark(1, commands.size()));
            assertThat(reopened.digest()).isEqualTo(digest);
            // Ratis replays from its last snapshot: every entry up to the mark is skipped, not applied twice.
            List<CommandResult> replayed = applyAll(reopened, commands, 1);
            assertThat(replayed).allMatch(r -> r.status() == CommandResult.Status.SKIPPED);
            assertThat(reopened.digest()).isEqualTo(digest);
            // The next entry applies.
            CommandResult next = reopened.apply(
                    new Mark(2, commands.size() + 1), put(IdSource.system(), "after", "new", WriteCondition.NONE));
            assertThat(next.status()).isEqualTo(CommandResult.Status.APPLIED);
            assertThat(reopened.digest()).isNotEqualTo(digest);
        }
    }

    /**
     * A replica behind a purged log installs another's copy: afterwards it holds exactly that state and mark, what
     * it held of its own is gone, and it applies the log from the copy's mark on.
     */
    @Test
    void aReplicaInstallsAnothersCopyAndHoldsExactlyItsState() throws Exception {
        List<Command> commands = workload(21);
        Path copy = dir.resolve("copy");
        try (ReplicaPartition leader = host.openPartition(0);
                ReplicaPartition behind = other.openPartition(0)) {
            applyAll(leader, commands, 1);
            // The replica behind holds something the copy does not (entries it applied of a log since replaced).
            applyAll(behind, workload(22).subList(0, 5), 1);
            Mark mark = leader.checkpoint(new Mark(2, commands.size() + 3), copy);
            assertThat(mark).isEqualTo(new Mark(2, commands.size() + 3));
            // The leader goes on; the copy stays as it was taken.
            leader.apply(new Mark(2, mark.index() + 1), put(IdSource.system(), "later", "x", WriteCondition.NONE));

            behind.install(copy, mark);
            assertThat(behind.applied()).isEqualTo(mark);
            assertThat(behind.installing()).isNull();
            List<Command> rest = List.of(put(IdSource.system(), "next", "y", WriteCondition.NONE));
            behind.apply(new Mark(2, mark.index() + 1), rest.get(0));
            try (ReplicaPartition fresh = host.openPartition(5)) {
                fresh.install(copy, mark);
                fresh.apply(new Mark(2, mark.index() + 1), rest.get(0));
                assertThat(behind.digest()).isEqualTo(fresh.digest());
            }
        }
        try (ReplicaPartition reopened = other.openPartition(0)) {
            assertThat(reopened.applied()).isEqualTo(new Mark(2, commands.size() + 4));
            assertThat(reopened.installing()).isNull();
        }
    }

    /** The stored form of a chunk: its CRC32C, then its bytes. */
    private static byte[] stored(byte[] bytes) {
        return Chunks.encode(bytes, bytes.length);
    }

    /**
     * Applies the entries a body in a data file makes on a replica that also got the chunks' bytes beside the log:
     * the pending marker, each chunk (its bytes written first, the entry without them), then the object's commit.
     */
    private static long putFileBody(
            ReplicaPartition replica, long index, DataId id, String key, byte[] body, int chunk) {
        replica.apply(new Mark(1, index++), new Command.MarkPending(id, 1));
        for (int i = 0, at = 0; at < body.length; i++, at += chunk) {
            byte[] value = stored(java.util.Arrays.copyOfRange(body, at, Math.min(body.length, at + chunk)));
            Command.WriteFileChunk sent = Command.WriteFileChunk.of(id, i, chunk, value);
            replica.writeData(sent.header(), java.nio.ByteBuffer.wrap(value));
            replica.apply(new Mark(1, index++), sent.header());
        }
        replica.syncData();
        replica.apply(
                new Mark(1, index++),
                new Command.PutObject(
                        new ObjectKey(BUCKET, key),
                        ObjectAttributes.empty(),
                        WriteCondition.NONE,
                        new Command.Stored(id, body.length, chunk, true),
                        HexFormat.of().formatHex(BodyWriter.md5().digest(body)),
                        1,
                        1,
                        String.format("s%015d", index)));
        return index;
    }

    private static DataId dataId(int n) {
        byte[] id = new byte[IdSource.DATA_ID_LENGTH];
        id[0] = 1;
        id[IdSource.DATA_ID_LENGTH - 1] = (byte) n;
        return new DataId(id);
    }

    /**
     * Bodies in data files: each replica writes the chunks' bytes that arrive beside the log after checking their
     * CRC32C (damaged bytes are refused and write nothing), reads them back for a replica behind, and the digests of
     * replicas fed alike agree, data files included; a copy carries the data files, and a replica that installs it
     * holds exactly the leader's files (one it had of a body the copy does not know is deleted).
     */
    @Test
    void bodiesInDataFilesArriveBesideTheLogAndTravelInCopies() throws Exception {
        byte[] body = new byte[3 * 1024 + 100];
        new Random(5).nextBytes(body);
        Path copy = dir.resolve("copy");
        try (ReplicaPartition leader = host.openPartition(0);
                ReplicaPartition follower = other.openPartition(0);
                ReplicaPartition behind = host.openPartition(6)) {
            for (ReplicaPartition replica : List.of(leader, follower)) {
                replica.apply(new Mark(1, 1), new Command.PutBucketView(BUCKET, 1, Versioning.ENABLED, 1));
                putFileBody(replica, 2, dataId(1), "large", body, 1024);
            }
            assertThat(follower.digest()).isEqualTo(leader.digest());
            Command.WriteFileChunk second = Command.WriteFileChunk.of(dataId(1), 1, 1024, stored(new byte[1024]))
                    .header();
            assertThat(leader.readData(second)).isEqualTo(stored(java.util.Arrays.copyOfRange(body, 1024, 2048)));
            assertThat(leader.readData(Command.WriteFileChunk.of(dataId(9), 0, 1024, stored(new byte[4]))
                            .header()))
                    .as("a body whose file is gone")
                    .isNull();

            byte[] damaged = stored(new byte[] {1, 2, 3});
            damaged[5] ^= 1;
            Command.WriteFileChunk bad = Command.WriteFileChunk.of(dataId(2), 0, 1024, damaged);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> follower.writeData(bad.header(), java.nio.ByteBuffer.wrap(damaged)))
                    .isInstanceOf(StorageException.class)
                    .extracting(e -> ((StorageException) e).reason())
                    .isEqualTo(StorageException.Reason.CORRUPT_DATA);
            assertThat(follower.partition().files().exists(dataId(2).bytes())).isFalse();

            // The replica behind holds the file of a body the copy does not know (the leader dropped it).
            behind.writeData(bad.header(), java.nio.ByteBuffer.wrap(stored(new byte[] {1, 2, 3})));
            Mark mark = leader.checkpoint(leader.applied(), copy);
            behind.install(copy, mark);
            assertThat(behind.digest()).isEqualTo(leader.digest());
            assertThat(behind.partition().files().ids())
                    .extracting(HexFormat.of()::formatHex)
                    .containsExactly(HexFormat.of().formatHex(dataId(1).bytes()));
            assertThat(behind.readData(second)).isEqualTo(leader.readData(second));
        }
    }

    /** A copy damaged on the way (a flipped byte in a table file) is refused before anything of the replica changes. */
    @Test
    void aDamagedCopyIsRefusedAndTheReplicaIsLeftAsItWas() throws Exception {
        Path copy = dir.resolve("copy");
        try (ReplicaPartition leader = host.openPartition(0);
                ReplicaPartition behind = other.openPartition(0)) {
            applyAll(leader, workload(31), 1);
            Mark mark = leader.checkpoint(Mark.NONE, copy);
            applyAll(behind, workload(32).subList(0, 4), 1);
            String before = behind.digest();
            Path table;
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(copy)) {
                table = files.filter(f -> f.toString().endsWith(".sst"))
                        .max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                        .orElseThrow();
            }
            // A hard link shares the leader's bytes: damage a private copy of the file instead.
            byte[] bytes = java.nio.file.Files.readAllBytes(table);
            bytes[bytes.length / 3] ^= 0x20;
            java.nio.file.Files.delete(table);
            java.nio.file.Files.write(table, bytes);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> behind.install(copy, mark))
                    .isInstanceOf(StorageException.class);
            assertThat(behind.digest()).isEqualTo(before);
            assertThat(behind.installing()).isNull();
        }
    }

    /** A copy that is not at the mark it is said to be at is refused, and the replica is left as it was. */
    @Test
    void aCopyAtAnotherMarkThanClaimedIsRefused() {
        Path copy = dir.resolve("copy");
        try (ReplicaPartition leader = host.openPartition(0);
                ReplicaPartition behind = other.openPartition(0)) {
            Mark mark = applyAllAndCheckpoint(leader, copy);
            applyAll(behind, workload(42).subList(0, 3), 1);
            String before = behind.digest();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> behind.install(copy, new Mark(mark.term(), mark.index() + 1)))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("not the one expected");
            assertThat(behind.digest()).isEqualTo(before);
            assertThat(behind.applied()).isEqualTo(new Mark(1, 3));
        }
    }

    private static Mark applyAllAndCheckpoint(ReplicaPartition replica, Path copy) {
        applyAll(replica, workload(41), 1);
        return replica.checkpoint(Mark.NONE, copy);
    }

    /**
     * An install cut short after some column families were copied (a crash) leaves the replica marked incomplete,
     * across reopening; installing the same copy again finishes it, to the same state as an uninterrupted install.
     */
    @Test
    void anInstallCutShortIsMarkedAndFinishedByInstallingAgain() {
        Path copy = dir.resolve("copy");
        Mark mark;
        String expected;
        try (ReplicaPartition leader = host.openPartition(0)) {
            mark = applyAllAndCheckpoint(leader, copy);
            expected = leader.digest();
        }
        try (ReplicaPartition behind = other.openPartition(0)) {
            applyAll(behind, workload(43).subList(0, 6), 1);
            int[] steps = {0};
            behind.partition().onReplaceStep(() -> {
                if (++steps[0] == 3) {
                    throw new IllegalStateException("crash");
                }
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> behind.install(copy, mark))
                    .hasMessage("crash");
            assertThat(behind.installing()).isEqualTo(mark);
        }
        try (ReplicaPartition reopened = other.openPartition(0)) {
            assertThat(reopened.installing()).isEqualTo(mark);
            reopened.install(copy, mark);
            assertThat(reopened.installing()).isNull();
            assertThat(reopened.applied()).isEqualTo(mark);
            assertThat(reopened.digest()).isEqualTo(expected);
        }
    }

    /**
     * A node's store opens while its replicas still apply entries (a restarted node replays its log beside the
     * opening, and its leaders go on sending): the store's cache of bucket records misses none of them, and what
     * hears of system records (the directory of users) hears of every one it could not have read at open.
     */
    @Test
    void aStoreOpenedWhileItsReplicasApplyMissesNoEntry() throws Exception {
        int count = 3_000;
        try (ReplicaPartition catalog = host.openPartition(0);
                ReplicaPartition objects = host.openPartition(1)) {
            java.util.concurrent.CountDownLatch applying = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch loaded = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch appliedAfterLoad = new java.util.concurrent.CountDownLatch(1);
            Thread applier = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    BucketInfo info = new BucketInfo(
                            "b" + i, "alice", Instant.ofEpochMilli(1_000 + i), "", Versioning.UNVERSIONED);
                    catalog.apply(
                            new Mark(1, i + 1),
                            new Command.WriteRecords(
                                    List.of(),
                                    List.of(
                                            new Command.SmallRecord(
                                                    Command.RecordTable.BUCKETS,
                                                    Keys.utf8(info.name()),
                                                    Buckets.encode(info)),
                                            new Command.SmallRecord(
                                                    Command.RecordTable.SYSTEM, Keys.utf8("users/u" + i), new byte[] {1
                                                    })),
                                    List.of()));
                    if (i == count / 10) {
                        applying.countDown();
                    }
                    if (i == count / 2 + 100) {
                        appliedAfterLoad.countDown();
                    }
                    if (i == count / 2) { // the rest while the users' directory, say, loads
                        try {
                            loaded.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            });
            applier.start();
            applying.await();
            RocksObjectStore store = host.openStore(
                    List.of(catalog, objects),
                    2,
                    null,
                    (partition, command) -> {
                        throw new IllegalStateException("nothing is proposed here");
                    },
                    partitions -> java.util.concurrent.CompletableFuture.completedFuture(null),
                    partition -> false,
                    new EngineOptions(2, false, 4096, 64 * 1024),
                    java.time.Duration.ofSeconds(5));
            try {
                java.util.Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();
                store.system().scan("users/", "users0", (key, value) -> known.add(key));
                loaded.countDown();
                // A hundred entries applied between the load and the listener: they must reach it.
                assertThat(appliedAfterLoad.await(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
                store.onSystemRecordsChanged(known::addAll);
                applier.join();
                java.util.Set<String> missing = new java.util.TreeSet<>();
                for (int i = 0; i < count; i++) {
                    try {
                        store.getBucket("b" + i);
                    } catch (StorageException e) {
                        missing.add("b" + i);
                    }
                    if (!known.contains("users/u" + i)) {
                        missing.add("users/u" + i);
                    }
                }
                assertThat(missing).isEmpty();
            } finally {
                store.close();
            }
        }
    }
}
