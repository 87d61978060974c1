package dev.granary.storage.rocksdb;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.rocksdb.ReadOptions;
import org.rocksdb.Slice;

/**
 * A k-way merge of one column family's iterators over all partitions, limited to keys that start with a
 * prefix: yields the union of their keys in bytewise order. Each key lives in exactly one partition, so there
 * are no duplicates to resolve. Owns its native objects: close it.
 */
final class MergedCursor implements AutoCloseable {

    /** One partition's iterator and its current key (cached: {@code key()} copies from native memory). */
    private static final class Source {
        final ReadOptions options;
        final Slice upperBound;
        final Partition.Cursor iterator;
        byte[] key;

        Source(Partition partition, Cf cf, byte[] upper) {
            this.options = new ReadOptions();
            this.upperBound = upper == null ? null : new Slice(upper);
            if (upperBound != null) {
                // The bound lets RocksDB stop at the prefix's end instead of walking into later keys/tombstones.
                options.setIterateUpperBound(upperBound);
            }
            this.iterator = partition.iterator(cf, options);
        }

        void refresh(String what) {
            if (iterator.isValid()) {
                key = iterator.key();
            } else {
                iterator.check(what);
                key = null;
            }
        }

        void close() {
            iterator.close();
            options.close();
            if (upperBound != null) {
                upperBound.close();
            }
        }
    }

    private final List<Source> sources = new ArrayList<>();
    private final PriorityQueue<Source> heap = new PriorityQueue<>(Comparator.comparing(s -> s.key, Keys::compare));
    private final String what;

    /** A cursor over the keys of {@code cf} that start with {@code prefix}, unpositioned until a seek. */
    MergedCursor(List<Partition> partitions, Cf cf, byte[] prefix, String what) {
        this.what = what;
        byte[] upper = Keys.prefixSuccessor(prefix);
        try {
            for (Partition p : partitions) {
                sources.add(new Source(p, cf, upper));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Positions every iterator at its first key at or after {@code target}. */
    void seek(byte[] target) {
        heap.clear();
        for (Source s : sources) {
            s.iterator.seek(target);
            s.refresh(what);
            if (s.key != null) {
                heap.add(s);
            }
        }
    }

    /**
     * Moves every iterator still before {@code target} to its first key at or after it, leaving the others
     * alone: how listing jumps over all keys of a common prefix instead of reading them.
     */
    void seekForward(byte[] target) {
        List<Source> behind = new ArrayList<>();
        while (!heap.isEmpty() && Keys.compare(heap.peek().key, target) < 0) {
            behind.add(heap.poll());
        }
        for (Source s : behind) {
            s.iterator.seek(target);
            s.refresh(what);
            if (s.key != null) {
                heap.add(s);
            }
        }
    }

    boolean isValid() {
        return !heap.isEmpty();
    }

    byte[] key() {
        return heap.element().key;
    }

    byte[] value() {
        return heap.element().iterator.value();
    }

    void next() {
        Source s = heap.poll();
        s.iterator.next();
        s.refresh(what);
        if (s.key != null) {
            heap.add(s);
        }
    }

    /** Makes the cursor invalid: nothing after the current position is wanted. */
    void exhaust() {
        heap.clear();
    }

    @Override
    public void close() {
        heap.clear();
        sources.forEach(Source::close);
    }
}
