package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.SystemStore;
import dev.granary.storage.command.Command;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.Slice;

/** The {@link SystemStore} in CF {@code system} of partition 0: small records written with synced commits. */
final class SystemRecords implements SystemStore {
    private final Partition partition;

    SystemRecords(Partition partition) {
        this.partition = partition;
    }

    @Override
    public void apply(Map<String, byte[]> writes) {
        if (writes.isEmpty()) {
            return;
        }
        partition.propose(Command.WriteRecords.of(records(writes)));
    }

    @Override
    public boolean apply(Map<String, byte[]> expected, Map<String, byte[]> writes) {
        try {
            partition.propose(new Command.WriteRecords(records(expected), records(writes), List.of()));
            return true;
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.PRECONDITION_FAILED) {
                return false;
            }
            throw e;
        }
    }

    private static List<Command.SmallRecord> records(Map<String, byte[]> records) {
        List<Command.SmallRecord> list = new ArrayList<>(records.size());
        for (Map.Entry<String, byte[]> e : records.entrySet()) {
            list.add(new Command.SmallRecord(Command.RecordTable.SYSTEM, Keys.utf8(e.getKey()), e.getValue()));
        }
        return list;
    }

    @Override
    public void scan(String from, String to, BiConsumer<String, byte[]> visitor) {
        byte[] end = Keys.utf8(to);
        try (Slice upper = new Slice(end);
                ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
                Partition.Cursor it = partition.iterator(Cf.SYSTEM, options)) {
            for (it.seek(Keys.utf8(from)); it.isValid(); it.next()) {
                byte[] key = it.key();
                visitor.accept(Keys.string(key, 0, key.length), it.value());
            }
            it.check("scan system records");
        }
    }

    byte[] get(String key) {
        return partition.get(Cf.SYSTEM, Keys.utf8(key), "read system record " + key);
    }
}
