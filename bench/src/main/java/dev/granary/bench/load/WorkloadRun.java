package dev.granary.bench.load;

import dev.granary.bench.load.Result.Summary;
import dev.granary.bench.load.Result.Tally;
import dev.granary.bench.load.Workload.Op;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One workload at one object size: pre-populates the objects it needs, runs the workers through a warm-up and
 * the measured window, and tallies what completed inside the window. An operation counts when it started at or
 * after the window opened and (if it succeeded) finished before it closed; CPU times are sampled at the same two
 * instants, so operations and CPU cover the same span.
 */
final class WorkloadRun {
    private static final int LIST_PAGE = 1000;
    private static final int MAX_SAMPLE_ERRORS = 5;
    /** How long workers may take to finish their last operation after the window closed. */
    private static final long STRAGGLER_NANOS = TimeUnit.SECONDS.toNanos(90);

    private final LoadOptions options;
    private final Workload workload;
    private final int size;
    private final List<S3Ops> clients;
    private final byte[] content;
    private final ObjectPool pool;
    private final String objectPrefix;
    private final String putPrefix;
    private final AtomicInteger cursor = new AtomicInteger();
    private final List<String> sampleErrors = Collections.synchronizedList(new ArrayList<>());
    private long windowStart;
    private long windowEnd;

    WorkloadRun(LoadOptions options, Workload workload, int size, List<S3Ops> clients) {
        this.options = options;
        this.workload = workload;
        this.size = size;
        this.clients = clients;
        this.content =
                ObjectBody.sharedContent(size, size * 31L + workload.label().hashCode());
        this.pool = new ObjectPool(workload.needsObjects() ? options.objectsFor(workload, size) : 0);
        String runPrefix = options.prefix() + "/" + workload.label() + "-" + LoadOptions.formatSize(size) + "/";
        this.objectPrefix = runPrefix + "o/";
        this.putPrefix = runPrefix + "p/";
    }

    Result run() throws IOException, InterruptedException {
        clients.get(0).createBucket(options.bucket());
        populate();
        long start = System.nanoTime();
        windowStart = start + options.warmup().toNanos();
        windowEnd = windowStart + options.duration().toNanos();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            workers.add(new Worker(i, clients.get(i)));
        }
        workers.forEach(Thread::start);

