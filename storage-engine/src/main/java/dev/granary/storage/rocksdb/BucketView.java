package dev.granary.storage.rocksdb;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.Versioning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/**
 * What one partition knows of a bucket, in its CF {@code bucket_view}: the only place its commands learn whether
 * the bucket exists and what its versioning state is. Written by {@code PutBucketView} and removed by {@code
 * DropBucketView} ({@link PartitionService}), so every replica of a partition sees a change of versioning at the
 * same point among its object commands.
 *
 * @param incarnation which creation of the bucket under its name (standalone: its creation time in milliseconds)
 * @param versioning its versioning state
 * @param versioningEpoch increases with every change; a view with an older epoch than the stored one is ignored
 */
record BucketView(long incarnation, Versioning versioning, long versioningEpoch) {
    BucketView {
        Objects.requireNonNull(versioning, "versioning");
    }

    /** The view the bucket records of a store imply (epoch aside). */
    static BucketView of(BucketInfo info, long versioningEpoch) {
        return new BucketView(info.created().toEpochMilli(), info.versioning(), versioningEpoch);
    }

    /** The partition's view of {@code bucket}, or null. */
    static BucketView read(Partition p, String bucket) {
        byte[] value = p.get(Cf.BUCKET_VIEW, Keys.utf8(bucket), "read the view of bucket " + bucket);
        return value == null ? null : decode(bucket, value);
    }

    byte[] encode() {
        return Codec.encode(out -> {
            out.writeLong(incarnation);
            out.writeByte(Buckets.versioningCode(versioning));
            out.writeLong(versioningEpoch);
        });
    }

    static BucketView decode(String bucket, byte[] value) {
        return Codec.decode(
                value,
                "view of bucket " + bucket,
                in -> new BucketView(in.readLong(), Buckets.versioning(in.readUnsignedByte()), in.readLong()));
    }

    /**
     * Makes the partition's views agree with the bucket records, before it serves requests: a folder written before
     * views has none, and a crash can stop a bucket's creation, deletion or change of versioning after some
     * partitions' views were written. A missing or different view is written anew (with an epoch past the newest
     * any partition holds for the bucket, so a late copy of an older view cannot win over it), a view of a bucket
     * without a record is removed; all in one batch, so the partition holds the old views or the new ones. Running
     * it again changes nothing.
     *
     * @param buckets every bucket record of the store
     * @param newestEpochs the newest epoch of each bucket's views over all partitions ({@link #newestEpochs})
     * @return how many views were written or removed
     */
    static int upgrade(Partition p, List<BucketInfo> buckets, Map<String, Long> newestEpochs) {
        Map<String, BucketView> stored = scan(p);
        List<byte[]> removed = new ArrayList<>();
        Map<String, BucketView> written = new TreeMap<>();
        for (BucketInfo info : buckets) {
            BucketView view = stored.remove(info.name());
            if (view == null
                    || view.incarnation() != info.created().toEpochMilli()
                    || view.versioning() != info.versioning()) {
                written.put(info.name(), of(info, newestEpochs.getOrDefault(info.name(), 0L) + 1));
            }
        }
        stored.keySet().forEach(bucket -> removed.add(Keys.utf8(bucket)));
        if (written.isEmpty() && removed.isEmpty()) {
            return 0;
        }
        p.commit("write bucket views", batch -> {
            for (Map.Entry<String, BucketView> e : written.entrySet()) {
                batch.put(
                        p.cf(Cf.BUCKET_VIEW),
                        Keys.utf8(e.getKey()),
                        e.getValue().encode());
            }
            for (byte[] key : removed) {
                batch.delete(p.cf(Cf.BUCKET_VIEW), key);
            }
        });
        return written.size() + removed.size();
    }

    /** The newest epoch of each bucket's views over {@code partitions}. */
    static Map<String, Long> newestEpochs(List<Partition> partitions) {
        Map<String, Long> newest = new HashMap<>();
        for (Partition p : partitions) {
            scan(p).forEach((bucket, view) -> newest.merge(bucket, view.versioningEpoch(), Math::max));
        }
        return newest;
    }

    private static Map<String, BucketView> scan(Partition p) {
        Map<String, BucketView> views = new HashMap<>();
        try (ReadOptions options = new ReadOptions();
                RocksIterator it = p.iterator(Cf.BUCKET_VIEW, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String bucket = Keys.string(it.key(), 0, it.key().length);
                views.put(bucket, decode(bucket, it.value()));
            }
            p.checkStatus(it, "scan bucket views");
        }
        return views;
    }
}
