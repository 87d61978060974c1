package dev.granary.storage.rocksdb;

import dev.granary.storage.SystemStore;
import java.util.Map;
import java.util.function.BiConsumer;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
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
        partition.commit("write system records", batch -> {
            for (Map.Entry<String, byte[]> e : writes.entrySet()) {
                if (e.getValue() == null) {
                    batch.delete(partition.cf(Cf.SYSTEM), Keys.utf8(e.getKey()));
                } else {
                    batch.put(partition.cf(Cf.SYSTEM), Keys.utf8(e.getKey()), e.getValue());
                }
            }
        });
    }

    @Override
    public void scan(String from, String to, BiConsumer<String, byte[]> visitor) {
        byte[] end = Keys.utf8(to);
        try (Slice upper = new Slice(end);
                ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
                RocksIterator it = partition.iterator(Cf.SYSTEM, options)) {
            for (it.seek(Keys.utf8(from)); it.isValid(); it.next()) {
                byte[] key = it.key();
                visitor.accept(Keys.string(key, 0, key.length), it.value());
            }
            partition.checkStatus(it, "scan system records");
        }
    }

    byte[] get(String key) {
        return partition.get(Cf.SYSTEM, Keys.utf8(key), "read system record " + key);
    }
}
