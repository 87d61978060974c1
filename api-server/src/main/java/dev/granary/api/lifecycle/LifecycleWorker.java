package dev.granary.api.lifecycle;

import dev.granary.storage.BucketInfo;
import dev.granary.storage.MultipartUpload;
import dev.granary.storage.ObjectMeta;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.ObjectVersion;
import dev.granary.storage.StorageException;
import dev.granary.storage.SystemStore;
import dev.granary.storage.UploadListing;
import dev.granary.storage.VersionPage;
import dev.granary.storage.WriteCondition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out buckets' lifecycle rules: expires current versions (a delete, so a versioned bucket gets a delete
 * marker), removes noncurrent versions past their days (keeping the newer ones asked for), removes delete markers
 * left alone, and aborts multipart uploads in progress too long.
 *
 * <p>A pass goes over every bucket with a configuration, in name order, key by key, as of the time it started.
 * Its progress (that time, the bucket, the phase and the last key done) is written to the system records after
 * each key group, so a pass interrupted by a stop or a crash resumes where it was, with the same time, when the
 * next one is asked for. Every action is idempotent, so redoing the last key group does no harm.
 *
 * <p>A version is deleted only if it is still the one a rule judged (a conditional delete, checked by the store
 * atomically with it): a key a client writes between the listing and the delete keeps the client's write.
 */
