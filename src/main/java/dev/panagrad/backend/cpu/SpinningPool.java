package dev.panagrad.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker threads behind {@link CpuParallel}: a fixed team that runs one job at a time,
 * each worker one chunk of it, the calling thread chunk 0.
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
 * One job at a time: a caller that finds the team busy (another application thread's kernel,
 * or a nested call from inside a chunk) runs its whole range itself.
 */
final class SpinningPool {
    /** How long a worker watches for the next job before parking (OpenMP's default spins far longer). */
    static final long SPIN_NANOS = 200_000;

    private final Worker[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private CpuParallel.Range body;
    private long n;
    private int chunks;
    private final AtomicInteger running = new AtomicInteger();
    private volatile Throwable failure;
    private volatile boolean shutdown;

    SpinningPool(int threads) {
        workers = new Worker[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
            workers[i].start();
        }
    }

    /** The team size: the workers and the calling thread. */
    int threads() {
        return workers.length + 1;
    }

    /**
     * Runs {@code body} over [0, n) cut into {@code chunks} contiguous chunks (at most
     * {@link #threads}), chunk 0 on the calling thread. Returns false, having run nothing,
     * when the team is busy with another job.
     */
    boolean run(long n, int chunks, CpuParallel.Range body) {
        if (Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) return false;
        try {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.failure = null;
            running.set(chunks - 1);
            for (int i = 0; i < chunks - 1; i++) workers[i].assign();
            Throwable mine = null;
            try {
                body.run(0, n / chunks);
            } catch (Throwable e) {
                mine = e;
            }
            awaitWorkers();
            Throwable f = mine != null ? mine : failure;
            this.body = null;
            if (f instanceof RuntimeException re) throw re;
            if (f instanceof Error err) throw err;
            if (f != null) throw new RuntimeException(f);
            return true;
        } finally {
            busy.set(false);
        }
    }

    private void awaitWorkers() {
        long start = System.nanoTime();
        while (running.get() > 0) {
            if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
            else Thread.yield(); // a worker whose vCPU was taken away: let it have ours
        }
    }

    /** Stops the workers once they are idle; the pool takes no more jobs. */
    void shutdown() {
        shutdown = true;
        for (Worker w : workers) w.wake();
    }

    /**
     * A worker runs chunk {@code chunk} of a job each time its own ticket moves. Only workers
     * with a chunk of the job get a new ticket, and the next job is only assigned once they
     * are done, so the job's fields never change under a worker that is reading them.
     */
    private final class Worker extends Thread {
        private final int chunk;
        /** Bumped (a volatile write, after the job's fields are set: it publishes them) to hand this worker a job. */
        private volatile long ticket;
        private volatile boolean parked;

        Worker(int chunk) {
            this.chunk = chunk;
            setName("panagrad-cpu-" + (chunk - 1));
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
                try {
                    body.run(n * chunk / chunks, n * (chunk + 1) / chunks);
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    running.decrementAndGet();
                }
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
