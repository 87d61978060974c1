package dev.granary.storage.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.CompletedPart;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import dev.granary.storage.Versioning;
import dev.granary.storage.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every command survives its binary form exactly, and equal commands have equal bytes. */
class CommandCodecTest {
    private static final IdSource IDS =
            new IdSource(Clock.fixed(Instant.parse("2026-01-02T03:04:05.678901Z"), ZoneOffset.UTC), new Random(7));
    private static final ObjectKey KEY = new ObjectKey("bucket", "dir/k\u0000ey \u00e9\ud83d\ude00");
    private static final ObjectKey EMPTY_KEY = new ObjectKey("b", "");

    private static ObjectAttributes fullAttributes() {
        TreeMap<String, String> metadata = new TreeMap<>(Map.of("colour", "blue", "nul\u0000key", "v\u0000", "", ""));
        Map<String, String> checksums = new HashMap<>(Map.of("CRC32C", "AAAAAA==", "SHA256", "x"));
        return new ObjectAttributes(
                "text/plain",
                "gzip",
                "inline",
                "en",
                "no-cache",
                "tomorrow",
                metadata,
                checksums,
                "FULL_OBJECT",
                new TreeMap<>(Map.of("tag", "value")),
                new TreeMap<>(Map.of("acl", "private", "sse.algorithm", "AES256")));
    }

