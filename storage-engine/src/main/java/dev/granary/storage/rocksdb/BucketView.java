package dev.granary.storage.rocksdb;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.Versioning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;

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
     * Makes the partitions' views agree with the bucket records, before the store serves requests: a folder written
     * before views has none, and a crash can stop a bucket's creation, deletion or change of versioning after some
     * partitions' views were written. A bucket whose views are not all the same, and of its record's incarnation and
     * versioning state, gets its view written anew in every partition, with an epoch past the newest any partition
     * holds for it (so a later change, whose epoch is past that, reaches every partition); a view of a bucket
     * without a record is removed. One batch per partition; running it again changes nothing.
     *
     * @param buckets every bucket record of the store
     * @return how many views were written or removed
     */
    static int repair(List<Partition> partitions, List<BucketInfo> buckets) {
        List<Map<String, BucketView>> stored = new ArrayList<>();
        for (Partition p : partitions) {
            stored.add(scan(p));
        }
        Map<String, BucketView> written = new TreeMap<>();
        Set<String> names = new HashSet<>();
        for (BucketInfo info : buckets) {
            names.add(info.name());
            BucketView first = stored.get(0).get(info.name());
            boolean agree = first != null
                    && first.equals(of(info, first.versioningEpoch()))
                    && stored.stream().allMatch(views -> first.equals(views.get(info.name())));
            if (!agree) {
                written.put(info.name(), of(info, newestStored(stored, info.name()) + 1));
            }
        }
        int changed = 0;
        for (int i = 0; i < partitions.size(); i++) {
            Partition p = partitions.get(i);
            List<byte[]> removed = new ArrayList<>();
            stored.get(i).keySet().stream()
                    .filter(bucket -> !names.contains(bucket))
                    .sorted()
                    .forEach(bucket -> removed.add(Keys.utf8(bucket)));
            if (written.isEmpty() && removed.isEmpty()) {
                continue;
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
            changed += written.size() + removed.size();
        }
        return changed;
    }

    /** The newest epoch of the bucket's views over {@code partitions}, 0 when none has one. */
    static long newestEpoch(List<Partition> partitions, String bucket) {
        long newest = 0;
        for (Partition p : partitions) {
            BucketView view = read(p, bucket);
            if (view != null) {
                newest = Math.max(newest, view.versioningEpoch());
            }
        }
        return newest;
    }

    private static long newestStored(List<Map<String, BucketView>> stored, String bucket) {
        long newest = 0;
        for (Map<String, BucketView> views : stored) {
            BucketView view = views.get(bucket);
            if (view != null) {
                newest = Math.max(newest, view.versioningEpoch());
            }
        }
        return newest;
    }

    private static Map<String, BucketView> scan(Partition p) {
        Map<String, BucketView> views = new HashMap<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.BUCKET_VIEW, options)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                String bucket = Keys.string(it.key(), 0, it.key().length);
                views.put(bucket, decode(bucket, it.value()));
            }
            it.check("scan bucket views");
        }
        return views;
    }
}
