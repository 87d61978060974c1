package dev.granary.storage.rocksdb;

import dev.granary.storage.StorageException;
import dev.granary.storage.command.Command;
import dev.granary.storage.command.DataId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.rocksdb.ReadOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background reclaimer: deletes the chunks of data ids queued in CF {@code gc} (old versions, discarded
 * parts, crashed uploads), each with one range tombstone and the removal of its record in one batch, so an
 * interrupted pass simply runs again. One daemon thread per store; commits that queue work wake it.
 *
 * <p>A data id's file ({@link DataFiles}) is deleted first, and its folder synced, before the batch. Range deletes
 * are invisible to older snapshots, file deletes are not, so a file waits while a snapshot older than the moment
 * its id was seen queued may read it: a snapshot not (yet) claimed by a stream, or one whose stream reads that
 * file (a GET holds the snapshot it read the metadata under until its stream closes). A long download thus holds
 * back only its own files.
 */
final class Reclaimer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reclaimer.class);
    /** Data ids per batch: bounds a batch's size and how long one partition keeps the thread. */
    private static final int BATCH = 256;
    /** How long the thread sleeps when nothing woke it: a safety net, commits wake it anyway. */
    private static final long IDLE_MILLIS = 1_000;

    private static final long ERROR_BACKOFF_MILLIS = 5_000;

    /** How often queued files waiting for old snapshots are looked at again. */
    private static final long FILE_RECHECK_MILLIS = 100;

    /** How often a partition's pending data is looked at for abandoned ids (where it is, see {@link #abandonStale}). */
    private static final long ABANDON_SCAN_MILLIS = 60_000;

    /** When each partition's pending data is next looked at; the thread's only. */
    private final Map<Partition, Long> nextAbandonScan = new HashMap<>();

    /** The partitions this node holds now (a cluster node's change as replicas move). */
    private final java.util.function.Supplier<List<Partition>> partitions;
    /**
     * The partition's latest sequence number when this reclaimer first saw each queued data id that has a file
     * (by hex id); its thread only. The id's queuing commit is at or before it.
     */
    private final Map<String, Long> firstSeen = new HashMap<>();

    private final Thread thread;
    private final Object signal = new Object();
    private boolean woken;
    private boolean stopping;

    Reclaimer(java.util.function.Supplier<List<Partition>> partitions) {
        this.partitions = partitions;
        this.thread = new Thread(this::run, "granary-reclaimer");
        thread.setDaemon(true);
    }

    /**
     * Recovery, before the store serves requests: every data id still marked pending belongs to an upload that
     * never committed (the process stopped mid-body), so it is queued for reclamation.
     *
     * @return how many data ids were queued
     */
    static int recoverPending(Partition p) {
        List<byte[]> pending = keys(p, Cf.PENDING, Integer.MAX_VALUE);
        if (!pending.isEmpty()) {
            p.write("recover pending data", batch -> {
                for (byte[] id : pending) {
                    batch.delete(p.cf(Cf.PENDING), id);
                    batch.put(p.cf(Cf.GC), id, new byte[0]);
                }
            });
        }
        return pending.size();
    }

    void start() {
        thread.start();
    }

    /**
     * Proposes the discard of every data id of {@code p} marked pending since before {@code cutoffMillis}, by the
     * time its proposer put in its first six bytes: what a proposer left that died mid-body (a node killed while it
     * received an upload) is reclaimed by every replica as the command applies. A proposer still at it past the cutoff
     * has its commit refused (the data is no longer pending), never an object whose data is gone.
     *
     * @return how many data ids were abandoned
     */
    static int abandonStale(Partition p, long cutoffMillis) {
        List<byte[]> stale = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(Cf.PENDING, options)) {
            // Ids sort by their time: the stale ones come first.
            for (it.seekToFirst(); it.isValid() && stale.size() < BATCH; it.next()) {
                byte[] id = it.key();
                if (id.length < 6 || millisOf(id) >= cutoffMillis) {
                    break;
                }
                stale.add(id);
            }
            it.check("scan " + Cf.PENDING);
        }
        for (byte[] id : stale) {
            p.propose(new Command.DiscardData(new DataId(id)));
        }
        return stale.size();
    }

    private static long millisOf(byte[] id) {
        long millis = 0;
        for (int i = 0; i < 6; i++) {
            millis = (millis << 8) | (id[i] & 0xFF);
        }
        return millis;
    }

    /** Asks for a pass soon. */
    void wakeUp() {
        synchronized (signal) {
            woken = true;
            signal.notifyAll();
        }
    }

    /** Whether no partition has data queued for reclamation. */
    boolean idle() {
        return partitions.get().stream().allMatch(p -> p.noKeyWithPrefix(Cf.GC, new byte[0]));
    }

    /** One batch of reclamation in one partition; returns the number of data ids reclaimed. */
    int reclaim(Partition p) {
        // Looks past ids whose files still wait for old snapshots, so that they cannot hold up the others.
        List<byte[]> queued = keys(p, Cf.GC, 4 * BATCH);
        List<byte[]> ids = new ArrayList<>(Math.min(BATCH, queued.size()));
        long latest = p.latestSequence();
        for (byte[] id : queued) {
            if (ids.size() == BATCH) {
                break;
            }
            if (!p.files().exists(id)) {
                ids.add(id);
                continue;
            }
            String name = HexFormat.of().formatHex(id);
            long seen = firstSeen.computeIfAbsent(name, k -> latest);
            if (!p.fileMayBeRead(id, seen)) {
                ids.add(id);
                firstSeen.remove(name);
            }
        }
        if (!ids.isEmpty()) {
            try {
                if (!p.filesBesideLog()) {
                    p.files().delete(ids); // replicas delete their own as they apply the command
                }
            } catch (IOException e) {
                throw new StorageException(StorageException.Reason.IO, "delete data files", e);
            }
            p.propose(new Command.Reclaim(ids.stream().map(DataId::new).toList()));
            // Ids come sorted and start with their creation time, so one range covers the batch's tombstones.
            p.compactRange(Cf.DATA, ids.get(0), Keys.chunkRangeEnd(ids.get(ids.size() - 1)));
        }
        return ids.size();
    }

    private static List<byte[]> keys(Partition p, Cf cf, int max) {
        List<byte[]> keys = new ArrayList<>();
        try (ReadOptions options = new ReadOptions();
                Partition.Cursor it = p.iterator(cf, options)) {
            for (it.seekToFirst(); it.isValid() && keys.size() < max; it.next()) {
                keys.add(it.key());
            }
            it.check("scan " + cf);
        }
        return keys;
    }

    private void run() {
        while (!isStopping()) {
            long waitMillis = IDLE_MILLIS;
            try {
                int reclaimed = 0;
                for (Partition p : partitions.get()) {
                    if (isStopping()) {
                        return;
                    }
                    if (p.reclaimsHere()) {
                        reclaimed += reclaim(p);
                        abandonStaleSometimes(p);
                    }
                }
                if (reclaimed > 0) {
                    continue;
                }
                if (!firstSeen.isEmpty()) {
                    // Files waiting for old snapshots: look again soon rather than at the idle interval.
                    waitMillis = FILE_RECHECK_MILLIS;
                }
            } catch (RuntimeException e) {
                // The records stay queued; a later pass retries them.
                LOG.warn("reclaiming data failed, retrying in {} ms", ERROR_BACKOFF_MILLIS, e);
                waitMillis = ERROR_BACKOFF_MILLIS;
            }
            await(waitMillis);
        }
    }

    /** At most once a minute per partition: {@link #abandonStale} where the partition asks for it. */
    private void abandonStaleSometimes(Partition p) {
        long after = p.abandonAfterMillis();
        long now = System.currentTimeMillis();
        if (after < 0 || now < nextAbandonScan.getOrDefault(p, 0L)) {
            return;
        }
        nextAbandonScan.put(p, now + ABANDON_SCAN_MILLIS);
        int abandoned = abandonStale(p, now - after);
        if (abandoned > 0) {
            LOG.info("partition {}: abandoned {} data ids pending for over {} ms", p.index(), abandoned, after);
        }
    }

    private boolean isStopping() {
        synchronized (signal) {
            return stopping;
        }
    }

    private void await(long millis) {
        synchronized (signal) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            long left = millis;
            while (!woken && !stopping && left > 0) {
                try {
                    signal.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            }
            woken = false;
        }
    }

    /** Stops the thread and waits for its current batch to finish; queued work stays for the next open. */
    @Override
    public void close() {
        synchronized (signal) {
            stopping = true;
            signal.notifyAll();
        }
        // Join even when interrupted: the partitions close right after, under the thread's feet otherwise.
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
