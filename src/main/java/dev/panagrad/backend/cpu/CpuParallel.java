package dev.panagrad.backend.cpu;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The shared team of threads that large CPU kernels split over: one per core by default
 * ({@code -Dpanagrad.threads=N} or {@link #setThreads} to change), the calling thread being
 * one of them (see {@link SpinningPool} for why it is not a ForkJoinPool). Work is cut into as
 * many contiguous ranges as there are threads, never finer than a grain, and the calling
 * thread runs the first range itself. A kernel called from inside another one's range, or
 * while another application thread has the team, runs serially.
 */
public final class CpuParallel {
    private static volatile SpinningPool pool;
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
            SpinningPool old = pool;
            pool = null;
            threads = n;
            if (old != null) old.shutdown();
        }
    }

    private static SpinningPool pool() {
        SpinningPool p = pool;
        if (p == null) {
            synchronized (CpuParallel.class) {
                p = pool;
                if (p == null) pool = p = new SpinningPool(threads);
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
     * Runs {@code body} over [0, n), split over the team when there are at least two grains
     * of work and more than one thread.
     */
    public static void forRange(long n, long grain, Range body) {
        if (n <= 0) return;
        long chunks = Math.min(threads, n / Math.max(1, grain));
        if (chunks <= 1) {
            body.run(0, n);
            return;
        }
        SpinningPool p = pool();
        if (!p.run(n, (int) Math.min(chunks, p.threads()), body)) body.run(0, n);
    }

    /**
     * Runs {@code task} for every index in [0, tasks) over the team, each thread taking the
     * next index not yet taken until none is left: a thread slowed by another process on its
     * core does fewer tasks instead of holding the others up. Tasks must be independent.
     */
    public static void forEachTask(int tasks, java.util.function.IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        forRange(Math.min(threads, tasks), 1, (s, e) -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) task.accept(t);
        });
    }
}
