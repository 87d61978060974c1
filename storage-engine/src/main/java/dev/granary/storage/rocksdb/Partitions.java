package dev.granary.storage.rocksdb;

import dev.granary.storage.ObjectKey;
import dev.granary.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The P partitions of a store and the placement of records on them. The partition count is fixed when the data
 * directory is created and stored in its manifest ({@code granary.properties}), because the placement of every
 * object depends on it; opening with another count fails rather than losing objects.
 */
final class Partitions implements AutoCloseable {
    static final String MANIFEST = "granary.properties";
    private static final String FORMAT = "1";

    private final SharedResources shared;
    /**
     * Each partition, local or remote: in a cluster a slot changes when a replica moves off this node ({@link
     * #replace}); each request reads the slot once.
     */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Partition> slots;
    /**
     * Whether partition 0 holds the cluster's catalog (bucket records and documents, system records) and no objects:
     * a cluster's layout, where every node holds partition 0 and objects spread over the others.
     */
    private final boolean catalogApart;

    private Partitions(SharedResources shared, List<Partition> partitions, boolean catalogApart) {
        this.shared = shared;
        this.slots = new java.util.concurrent.atomic.AtomicReferenceArray<>(partitions.toArray(Partition[]::new));
        this.catalogApart = catalogApart && partitions.size() > 1;
    }

    static Partitions open(Path dataDir, EngineOptions options) {
        checkManifest(dataDir, options.partitions());
        NativeLibrary.load(dataDir);
        SharedResources shared = new SharedResources();
        // Opening a partition replays its WAL and reads its manifest: mostly waiting on the disk and on one
        // core each, so partitions open in parallel, which is what keeps start-up short.
        ExecutorService pool = Executors.newFixedThreadPool(
                Math.min(options.partitions(), Math.max(2, Runtime.getRuntime().availableProcessors())));
        List<Future<Partition>> futures = new ArrayList<>();
        for (int i = 0; i < options.partitions(); i++) {
            int index = i;
            Path dir = dataDir.resolve("partitions").resolve(String.format("%03d", i));
            futures.add(pool.submit(() -> Partition.open(index, dir, shared, options.syncWrites())));
        }
        pool.shutdown();
        List<Partition> opened = new ArrayList<>();
        RuntimeException failure = null;
        for (Future<Partition> f : futures) {
            try {
                opened.add(f.get());
            } catch (ExecutionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r
                        ? r
                        : new IllegalStateException("opening a partition failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = failure != null ? failure : new IllegalStateException("interrupted while opening", e);
            }
        }
        if (failure != null) {
            opened.forEach(Partition::close);
            shared.close();
            throw failure;
        }
        return new Partitions(shared, opened, false);
    }

    /**
     * Partitions opened and closed by someone else (a cluster node's replicas, which its Raft groups own): closing
     * these closes nothing.
     */
    static Partitions borrowed(List<Partition> partitions) {
        return new Partitions(null, partitions, false);
    }

    /**
     * A cluster node's partitions, held here or remote ({@link Partition#remote}), opened and closed by its Raft
     * groups: partition 0 holds the catalog and every other partition objects ({@link #catalogApart}).
     */
    static Partitions clustered(List<Partition> partitions) {
        return new Partitions(null, partitions, true);
    }

    /** The partition that owns the object and the uploads and parts of its key. */
    Partition forObject(ObjectKey key) {
        int hash = Keys.objectHash(key.bucket(), key.key());
        return catalogApart ? slots.get(1 + hash % (slots.length() - 1)) : slots.get(hash % slots.length());
    }

    /** The partition that owns the bucket's record. */
    Partition forBucket(String bucket) {
        return catalogApart ? slots.get(0) : slots.get(Keys.hash(Keys.utf8(bucket)) % slots.length());
    }

    /** Every partition, in index order, held here or not, as the slots are now. */
    List<Partition> all() {
        Partition[] now = new Partition[slots.length()];
        for (int i = 0; i < now.length; i++) {
            now[i] = slots.get(i);
        }
        return List.of(now);
    }

    /** The partitions bucket records may be in: partition 0 where it holds the catalog apart, else all. */
    List<Partition> catalog() {
        return catalogApart ? List.of(slots.get(0)) : all();
    }

    /** The partitions this process holds a replica of now (all of a standalone store's). */
    List<Partition> held() {
        return all().stream().filter(p -> !p.isRemote()).toList();
    }

    /**
     * Puts {@code next} in partition {@code next.index()}'s slot (a cluster node's replica moved off it, and the
     * partition is remote from now on) and returns what was there: requests that took it already finish on it.
     */
    Partition replace(Partition next) {
        if (shared != null) {
            throw new IllegalStateException("a standalone store's partitions do not move");
        }
        return slots.getAndSet(next.index(), next);
    }

    static java.util.OptionalInt stored(Path dataDir) {
        Path manifest = dataDir.resolve(MANIFEST);
        if (!Files.exists(manifest)) {
            return java.util.OptionalInt.empty();
        }
        Properties stored = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            stored.load(in);
            return java.util.OptionalInt.of(
                    Integer.parseInt(stored.getProperty("partitions", "").trim()));
        } catch (IOException | NumberFormatException e) {
            throw new StorageException(StorageException.Reason.IO, "cannot read " + manifest, e);
        }
    }

    private static void checkManifest(Path dataDir, int partitions) {
        Path manifest = dataDir.resolve(MANIFEST);
        try {
            Files.createDirectories(dataDir);
            if (Files.exists(manifest)) {
                Properties stored = new Properties();
                try (InputStream in = Files.newInputStream(manifest)) {
                    stored.load(in);
                }
                String storedCount = stored.getProperty("partitions");
                if (!FORMAT.equals(stored.getProperty("format"))) {
                    throw new IllegalStateException(
                            manifest + ": unknown format " + stored.getProperty("format") + ", expected " + FORMAT);
                }
                if (!String.valueOf(partitions).equals(storedCount)) {
                    throw new IllegalArgumentException(dataDir + " was created with " + storedCount
                            + " partitions but the options ask for " + partitions
                            + "; objects are placed by the partition count, so it cannot change");
                }
                return;
            }
            Properties props = new Properties();
            props.setProperty("format", FORMAT);
            props.setProperty("partitions", String.valueOf(partitions));
            Path tmp = dataDir.resolve(MANIFEST + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                props.store(out, "Granary data directory: do not edit");
            }
            Files.move(tmp, manifest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException(StorageException.Reason.IO, "cannot read or write " + manifest, e);
        }
    }

    /** Closes every partition, then the resources they share. */
    @Override
    public void close() {
        if (shared == null) {
            return; // borrowed
        }
        RuntimeException failure = null;
        for (Partition p : all()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        shared.close();
        if (failure != null) {
            throw failure;
        }
    }
}
