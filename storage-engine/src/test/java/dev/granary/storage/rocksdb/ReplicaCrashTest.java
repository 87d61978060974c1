package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica writes without RocksDB's write-ahead log (the Raft log is its log): a process killed mid-stream loses what
 * its memtables held, and must come back at one point of the log for every column family, from which the log applies
 * the rest to the same state as a replica that never stopped. The crash is a real one: a child JVM applies entries,
 * flushes once midway, applies more and halts without closing anything.
 */
class ReplicaCrashTest {
    private static final String BUCKET = "crash";
    private static final int ENTRIES = 400;
    private static final int FLUSHED_AT = 150;

    @TempDir
    Path dir;

    /** The log: a bucket view, then objects with bodies of several chunks, replaced and deleted, and usage to count. */
    static List<Command> log() {
        IdSource ids = new IdSource(Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC), new Random(5));
        Random random = new Random(6);
        List<Command> commands = new ArrayList<>();
        commands.add(new Command.PutBucketView(BUCKET, 1, Versioning.ENABLED, 1));
        while (commands.size() < ENTRIES) {
            int n = commands.size();
            if (n % 5 == 0) {
                byte[] id = ids.dataId();
                byte[] chunk = new byte[3000];
                random.nextBytes(chunk);
                commands.add(new Command.WriteChunk(new DataId(id), 0, Chunks.encode(chunk, chunk.length)));
                commands.add(new Command.WriteChunk(new DataId(id), 1, Chunks.encode(chunk, chunk.length)));
                commands.add(new Command.PutObject(
                        new ObjectKey(BUCKET, "big" + n % 7),
                        ObjectAttributes.empty(),
                        WriteCondition.NONE,
                        new Command.Stored(new DataId(id), 6000, 3000, false),
                        "etag" + n,
                        ids.millis(),
                        ids.micros(),
                        ids.versionSuffix()));
            } else if (n % 11 == 0) {
                commands.add(new Command.DeleteObject(
                        new ObjectKey(BUCKET, "k" + n % 13),
                        null,
                        WriteCondition.NONE,
                        ids.millis(),
                        ids.micros(),
                        ids.versionSuffix()));
            } else {
                byte[] body = ("body " + n).getBytes(StandardCharsets.UTF_8);
                commands.add(new Command.PutObject(
                        new ObjectKey(BUCKET, "k" + n % 13),
                        ObjectAttributes.empty(),
                        WriteCondition.NONE,
                        new Command.Inline(body),
                        HexFormat.of().formatHex(BodyWriter.md5().digest(body)),
                        ids.millis(),
                        ids.micros(),
                        ids.versionSuffix()));
            }
        }
        return commands;
    }

    /** The child: applies the log to a replica in {@code args[0]}, flushing once midway, then halts. */
    public static void main(String[] args) {
        ReplicaHost host = ReplicaHost.open(Path.of(args[0]));
        ReplicaPartition replica = host.openPartition(0);
        List<Command> log = log();
        for (int i = 0; i < log.size(); i++) {
            replica.apply(new Mark(1, i + 1), log.get(i));
            if (i + 1 == FLUSHED_AT) {
                replica.flush();
            }
        }
        Runtime.getRuntime().halt(0);
    }

    @Test
    void aReplicaKilledMidStreamComesBackAtOnePointOfTheLogAndCatchesUpFromIt() throws Exception {
        Path crashed = dir.resolve("crashed");
        Process child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReplicaCrashTest.class.getName(),
                        crashed.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.log").toFile())
                .start();
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isZero();

        List<Command> log = log();
        ReplicaHost reference = ReplicaHost.open(dir.resolve("reference"));
        ReplicaHost recovered = ReplicaHost.open(crashed);
        try (ReplicaPartition ref = reference.openPartition(0);
                ReplicaPartition back = recovered.openPartition(0)) {
            long at = back.applied().index();
            // Everything up to the flush survived; what the memtables held after it did not (no write-ahead log, and
            // memtables far from full: nothing flushed by itself).
            assertThat(at).isEqualTo(FLUSHED_AT);
            for (int i = 0; i < at; i++) {
                ref.apply(new Mark(1, i + 1), log.get(i));
            }
            assertThat(back.digest()).as("the state at entry %d", at).isEqualTo(ref.digest());
            // The log applies the rest, as Ratis replays it from its snapshot: entries up to the mark are skipped.
            for (int i = 0; i < log.size(); i++) {
                back.apply(new Mark(1, i + 1), log.get(i));
                if (i >= at) {
                    ref.apply(new Mark(1, i + 1), log.get(i));
                }
            }
            assertThat(back.digest()).isEqualTo(ref.digest());
            assertThat(back.applied()).isEqualTo(new Mark(1, ENTRIES));
        } finally {
            reference.close();
            recovered.close();
        }
    }
}
