package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/** Drivers of cross-entropy with class indices over logits [outer, classes, inner]. */
final class CpuCrossEntropy {
    private CpuCrossEntropy() {}

    /** The flat sample index of the first row of the block at element {@code base}. */
    private static long sample(long base, long classes, long inner) {
        long o = base / (classes * inner);
        return o * inner + (base - o * classes * inner);
    }

    static void forward(DType dt, long outer, long classes, long inner, MemorySegment x, long xo,
                        MemorySegment target, long to, long ignoreIndex, double smoothing,
                        MemorySegment loss, long lo, MemorySegment lse, long so) {
        FusedKernels k = FusedKernels.of(dt);
        CpuSoftmax.forBlocks(outer, classes, inner, (base, width) -> {
            long s = sample(base, classes, inner);
            k.crossEntropy(classes, inner, width, x, xo + base, target, to + s, ignoreIndex, smoothing,
                    loss, lo + s, lse, so + s);
        });
    }

    static void backward(DType dt, long outer, long classes, long inner, MemorySegment x, long xo,
                         MemorySegment lse, long so, MemorySegment target, long to, long ignoreIndex, double smoothing,
                         MemorySegment g, long go, long gs, double scale, MemorySegment gx, long gxo) {
        FusedKernels k = FusedKernels.of(dt);
        CpuSoftmax.forBlocks(outer, classes, inner, (base, width) -> {
            long s = sample(base, classes, inner);
            k.crossEntropyBackward(classes, inner, width, x, xo + base, lse, so + s, target, to + s, ignoreIndex,
                    smoothing, g, go + s * gs, gs, scale, gx, gxo + base);
        });
    }
}
