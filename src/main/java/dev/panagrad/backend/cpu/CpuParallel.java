package dev.panagrad.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared pool that large CPU kernels split over: one worker per core by default
 * ({@code -Dpanagrad.threads=N} or {@link #setThreads} to change). Work is cut into as
 * many contiguous ranges as there are threads, never finer than a grain, and the calling
 * thread runs one range itself. A kernel already running on a pool worker runs serially.
 */
public final class CpuParallel {
    private static volatile ForkJoinPool pool;
    private static volatile int threads = defaultThreads();

    private CpuParallel() {}

    private static int defaultThreads() {
        String p = System.getProperty("panagrad.threads");
        int n = p == null ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(p.trim());
        return Math.max(1, n);
    }

    /** The number of threads kernels use. */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads kernels use (1 = run on the calling thread only). */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("thread count must be >= 1, got " + n);
        if (n != threads) {
            ForkJoinPool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (CpuParallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(Math.max(1, threads - 1), fjp -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(fjp);
                        t.setName("panagrad-cpu-" + t.getPoolIndex());
                        t.setDaemon(true);
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** A body over the half-open range [start, end). */
    @FunctionalInterface
    public interface Range {
        void run(long start, long end);
    }

    /**
     * Runs {@code body} over [0, n), split over the pool when there are at least two grains
     * of work and more than one thread.
     */
    public static void forRange(long n, long grain, Range body) {
        int t = threads;
        if (n <= 0) return;
        long chunks = Math.min(t, n / Math.max(1, grain));
        if (chunks <= 1 || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        int c = (int) chunks;
        ForkJoinPool p = pool();
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[c - 1];
        for (int i = 1; i < c; i++) {
            long s = n * i / c, e = n * (i + 1) / c;
            tasks[i - 1] = p.submit(new Chunk(body, s, e));
        }
        Throwable failure = null;
        try {
            body.run(0, n / c);
        } catch (Throwable e) {
            failure = e;
        }
        for (ForkJoinTask<?> task : tasks) {
            try {
                task.join();
            } catch (Throwable e) {
                if (failure == null) failure = e;
            }
        }
        if (failure instanceof RuntimeException re) throw re;
        if (failure instanceof Error err) throw err;
        if (failure != null) throw new RuntimeException(failure);
    }

    /**
     * Runs {@code task} for every index in [0, tasks) over the pool, each thread taking the
     * next index not yet taken until none is left: a thread slowed by another process on its
     * core does fewer tasks instead of holding the others up. Tasks must be independent.
     */
    public static void forEachTask(int tasks, java.util.function.IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        forRange(Math.min(threads, tasks), 1, (s, e) -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) task.accept(t);
        });
    }

    private static final class Chunk extends RecursiveAction {
        private final Range body;
        private final long start, end;

        Chunk(Range body, long start, long end) {
            this.body = body;
            this.start = start;
            this.end = end;
        }

        @Override
        protected void compute() {
            body.run(start, end);
        }
    }
}
