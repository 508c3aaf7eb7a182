package dev.panagrad.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link CpuParallel}: a fixed team that runs one job at a time,
 * cut into chunks that the calling thread and the workers claim.
 * <p>
 * <b>Why not a ForkJoinPool.</b> A parallel region there cost 24 µs even back to back, and
 * 140 µs after a millisecond's pause, on this project's 2-vCPU VM: the parked worker is woken
 * by the kernel, and a halted vCPU takes that long to run it. Kernels of 10-100 µs (a layer
 * norm, a small convolution's blocks, the ops of an MLP step) lost more than they gained.
 * Here a worker that has finished spins ({@link Thread#onSpinWait}) for {@link #SPIN_NANOS}
 * watching for the next job before it parks, as OpenMP runtimes do; a job that follows within
 * that time starts in well under a microsecond. The spin is bounded, so an idle program costs
 * nothing after it.
 * <p>
 * <b>Claimed chunks.</b> The caller runs chunk 0, then claims every chunk no worker has
 * claimed yet, and waits only for chunks a worker is already running. A worker that is parked,
 * or whose vCPU the hypervisor has taken away, therefore never holds a job up: its chunk runs
 * on the caller instead (with fixed chunks per worker, a layer norm at 2 threads waited on
 * such wake-ups and took 0.7 ms against 0.16 ms on one thread). Which thread runs a chunk
 * never changes what the chunk computes.
 * <p>
 * One job at a time: a caller that finds the team busy (another application thread's kernel,
 * or a nested call from inside a chunk) runs its whole range itself.
 */
final class SpinningPool {
    /** How long a worker watches for the next job before parking (OpenMP's default spins far longer). */
    static final long SPIN_NANOS = 200_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The job being run, or null; a worker that finds an older one finds it fully claimed. */
    private volatile Job current;
    private volatile boolean shutdown;

    SpinningPool(int threads) {
        workers = new Worker[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i);
            workers[i].start();
        }
    }

    /** The team size: the workers and the calling thread. */
    int threads() {
        return workers.length + 1;
    }

    /** One parallel region: [0, n) in {@code chunks} contiguous chunks, claimed one at a time. */
    private static final class Job {
        final CpuParallel.Range body;
        final long n;
        final int chunks;
        /** The next chunk to claim (chunk 0 is the caller's). */
        final AtomicInteger next = new AtomicInteger(1);
        final AtomicInteger finished = new AtomicInteger();
        volatile Throwable failure;

        Job(CpuParallel.Range body, long n, int chunks) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
        }

        void run(int chunk) {
            try {
                body.run(n * chunk / chunks, n * (chunk + 1) / chunks);
            } catch (Throwable t) {
                if (failure == null) failure = t;
            } finally {
                finished.incrementAndGet();
            }
        }

        /** Claims and runs chunks until none is left. */
        void claimAll() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) run(c);
        }
    }

    /**
     * Runs {@code body} over [0, n) cut into {@code chunks} contiguous chunks (at most
     * {@link #threads}), chunk 0 on the calling thread. Returns false, having run nothing,
     * when the team is busy with another job.
     */
    boolean run(long n, int chunks, CpuParallel.Range body) {
        if (Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) return false;
        try {
            Job job = new Job(body, n, chunks);
            current = job;
            for (int i = 0; i < chunks - 1; i++) workers[i].assign();
            job.run(0);
            job.claimAll();
            awaitFinished(job);
            current = null;
            Throwable f = job.failure;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error err) throw err;
            if (f != null) throw new RuntimeException(f);
            return true;
        } finally {
            busy.set(false);
        }
    }

    /** Waits for the chunks workers claimed and are still running. */
    private static void awaitFinished(Job job) {
        long start = System.nanoTime();
        while (job.finished.get() < job.chunks) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield(); // a worker whose vCPU was taken away mid-chunk: let it have ours
        }
    }

    /** Stops the workers once they are idle; the pool takes no more jobs. */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) w.wake();
    }

    /** A worker claims chunks of the current job each time its ticket moves. */
    private final class Worker extends Thread {
        /** Bumped (a volatile write, after {@code current} is set) to call this worker to a job. */
        private volatile long ticket;
        private volatile boolean parked;

        Worker(int index) {
            setName("panagrad-cpu-" + index);
            setDaemon(true);
        }

        void assign() {
            ticket++; // only the caller holding the pool writes it
            wake();
        }

        void wake() {
            if (parked) LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitJob(seen);
                if (shutdown) return;
                Job job = current;
                if (job != null) job.claimAll();
            }
        }

        /** Spins, then parks, until the ticket moves past {@code seen} (or shutdown); returns the new ticket. */
        private long awaitJob(long seen) {
            long start = System.nanoTime();
            long t;
            while ((t = ticket) == seen && !shutdown) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    // Dekker with assign()'s ticket write and read of parked: one of the two sees the other.
                    parked = true;
                    if (ticket == seen && !shutdown) LockSupport.park(this);
                    parked = false;
                }
            }
            return t;
        }
    }
}