public final class LifecycleWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LifecycleWorker.class);
    private static final String PROGRESS = "lifecycle/pass";
    private static final int PAGE = 1000;

    private final ObjectStore store;
    private final SystemStore progress;
    private final LifecycleConfigs configs;
    private final Clock clock;
    private final Consumer<ObjectMeta> beforeDelete;
    private ScheduledExecutorService scheduler;

    /**
     * What a pass did.
     *
     * @param finished whether the pass reached its end (else its progress is saved for the next call)
     * @param expired current versions expired
     * @param versionsRemoved noncurrent versions and delete markers removed for good
     * @param uploadsAborted multipart uploads aborted
     */
    public record Result(boolean finished, long expired, long versionsRemoved, long uploadsAborted) {}

    /** Where a pass is: its time, then bucket and phase (0 objects, 1 uploads) and the last key done there. */
    private record Position(Instant now, String bucket, int phase, String afterKey) {
        byte[] encode() {
            return (now.toEpochMilli() + "\n" + bucket + "\n" + phase + "\n" + afterKey)
                    .getBytes(StandardCharsets.UTF_8);
        }

        static Position decode(byte[] bytes) {
            String[] f = new String(bytes, StandardCharsets.UTF_8).split("\n", 4);
            return new Position(Instant.ofEpochMilli(Long.parseLong(f[0])), f[1], Integer.parseInt(f[2]), f[3]);
        }
    }

    /**
     * @param store the objects
     * @param progress where a pass's progress is kept
     * @param clock the time a new pass runs as of (tests give their own)
     */
    public LifecycleWorker(ObjectStore store, SystemStore progress, Clock clock) {
        this(store, progress, clock, evaluated -> {});
    }

    /**
     * A worker that calls {@code beforeDelete} with each version a rule expires, after the pass read and judged it
     * and before it deletes it: the moment a client's write can come between (tests).
     */
    LifecycleWorker(ObjectStore store, SystemStore progress, Clock clock, Consumer<ObjectMeta> beforeDelete) {
        this.store = store;
        this.progress = progress;
        this.configs = new LifecycleConfigs(store);
        this.clock = clock;
        this.beforeDelete = beforeDelete;
    }

    /** Runs a pass every {@code interval} in a background thread (the first one after a short delay). */
    public synchronized void start(Duration interval) {
        start(interval, () -> true);
    }

    /**
     * Runs a pass every {@code interval} while {@code runsHere} says so when its turn comes: in a cluster, on the node
     * that leads partition 0 (the catalog, where the passes' progress is kept), so that passes run once, not once per
     * node.
     */
    public synchronized void start(Duration interval, java.util.function.BooleanSupplier runsHere) {
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "granary-lifecycle");
            t.setDaemon(true);
            return t;
        });
        // Runs until the scheduler is shut down; a failed pass is logged below, so the future has nothing to report.
        var unused = scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        if (!runsHere.getAsBoolean()) {
                            return;
                        }
                        Result r = run(Integer.MAX_VALUE);
                        if (r.expired() + r.versionsRemoved() + r.uploadsAborted() > 0) {
                            LOG.info("lifecycle pass: {}", r);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("lifecycle pass failed, will retry: {}", e.toString());
                    }
                },
                Math.min(interval.toMillis(), 60_000),
                interval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Runs (or resumes) a pass to its end. */
    public Result run() {
        return run(Integer.MAX_VALUE);
    }

    /**
     * Runs (or resumes) a pass, stopping after {@code maxKeyGroups} keys or uploads with the progress saved, so
     * that the next call goes on from there.
     */
    public synchronized Result run(int maxKeyGroups) {
        Position at = current();
        Instant now = at.now();
        long[] counts = new long[3];
        int[] budget = {maxKeyGroups};
        List<BucketInfo> buckets = store.listBuckets(null);
        for (BucketInfo bucket : buckets) {
            if (bucket.name().compareTo(at.bucket()) < 0) {
                continue;
            }
            boolean resumed = bucket.name().equals(at.bucket());
            Optional<LifecycleConfiguration> config;
            try {
                config = configs.get(bucket.name());
            } catch (StorageException e) {
                continue; // deleted meanwhile
            }
            if (config.isEmpty() || config.get().rules().stream().noneMatch(LifecycleRule::enabled)) {
                continue;
            }
            if (!resumed || at.phase() == 0) {
                Position p = new Position(now, bucket.name(), 0, resumed ? at.afterKey() : "");
                if (!objects(config.get(), p, counts, budget)) {
                    return new Result(false, counts[0], counts[1], counts[2]);
                }
            }
            Position p = new Position(now, bucket.name(), 1, resumed && at.phase() == 1 ? at.afterKey() : "");
            if (!uploads(config.get(), p, counts, budget)) {
                return new Result(false, counts[0], counts[1], counts[2]);
            }
        }
        progress.apply(java.util.Collections.singletonMap(PROGRESS, null));
        return new Result(true, counts[0], counts[1], counts[2]);
    }

    /** The saved position of an interrupted pass, or the start of a new one as of now. */
    private Position current() {
        byte[][] saved = {null};
        progress.scan(PROGRESS, PROGRESS + "\0", (k, v) -> saved[0] = v);
        return saved[0] == null ? new Position(clock.instant(), "", 0, "") : Position.decode(saved[0]);
    }

    private void save(Position p) {
        progress.apply(Map.of(PROGRESS, p.encode()));
    }

    /** The objects phase of one bucket; false when the budget ran out (progress saved). */
    private boolean objects(LifecycleConfiguration config, Position start, long[] counts, int[] budget) {
        String bucket = start.bucket();
        String keyMarker = start.afterKey().isEmpty() ? null : start.afterKey();
        String versionMarker = null;
        List<ObjectVersion> group = new ArrayList<>();
        while (true) {
            VersionPage page;
            try {
                page = store.listVersions(bucket, "", null, keyMarker, versionMarker, PAGE);
            } catch (StorageException e) {
                return true; // the bucket went away
            }
            for (ObjectVersion v : page.versions()) {
                if (!group.isEmpty()
                        && !group.get(0)
                                .meta()
                                .key()
                                .key()
                                .equals(v.meta().key().key())) {
                    if (budget[0]-- <= 0) {
                        return false;
                    }
                    apply(config, group, start.now(), counts);
                    save(new Position(
                            start.now(), bucket, 0, group.get(0).meta().key().key()));
                    group.clear();
                }
                group.add(v);
            }
            if (!page.truncated()) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            versionMarker = page.nextVersionIdMarker();
        }
        if (!group.isEmpty()) {
            if (budget[0]-- <= 0) {
                return false;
            }
            apply(config, group, start.now(), counts);
            save(new Position(start.now(), bucket, 0, group.get(0).meta().key().key()));
        }
        save(new Position(start.now(), bucket, 1, ""));
        return true;
    }

    /** The rules on one key's versions, newest first. */
    private void apply(LifecycleConfiguration config, List<ObjectVersion> versions, Instant now, long[] counts) {
        ObjectMeta latest = versions.get(0).meta();
        String key = latest.key().key();
        boolean latestIsCurrent = versions.get(0).latest();
        List<ObjectVersion> remaining = new ArrayList<>(versions);
        // Noncurrent versions: each became noncurrent when the next newer one was made.
        int noncurrentIndex = 0;
        for (int i = 1; i < versions.size(); i++) {
            ObjectMeta v = versions.get(i).meta();
            Instant becameNoncurrent = versions.get(i - 1).meta().lastModified();
            int index = noncurrentIndex++;
            for (LifecycleRule r : config.rules()) {
                if (r.noncurrentDays() == null
                        || !r.appliesTo(key, v.attributes().tags(), v.size())) {
                    continue;
                }
                boolean old = !now.isBefore(LifecycleRule.afterDays(becameNoncurrent, r.noncurrentDays()));
                boolean beyondNewer = r.newerNoncurrentVersions() == null || index >= r.newerNoncurrentVersions();
                if (old && beyondNewer) {
                    if (expire(v, v.versionId())) {
                        remaining.remove(versions.get(i));
                        counts[1]++;
                    }
                    break;
                }
            }
        }
        if (!latestIsCurrent) {
            return; // the key's newest version is older than the listing start: not ours to judge
        }
        if (latest.deleteMarker()) {
            // A delete marker with no version left behind it is an expired object delete marker.
            if (remaining.size() == 1) {
                for (LifecycleRule r : config.rules()) {
                    // Asked for explicitly, or implied by a rule that expires current versions (as S3 does).
                    Instant expiry = r.expiryOf(latest.lastModified());
                    boolean implied = expiry != null
                            && !now.isBefore(expiry)
                            && r.filter().tags().isEmpty();
                    if (r.enabled()
                            && (r.expiredObjectDeleteMarker() || implied)
                            && key.startsWith(r.filter().prefix())) {
                        if (expire(latest, latest.versionId())) {
                            counts[1]++;
                        }
                        break;
                    }
                }
            }
            return;
        }
        LifecycleConfiguration.Expiry expiry =
                config.expiryOf(key, latest.attributes().tags(), latest.size(), latest.lastModified());
        if (expiry != null && !now.isBefore(expiry.at()) && expire(latest, null)) {
            counts[0]++;
        }
    }

    /**
     * Deletes version {@code versionId} (null: the current one, covered by a delete marker in a versioned bucket)
     * only if it is still {@code evaluated}, the version the rule judged, checked atomically with the delete: a
     * client may have written the key since the listing, and its acknowledged write must not go. Returns false when
     * the key changed meanwhile; the next pass judges it again.
     */
    private boolean expire(ObjectMeta evaluated, String versionId) {
        beforeDelete.accept(evaluated);
        try {
            store.deleteObject(evaluated.key(), versionId, WriteCondition.sameVersion(evaluated));
            return true;
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.PRECONDITION_FAILED) {
                return false;
            }
            throw e;
        }
    }

    /** The uploads phase of one bucket; false when the budget ran out (progress saved). */
    private boolean uploads(LifecycleConfiguration config, Position start, long[] counts, int[] budget) {
        boolean any = config.rules().stream().anyMatch(r -> r.enabled() && r.abortDays() != null);
        String bucket = start.bucket();
        String keyMarker = start.afterKey().isEmpty() ? null : start.afterKey();
        String uploadMarker = null;
        while (any) {
            UploadListing page;
            try {
                page = store.listUploads(bucket, null, null, keyMarker, uploadMarker, PAGE);
            } catch (StorageException e) {
                return true;
            }
            for (MultipartUpload upload : page.uploads()) {
                if (budget[0]-- <= 0) {
                    return false;
                }
                for (LifecycleRule r : config.rules()) {
                    if (r.enabled()
                            && r.abortDays() != null
                            && upload.key().key().startsWith(r.filter().prefix())
                            && !start.now().isBefore(LifecycleRule.afterDays(upload.initiated(), r.abortDays()))) {
                        try {
                            store.abortUpload(upload.key(), upload.uploadId());
                            counts[2]++;
                        } catch (StorageException e) {
                            // completed or aborted meanwhile
                        }
                        break;
                    }
                }
            }
            if (!page.truncated()) {
                break;
            }
            keyMarker = page.nextKeyMarker();
            uploadMarker = page.nextUploadIdMarker();
        }
        return true;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
