package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Gemm;

/**
 * Matrix products on the CPU. float32 and float64 run the packed, register-blocked GEMM on
 * the Vector API ({@code FloatGemm}, {@code DoubleGemm}, generated from Gemm.java.template and
 * its siblings), or a scalar loop when the Vector API module is absent; int64 and bool use the
 * plain {@link ReferenceGemm}.
 */
final class CpuGemm {
    private CpuGemm() {}

    static void gemm(DType dt, Gemm g) {
        run(dt, g, true);
    }

    /**
     * As {@link #gemm}, all on the calling thread: for kernels that split their own work over
     * the pool and multiply small blocks inside each task (a pool worker's GEMM would run
     * serially anyway, but the calling thread's would fan out again).
     */
    static void gemmOnThisThread(DType dt, Gemm g) {
        run(dt, g, false);
    }

    private static void run(DType dt, Gemm g, boolean parallel) {
        switch (dt) {
            case FLOAT32 -> {
                if (KernelSelection.VECTOR_API) Vectorized.float32(g, parallel);
                else FloatScalarGemm.gemm(g);
            }
            case FLOAT64 -> {
                if (KernelSelection.VECTOR_API) Vectorized.float64(g, parallel);
                else DoubleScalarGemm.gemm(g);
            }
            default -> ReferenceGemm.gemm(dt, g);
        }
    }

    /** Only loaded when the module is present, so its references to jdk.incubator.vector resolve. */
    private static final class Vectorized {
        static void float32(Gemm g, boolean parallel) {
            if (parallel) FloatGemm.gemm(g);
            else FloatGemm.gemmOnThisThread(g);
        }

        static void float64(Gemm g, boolean parallel) {
            if (parallel) DoubleGemm.gemm(g);
            else DoubleGemm.gemmOnThisThread(g);
        }
    }
}