    private static SortedMap<String, String> sorted(String... keysAndValues) {
        TreeMap<String, String> map = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static Command.Stored stored(boolean file) {
        return new Command.Stored(new DataId(IDS.dataId()), 5L << 30, 1 << 20, file);
    }

    private static List<Command> everyCommand() {
        List<Command> commands = new ArrayList<>();
        ObjectAttributes full = fullAttributes();
        ObjectAttributes empty = ObjectAttributes.empty();
        ObjectAttributes nulls = new ObjectAttributes(null, null, null, null, null, null, null, null, null);
        WriteCondition same = new WriteCondition.SameVersion("null", "etag", 0, Long.MIN_VALUE, true, full);
        WriteCondition all = new WriteCondition.AllOf(List.of(
                WriteCondition.ifMatch("\"a\", W/\"b\", *"),
                WriteCondition.ifNoneMatch("*"),
                new WriteCondition.AllOf(List.of()),
                same));
        for (WriteCondition condition : List.of(WriteCondition.NONE, all, new WriteCondition.IfMatch(List.of()))) {
            commands.add(new Command.PutObject(
                    KEY,
                    full,
                    condition,
                    new Command.Inline(new byte[] {0, 1, -1}),
                    "d41d8cd98f00b204e9800998ecf8427e",
                    IDS.millis(),
                    IDS.micros(),
                    IDS.versionSuffix()));
        }
        commands.add(new Command.PutObject(
                EMPTY_KEY, empty, WriteCondition.NONE, new Command.Inline(new byte[0]), "", 0, 0, IDS.versionSuffix()));
        commands.add(new Command.PutObject(
                KEY, nulls, same, stored(true), "e", Long.MAX_VALUE, Long.MIN_VALUE, IDS.versionSuffix()));
        commands.add(
                new Command.PutObject(KEY, full, WriteCondition.NONE, stored(false), "e", -1, -1, IDS.versionSuffix()));
        commands.add(new Command.AppendObject(
                KEY, 0, null, full, stored(true), "e", IDS.millis(), IDS.micros(), IDS.versionSuffix()));
        commands.add(new Command.AppendObject(
                EMPTY_KEY, Long.MAX_VALUE, "", nulls, stored(false), "", -1, -1, IDS.versionSuffix()));
        commands.add(new Command.DeleteObject(
                KEY, null, WriteCondition.NONE, IDS.millis(), IDS.micros(), IDS.versionSuffix()));
        commands.add(new Command.DeleteObject(EMPTY_KEY, "null", same, 0, 0, IDS.versionSuffix()));
        commands.add(new Command.ReplaceAttributes(KEY, null, "etag", full, IDS.millis()));
        commands.add(new Command.ReplaceAttributes(EMPTY_KEY, "v\u0000", "", nulls, 0));
        commands.add(new Command.CreateUpload(KEY, IDS.uploadId(), "alice", full, IDS.millis()));
        commands.add(new Command.CreateUpload(EMPTY_KEY, "", null, empty, 0));
        commands.add(new Command.PutPart(
                KEY, IDS.uploadId(), 10_000, "etag", sorted("CRC32", "x"), sorted("sse", "y"), stored(true), 1));
        commands.add(new Command.PutPart(EMPTY_KEY, "u", 1, "", null, sorted(), stored(false), 0));
        List<CompletedPart> parts = new ArrayList<>();
        List<DataId> dataIds = new ArrayList<>();
        for (int n = 1; n <= 10_000; n++) {
            parts.add(new CompletedPart(n, "etag-" + n));
            dataIds.add(new DataId(IDS.dataId()));
        }
        commands.add(new Command.CompleteUpload(
                KEY,
                IDS.uploadId(),
                parts,
                dataIds,
                5L << 20,
                sorted("CRC32C", "x"),
                "COMPOSITE",
                sorted("sse.algorithm", "AES256"),
                IDS.millis(),
                IDS.micros(),
                IDS.versionSuffix()));
        commands.add(new Command.CompleteUpload(
                EMPTY_KEY, "u", List.of(), List.of(), 0, null, null, null, 0, 0, IDS.versionSuffix()));
        commands.add(new Command.CompleteUpload(
                EMPTY_KEY, "u", List.of(), List.of(), 0, sorted(), null, sorted(), 0, 0, IDS.versionSuffix()));
        commands.add(new Command.AbortUpload(KEY, IDS.uploadId()));
        commands.add(new Command.AbortUpload(EMPTY_KEY, ""));
        commands.add(new Command.MarkPending(new DataId(IDS.dataId()), IDS.millis()));
        commands.add(new Command.MarkPending(new DataId(new byte[16]), Long.MIN_VALUE));
        for (Versioning state : Versioning.values()) {
            commands.add(new Command.PutBucketView("bucket", 1_780_000_000_000L, state, Long.MAX_VALUE));
        }
        commands.add(new Command.PutBucketView("", Long.MIN_VALUE, Versioning.UNVERSIONED, 0));
        commands.add(new Command.DropBucketView("bucket", 1_780_000_000_000L));
        commands.add(new Command.DropBucketView("", Long.MIN_VALUE));
        commands.add(new Command.KeepNullVersion(new ObjectKey("bucket", "k\u0000ey")));
        commands.add(new Command.AbortUploads("bucket"));
        commands.add(new Command.Reclaim(List.of()));
        commands.add(new Command.Reclaim(List.of(new DataId(new byte[IdSource.DATA_ID_LENGTH]))));
        commands.add(new Command.CorrectUsage("bucket", List.of(1L, -2L, Long.MIN_VALUE, 0L)));
        commands.add(new Command.CorrectUsage("", List.of()));
        DataId chunked = new DataId(new byte[IdSource.DATA_ID_LENGTH]);
        commands.add(new Command.WriteChunk(chunked, 0, new byte[] {1, 2, 3, 4, 5}));
        commands.add(new Command.WriteChunk(chunked, Integer.MAX_VALUE, new byte[0]));
        // A file chunk as proposed (its bytes last), and as the log keeps it (no bytes).
        Command.WriteFileChunk fileChunk = Command.WriteFileChunk.of(chunked, 3, 1 << 20, new byte[] {9, 8, 7, 6, 5});
        commands.add(fileChunk);
        commands.add(fileChunk.header());
        commands.add(new Command.DiscardData(chunked));
        byte[] zeroKey = {0, 'k', 0};
        commands.add(Command.WriteRecords.of(List.of()));
        commands.add(new Command.WriteRecords(
                List.of(new Command.SmallRecord(
                        Command.RecordTable.BUCKETS, "b".getBytes(StandardCharsets.UTF_8), null)),
                List.of(
                        new Command.SmallRecord(Command.RecordTable.BUCKETS, zeroKey, new byte[0]),
                        new Command.SmallRecord(
                                Command.RecordTable.SYSTEM, "iam/u".getBytes(StandardCharsets.UTF_8), null)),
                List.of(new Command.SmallRecord(Command.RecordTable.BUCKET_CONFIG, zeroKey, null))));
        return commands;
    }

    @Test
    void everyCommandRoundTripsToAnEqualCommandAndTheSameBytes() {
        List<Command> commands = everyCommand();
        assertThat(commands.stream().map(Object::getClass).distinct())
                .as("one of each record at least")
                .hasSize(Command.class.getPermittedSubclasses().length);
        for (Command command : commands) {
            byte[] bytes = CommandCodec.encode(command);
            assertThat(bytes[0]).isEqualTo(CommandCodec.FORMAT);
            Command decoded = CommandCodec.decode(bytes);
            assertThat(decoded).as(command.getClass().getSimpleName()).isEqualTo(command);
            assertThat(CommandCodec.encode(decoded)).isEqualTo(bytes);
        }
    }

    @Test
    void everyKindOfResultRoundTrips() {
        List<CommandResult> results = List.of(
                CommandResult.APPLIED,
                CommandResult.SKIPPED,
                CommandResult.applied("0000000001a2b3c4dEFGHIJKLMNOPQRSTUVWX", true, 1_777_000_000_123L),
                CommandResult.applied("null", false, 1),
                CommandResult.partsChanged("part 3 was uploaded again"),
                CommandResult.refused(new StorageException(StorageException.Reason.PRECONDITION_FAILED, "k\u0000é")));
        for (CommandResult result : results) {
            assertThat(CommandCodec.decodeResult(CommandCodec.encode(result))).isEqualTo(result);
        }
        assertThatThrownBy(() -> CommandCodec.decodeResult(new byte[] {CommandCodec.FORMAT}))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] longer = Arrays.copyOf(CommandCodec.encode(CommandResult.APPLIED), 40);
        assertThatThrownBy(() -> CommandCodec.decodeResult(longer)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mapsEncodeInKeyOrderWhateverOrderTheyCameIn() {
        Map<String, String> checksums = new HashMap<>();
        for (int i = 0; i < 50; i++) {
            checksums.put("algorithm-" + i, "v" + i);
        }
        ObjectAttributes a = new ObjectAttributes(null, null, null, null, null, null, null, checksums, null);
        ObjectAttributes b =
                new ObjectAttributes(null, null, null, null, null, null, null, new TreeMap<>(checksums), null);
        Command.CreateUpload first = new Command.CreateUpload(KEY, "u", "o", a, 1);
        Command.CreateUpload second = new Command.CreateUpload(KEY, "u", "o", b, 1);

        assertThat(CommandCodec.encode(first)).isEqualTo(CommandCodec.encode(second));
    }

    @Test
    void aNullMapStaysNullAndAnEmptyOneEmpty() {
        ObjectAttributes nulls = new ObjectAttributes(null, null, null, null, null, null, null, null, null);
        ObjectAttributes empties =
                new ObjectAttributes(null, null, null, null, null, null, new TreeMap<>(), new HashMap<>(), null);
        Command.CreateUpload withNulls = (Command.CreateUpload)
                CommandCodec.decode(CommandCodec.encode(new Command.CreateUpload(KEY, "u", "o", nulls, 1)));
        Command.CreateUpload withEmpties = (Command.CreateUpload)
                CommandCodec.decode(CommandCodec.encode(new Command.CreateUpload(KEY, "u", "o", empties, 1)));

        assertThat(withNulls.attributes().userMetadata()).isNull();
        assertThat(withNulls.attributes().checksums()).isNull();
        assertThat(withEmpties.attributes().userMetadata()).isEmpty();
        assertThat(withEmpties.attributes().checksums()).isEmpty();
    }

    @Test
    void anUnknownFormatATruncatedCommandAndTrailingBytesAreRefused() {
        byte[] bytes = CommandCodec.encode(new Command.AbortUpload(KEY, "u"));

        byte[] otherFormat = bytes.clone();
        otherFormat[0] = 2;
        assertThatThrownBy(() -> CommandCodec.decode(otherFormat))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format 2");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 bytes after");
        byte[] unknownTag = bytes.clone();
        unknownTag[1] = 99;
        assertThatThrownBy(() -> CommandCodec.decode(unknownTag))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown command 99");
    }

    @Test
    void aSeededIdSourceGivesTheSameIdsAndTheClocksTime() {
        IdSource a = new IdSource(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC), new Random(1));
        IdSource b = new IdSource(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_123L), ZoneOffset.UTC), new Random(1));

        assertThat(a.versionSuffix()).isEqualTo(b.versionSuffix()).hasSize(IdSource.SUFFIX_LENGTH);
        assertThat(a.dataId()).isEqualTo(b.dataId());
        assertThat(a.uploadId()).isEqualTo(b.uploadId()).startsWith("0018bcfe5687b00000001");
        assertThat(a.millis()).isEqualTo(1_700_000_000_123L);
        assertThat(a.micros()).isEqualTo(1_700_000_000_123_000L);
        assertThat(Arrays.copyOf(a.dataId(), 6))
                .isEqualTo(new byte[] {0x01, (byte) 0x8b, (byte) 0xcf, (byte) 0xe5, 0x68, 0x7b});
    }
}
