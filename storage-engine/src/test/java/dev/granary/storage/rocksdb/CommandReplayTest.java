package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.CommandCodec;
import dev.granary.storage.command.DataId;
import dev.granary.storage.command.IdSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying the same commands in the same order to two fresh partitions leaves them equal, column family by column
 * family ({@link PartitionService#digest}), refusals included: nothing in apply reads a clock, a random generator or
 * anything but the command and the partition. The commands come from a seeded {@link IdSource}, so the workload
 * itself is the same each time it is built.
 */
class CommandReplayTest {
    private static final String BUCKET = "bucket";
    private static final int CHUNK = 1024;

    @TempDir
    Path dir;

    /** A step of the workload: a command applied, or body bytes written before one. */
    private sealed interface Step permits Apply, WriteChunk {}

    private record Apply(Command command) implements Step {}

    /** Body transport in standalone mode: chunks land in CF {@code data} before the command that claims them. */
    @SuppressWarnings("ArrayRecordComponent") // a step to replay, never compared or hashed
    private record WriteChunk(DataId dataId, byte[] bytes) implements Step {}

    private static IdSource ids(long seed) {
        // A fixed clock: every write proposes the same time, so apply's "later than the newest" rule does the work.
        return new IdSource(Clock.fixed(Instant.parse("2026-05-01T00:00:00Z"), ZoneOffset.UTC), new Random(seed));
    }

    private static ObjectKey key(String key) {
        return new ObjectKey(BUCKET, key);
    }

    private static String md5Hex(byte[] bytes) {
        return HexFormat.of().formatHex(BodyWriter.md5().digest(bytes));
    }

    private static Command put(IdSource ids, String key, byte[] bytes, WriteCondition condition) {
        return new Command.PutObject(
                key(key),
                ObjectAttributes.empty(),
                condition,
                new Command.Inline(bytes),
                md5Hex(bytes),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix());
    }

    private static Command delete(IdSource ids, String key, String versionId, WriteCondition condition) {
        return new Command.DeleteObject(
                key(key), versionId, condition, ids.millis(), ids.micros(), ids.versionSuffix());
    }

    /** Marks a fresh data id pending and writes {@code bytes} as its one chunk; returns the id. */
    private static Command.Stored body(IdSource ids, List<Step> steps, byte[] bytes) {
        DataId id = new DataId(ids.dataId());
        steps.add(new Apply(new Command.MarkPending(id, ids.millis())));
        steps.add(new WriteChunk(id, bytes));
        return new Command.Stored(id, bytes.length, CHUNK, false);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Versioning never enabled, then enabled, then suspended; overwrites within one millisecond, conditional
     * writes that pass and that are refused, a legacy object turned null version, delete markers, a multipart
     * upload with a part uploaded again (and a completion that read the old one, refused), an abort. The state comes
     * from bucket views, sent out of order once; a command before the first view and after the drop is refused.
     */
    private static List<Step> workload(long seed) {
        IdSource ids = ids(seed);
        List<Step> steps = new ArrayList<>();
        long incarnation = ids.millis();
        steps.add(new Apply(put(ids, "a", bytes("none"), WriteCondition.NONE))); // refused: no view of the bucket
        steps.add(new Apply(view(incarnation, Versioning.UNVERSIONED, 1)));
        steps.add(new Apply(put(ids, "a", bytes("one"), WriteCondition.NONE)));
        steps.add(new Apply(put(ids, "a", bytes("two"), WriteCondition.ifMatch("\"" + md5Hex(bytes("one")) + "\""))));
        steps.add(new Apply(put(ids, "a", bytes("three"), WriteCondition.ifNoneMatch("*")))); // refused
        byte[] large = new byte[CHUNK];
        new Random(seed).nextBytes(large);
        Command.Stored stored = body(ids, steps, large);
        steps.add(new Apply(new Command.PutObject(
                key("b"),
                ObjectAttributes.empty(),
                WriteCondition.NONE,
                stored,
                md5Hex(large),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix())));
        steps.add(new Apply(put(ids, "legacy", bytes("old"), WriteCondition.NONE)));
        steps.add(new Apply(delete(ids, "b", null, WriteCondition.ifMatch("\"" + md5Hex(large) + "\""))));
        steps.add(new Apply(new Command.ReplaceAttributes(
                key("a"),
                null,
                md5Hex(bytes("two")),
                ObjectAttributes.empty().withTags(new TreeMap<>(Map.of("t", "v"))),
                ids.millis())));

        steps.add(new Apply(view(incarnation, Versioning.ENABLED, 3)));
        steps.add(new Apply(view(incarnation, Versioning.UNVERSIONED, 2))); // ignored: an older epoch
        steps.add(new Apply(put(ids, "legacy", bytes("new"), WriteCondition.NONE))); // legacy -> null version
        steps.add(new Apply(put(ids, "c", bytes("c1"), WriteCondition.NONE)));
        steps.add(new Apply(put(ids, "c", bytes("c2"), WriteCondition.NONE)));
        steps.add(new Apply(delete(ids, "c", null, WriteCondition.NONE))); // a delete marker
        steps.add(new Apply(delete(ids, "a", null, WriteCondition.NONE))); // legacy "a" kept as null version
        steps.add(new Apply(delete(ids, "legacy", "null", WriteCondition.NONE)));
        steps.add(new Apply(delete(ids, "c", "nonsense", WriteCondition.NONE))); // refused: bad version id

        String uploadId = ids.uploadId();
        steps.add(new Apply(
                new Command.CreateUpload(key("m"), uploadId, "alice", ObjectAttributes.empty(), ids.millis())));
        byte[] p1 = bytes("part one");
        byte[] p1Again = bytes("part one, again");
        byte[] p2 = bytes("part two");
        Command.Stored first = body(ids, steps, p1);
        steps.add(new Apply(part(ids, uploadId, 1, p1, first)));
        Command.Stored second = body(ids, steps, p2);
        steps.add(new Apply(part(ids, uploadId, 2, p2, second)));
        Command.Stored again = body(ids, steps, p1Again);
        steps.add(new Apply(part(ids, uploadId, 1, p1Again, again)));
        List<CompletedPart> parts = List.of(new CompletedPart(1, md5Hex(p1Again)), new CompletedPart(2, md5Hex(p2)));
        // Read before part 1 was uploaded again: refused, and nothing written.
        steps.add(new Apply(complete(ids, uploadId, parts, List.of(first.dataId(), second.dataId()))));
        steps.add(new Apply(complete(ids, uploadId, parts, List.of(again.dataId(), second.dataId()))));
        String aborted = ids.uploadId();
        steps.add(
                new Apply(new Command.CreateUpload(key("n"), aborted, "bob", ObjectAttributes.empty(), ids.millis())));
        Command.Stored lonely = body(ids, steps, p2);
        steps.add(new Apply(part(ids, aborted, 1, p2, lonely)));
        steps.add(new Apply(new Command.AbortUpload(key("n"), aborted)));

        steps.add(new Apply(view(incarnation, Versioning.SUSPENDED, 4)));
        steps.add(new Apply(put(ids, "d", bytes("d1"), WriteCondition.NONE)));
        steps.add(new Apply(put(ids, "d", bytes("d2"), WriteCondition.NONE))); // replaces null version
        steps.add(new Apply(delete(ids, "d", null, WriteCondition.NONE)));
        steps.add(new Apply(new Command.DropBucketView(BUCKET, incarnation - 1))); // ignored: another incarnation
        steps.add(new Apply(put(ids, "e", bytes("e"), WriteCondition.NONE)));
        steps.add(new Apply(new Command.DropBucketView(BUCKET, incarnation)));
        steps.add(new Apply(put(ids, "e", bytes("e2"), WriteCondition.NONE))); // refused: the view is gone
        steps.add(new Apply(view(incarnation + 1, Versioning.UNVERSIONED, 5))); // the bucket made again
        steps.add(new Apply(put(ids, "f", bytes("f"), WriteCondition.NONE)));
        return steps;
    }

    private static Command view(long incarnation, Versioning state, long epoch) {
        return new Command.PutBucketView(BUCKET, incarnation, state, epoch);
    }

    private static Command part(IdSource ids, String uploadId, int number, byte[] bytes, Command.Stored body) {
        return new Command.PutPart(key("m"), uploadId, number, md5Hex(bytes), null, null, body, ids.millis());
    }

    private static Command complete(IdSource ids, String uploadId, List<CompletedPart> parts, List<DataId> dataIds) {
        return new Command.CompleteUpload(
                key("m"),
                uploadId,
                parts,
                dataIds,
                0,
                null,
                null,
                new TreeMap<>(Map.of("from", "parts")),
                ids.millis(),
                ids.micros(),
                ids.versionSuffix());
    }

    /** Applies the steps to a fresh one-partition store in {@code folder}; returns the outcomes and the digest. */
    private static List<String> replay(Path folder, List<Step> steps) {
        List<String> outcomes = new ArrayList<>();
        try (Partitions partitions = Partitions.open(folder, new EngineOptions(1, true, CHUNK, CHUNK))) {
            Partition p = partitions.all().get(0);
            PartitionService service = new PartitionService(p);
            for (Step step : steps) {
                if (step instanceof WriteChunk chunk) {
                    byte[] value = Chunks.encode(chunk.bytes(), chunk.bytes().length);
                    p.write(
                            "chunk",
                            batch -> Chunks.putChunk(batch, p, chunk.dataId().bytes(), 0, value));
                    continue;
                }
                Apply apply = (Apply) step;
                try {
                    PartitionService.Applied applied = service.apply(apply.command());
                    outcomes.add(
                            applied.record() == null
                                    ? "ok"
                                    : "ok " + applied.record().versionId());
                } catch (StorageException e) {
                    outcomes.add(e.reason().name());
                } catch (PartitionService.PartsChanged e) {
                    outcomes.add("parts changed");
                }
            }
            outcomes.add(service.digest());
        }
        return outcomes;
    }

    @Test
    void theSameCommandsLeaveTwoFreshPartitionsEqual() {
        List<Step> steps = workload(42);

        List<String> first = replay(dir.resolve("first"), steps);
        List<String> second = replay(dir.resolve("second"), steps);

        assertThat(second).isEqualTo(first);
        assertThat(first)
                .contains("PRECONDITION_FAILED", "INVALID_VERSION_ID", "parts changed")
                .containsSubsequence("NO_SUCH_BUCKET", "ok", "NO_SUCH_BUCKET")
                .filteredOn(o -> o.startsWith("ok "))
                .as("version ids were made")
                .isNotEmpty();
    }

    @Test
    void aSeededWorkloadIsTheSameCommandsAndAnotherSeedLeavesAnotherState() {
        List<byte[]> once = encoded(workload(7));
        List<byte[]> twice = encoded(workload(7));
        assertThat(twice).containsExactlyElementsOf(once);

        List<String> seven = replay(dir.resolve("seven"), workload(7));
        List<String> eight = replay(dir.resolve("eight"), workload(8));
        assertThat(eight.get(eight.size() - 1))
                .as("the digest sees the ids the proposer chose")
                .isNotEqualTo(seven.get(seven.size() - 1));
    }

    private static List<byte[]> encoded(List<Step> steps) {
        List<byte[]> bytes = new ArrayList<>();
        for (Step step : steps) {
            bytes.add(step instanceof Apply apply ? CommandCodec.encode(apply.command()) : ((WriteChunk) step).bytes());
        }
        return bytes;
    }
}