        sleepUntil(windowStart);
        long server0 = options.serverPid() == 0 ? 0 : CpuClock.processCpuNanos(options.serverPid());
        long self0 = CpuClock.selfCpuNanos();
        CpuClock.HostTicks host0 = CpuClock.host();
        long opened = System.nanoTime();
        for (Worker w : workers) { // returns at the window's end, or earlier when DELETE runs out of objects
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(windowEnd - System.nanoTime())));
        }
        long server1 = options.serverPid() == 0 ? 0 : CpuClock.processCpuNanos(options.serverPid());
        long self1 = CpuClock.selfCpuNanos();
        CpuClock.HostTicks host1 = CpuClock.host();
        double seconds = Math.max(0, Math.min(System.nanoTime(), windowEnd) - opened) / 1e9;
        awaitStragglers(workers);

        Map<Op, Tally> merged = Tally.perOp();
        Tally all = new Tally();
        for (Worker w : workers) {
            w.tallies.forEach((op, t) -> {
                merged.get(op).add(t);
                all.add(t);
            });
        }
        Map<Op, Summary> byOp = new EnumMap<>(Op.class);
        merged.forEach((op, t) -> {
            if (t.latencyNanos.getTotalCount() + t.errors > 0) {
                byOp.put(op, Summary.of(t.latencyNanos, t.errors, t.bytes, seconds));
            }
        });
        Summary total = Summary.of(all.latencyNanos, all.errors, all.bytes, seconds);
        long ops = Math.max(1, total.ops());
        return new Result(
                options.label(),
                options.client().name().toLowerCase(Locale.ROOT),
                workload,
                size,
                clients.size(),
                pool.size(),
                total,
                byOp,
                options.serverPid() == 0 || total.ops() == 0 ? null : (server1 - server0) / 1e3 / ops,
                (self1 - self0) / 1e3 / ops,
                host1.busyPercentSince(host0),
                List.copyOf(sampleErrors));
    }

    /** Writes generation 1 of every slot, all workers in parallel; any failure aborts the run. */
    private void populate() throws IOException, InterruptedException {
        if (pool.size() == 0) {
            return;
        }
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IOException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (S3Ops client : clients) {
            Thread t = new Thread(() -> {
                for (int slot; failure.get() == null && (slot = next.getAndIncrement()) < pool.size(); ) {
                    try {
                        client.put(options.bucket(), objectKey(slot), ObjectBody.of(content, slot, 1));
                        pool.stored(slot, 1);
                    } catch (IOException e) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IOException("populating " + pool.size() + " objects failed", failure.get());
        }
    }

    private void awaitStragglers(List<Worker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + STRAGGLER_NANOS;
        for (Worker w : workers) {
            w.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        if (workers.stream().anyMatch(Thread::isAlive)) {
            clients.forEach(S3Ops::close); // unblocks a worker stuck in a socket read
            for (Worker w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(5));
            }
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private String objectKey(int slot) {
        return objectPrefix + slot;
    }

    /** One worker thread with its own client, looping until the window closes. */
    private final class Worker extends Thread {
        private final int index;
        private final S3Ops client;
        private final SplittableRandom random;
        private final Map<Op, Tally> tallies = Tally.perOp();
        private long putSequence;
        /** The operation being attempted, for counting its failure. */
        private Op failedOp = Op.PUT;

        Worker(int index, S3Ops client) {
            super("load-worker-" + index);
            this.index = index;
            this.client = client;
            this.random = new SplittableRandom(index * 7919L + 1);
        }

        @Override
        public void run() {
            for (long begin; (begin = System.nanoTime()) < windowEnd; ) {
                Op op;
                try {
                    op = operate();
                } catch (IOException e) {
                    if (begin >= windowStart) {
                        tallies.get(failedOp).errors++;
                    }
                    if (sampleErrors.size() < MAX_SAMPLE_ERRORS) {
                        sampleErrors.add(e.getMessage());
                    }
                    continue;
                }
                if (op == null) {
                    return; // DELETE ran out of objects
                }
                long end = System.nanoTime();
                if (begin >= windowStart && end <= windowEnd) {
                    Tally t = tallies.get(op);
                    t.latencyNanos.recordValue(end - begin);
                    if (op == Op.PUT || op == Op.GET) {
                        t.bytes += size;
                    }
                }
            }
        }

        /** Performs one operation of the workload; null when there is nothing left to do. */
        private Op operate() throws IOException {
            return switch (workload) {
                case PUT -> put();
                case GET -> read(Op.GET, pool.pick(random));
                case STAT -> read(Op.STAT, pool.pick(random));
                case LIST -> list();
                case DELETE -> deleteNext();
                case MIXED -> mixed();
            };
        }

        private Op put() throws IOException {
            failedOp = Op.PUT;
            long sequence = putSequence++;
            long id = ((long) (index + 1) << 40) | sequence; // never collides with slot ids
            client.put(options.bucket(), putPrefix + index + "/" + sequence, ObjectBody.of(content, id, 1));
            return Op.PUT;
        }

        private Op read(Op op, int slot) throws IOException {
            failedOp = op;
            if (op == Op.GET) {
                client.get(options.bucket(), objectKey(slot), ObjectBody.of(content, slot, pool.generation(slot)));
            } else {
                client.stat(options.bucket(), objectKey(slot), size);
            }
            return op;
        }

        private Op list() throws IOException {
            failedOp = Op.LIST;
            int keys = client.list(options.bucket(), objectPrefix, LIST_PAGE);
            int expected = Math.min(LIST_PAGE, pool.size());
            if (keys != expected) {
                throw new S3Ops.OpException("LIST returned " + keys + " keys, expected " + expected);
            }
            return Op.LIST;
        }

        /**
         * Deletes the next pre-populated object, or, during the warm-up, one this worker has just written: the
         * warm-up exercises both paths without using up the objects the measured window deletes.
         */
        private Op deleteNext() throws IOException {
            if (System.nanoTime() < windowStart) {
                put();
                failedOp = Op.DELETE;
                client.delete(options.bucket(), putPrefix + index + "/" + (putSequence - 1));
                return Op.DELETE;
            }
            failedOp = Op.DELETE;
            int slot = cursor.getAndIncrement();
            if (slot >= pool.size()) {
                return null;
            }
            client.delete(options.bucket(), objectKey(slot));
            return Op.DELETE;
        }

        /**
         * warp's mix. The slot is locked for the operation so the expected content is exact; a GET, STAT or
         * DELETE that finds no object free becomes a PUT, as does one whose roll finds the pool empty.
         */
        private Op mixed() throws IOException {
            Op op = Op.mixed(random.nextInt(100));
            int slot = op == Op.PUT ? -1 : pool.acquire(true, random);
            if (slot < 0) {
                op = Op.PUT;
                slot = pool.acquire(false, random);
                if (slot < 0) {
                    slot = pool.acquire(null, random); // none absent: overwrite one
                }
            }
            failedOp = op;
            if (slot < 0) {
                throw new S3Ops.OpException("no free object found: use --objects well above --concurrency");
            }
            int generation = pool.generation(slot);
            try {
                switch (op) {
                    case GET -> client.get(options.bucket(), objectKey(slot), ObjectBody.of(content, slot, generation));
                    case STAT -> client.stat(options.bucket(), objectKey(slot), size);
                    case DELETE -> {
                        client.delete(options.bucket(), objectKey(slot));
                        pool.deleted(slot);
                    }
                    default -> {
                        client.put(options.bucket(), objectKey(slot), ObjectBody.of(content, slot, generation + 1));
                        pool.stored(slot, generation + 1);
                    }
                }
            } catch (IOException e) {
                if (op == Op.PUT || op == Op.DELETE) {
                    pool.retire(slot); // the server may or may not have applied it
                }
                throw e;
            } finally {
                pool.release(slot);
            }
            return op;
        }
    }
}
