package dev.panagrad;

import dev.panagrad.backend.cpu.CpuBackend;
import dev.panagrad.backend.cpu.CpuParallel;

/**
 * How many threads CPU kernels use (PyTorch's {@code torch.set_num_threads}). The default is
 * one per core, or {@code -Dpanagrad.threads=N}.
 */
public final class Parallelism {
    private Parallelism() {}

    /** Threads large kernels split over. */
    public static int threads() {
        return CpuParallel.threads();
    }

    /** Sets the number of threads (1 runs every kernel on the calling thread). */
    public static void setThreads(int n) {
        CpuParallel.setThreads(n);
    }

    /** True when the CPU kernels use the Vector API (false: the scalar fallback; see the startup warning). */
    public static boolean vectorized() {
        return CpuBackend.vectorized();
    }
}
