package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Gemm;

/** Matrix products on the CPU. */
final class CpuGemm {
    private CpuGemm() {}

    static void gemm(DType dt, Gemm g) {
        ReferenceGemm.gemm(dt, g);
    }
}
