package dev.panagrad.backend.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The thread team behind the CPU kernels: every index of a range is run exactly once, by
 * workers as well as the caller; failures in any chunk reach the caller; nested calls,
 * concurrent callers and changes of the thread count all complete with every index done once.
 */
class CpuParallelTest {

    @AfterEach
    void restore() {
        CpuParallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void everyIndexRunsOnceAcrossTheTeam() {
        for (int threads : new int[] {1, 2, 3, 4}) {
            CpuParallel.setThreads(threads);
            Set<Thread> ever = ConcurrentHashMap.newKeySet();
            for (int round = 0; round < 200; round++) {
                int n = 1 + round * 7;
                AtomicLongArray hits = new AtomicLongArray(n);
                Set<Thread> seen = ConcurrentHashMap.newKeySet();
                CpuParallel.forRange(n, 1, (s, e) -> {
                    seen.add(Thread.currentThread());
                    for (long i = s; i < e; i++) hits.incrementAndGet((int) i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "index " + i + " of " + n + ", threads=" + threads);
                assertTrue(seen.size() <= threads);
                ever.addAll(seen);
            }
            // the caller runs chunks no worker has claimed yet, so one round may see one thread,
            // but a worker takes part now and then
            if (threads > 1) assertTrue(ever.size() > 1, "only the caller ran chunks, threads=" + threads);
        }
    }

    @Test
    void aFailingChunkReachesTheCallerAndTheTeamStaysUsable() {
        CpuParallel.setThreads(2);
        IllegalStateException boom = new IllegalStateException("boom");
        // the worker's chunk (the second half) fails
        assertSame(boom, assertThrows(IllegalStateException.class, () -> CpuParallel.forRange(10, 1, (s, e) -> {
            if (s >= 5) throw boom;
        })));
        // the caller's chunk fails
        assertSame(boom, assertThrows(IllegalStateException.class, () -> CpuParallel.forRange(10, 1, (s, e) -> {
            if (s == 0) throw boom;
        })));
        AtomicLong sum = new AtomicLong();
        CpuParallel.forRange(100, 1, (s, e) -> {
            for (long i = s; i < e; i++) sum.addAndGet(i);
        });
        assertEquals(4950, sum.get());
    }

    @Test
    void nestedCallsRunSeriallyInsideTheirChunk() {
        CpuParallel.setThreads(2);
        AtomicLongArray hits = new AtomicLongArray(64 * 64);
        CpuParallel.forRange(64, 1, (s, e) -> {
            for (long i = s; i < e; i++) {
                long row = i;
                CpuParallel.forRange(64, 1, (s2, e2) -> {
                    for (long j = s2; j < e2; j++) hits.incrementAndGet((int) (row * 64 + j));
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) assertEquals(1, hits.get(i), "element " + i);
    }

    @Test
    void concurrentCallersAllFinishWithTheirOwnWork() throws Exception {
        CpuParallel.setThreads(2);
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> sums = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                long n = 1000 + c;
                sums.add(callers.submit(() -> {
                    long total = 0;
                    for (int round = 0; round < 300; round++) {
                        AtomicLong sum = new AtomicLong();
                        CpuParallel.forRange(n, 1, (s, e) -> {
                            for (long i = s; i < e; i++) sum.addAndGet(i);
                        });
                        total += sum.get();
                    }
                    return total;
                }));
            }
            for (int c = 0; c < 4; c++) {
                long n = 1000 + c;
                assertEquals(300 * n * (n - 1) / 2, sums.get(c).get());
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void forEachTaskRunsEveryTaskOnce() {
        CpuParallel.setThreads(2);
        AtomicLongArray hits = new AtomicLongArray(37);
        CpuParallel.forEachTask(37, t -> hits.incrementAndGet(t));
        for (int i = 0; i < 37; i++) assertEquals(1, hits.get(i));
    }
}
