package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/**
 * Drivers of softmax and its gradient over [outer, dim, inner]: contiguous rows (inner 1)
 * split by rows, otherwise blocks of adjacent columns (one row per vector lane), split by
 * (outer index, column block).
 */
final class CpuSoftmax {
    /** Adjacent strided rows per work item: a few vectors wide, so each cache line read is used whole. */
    static final int COLUMNS = 64;

    private CpuSoftmax() {}

    /** A body over one block of rows: {@code width} rows starting at element {@code base}. */
    @FunctionalInterface
    interface Block {
        void run(long base, long width);
    }

    /** Runs {@code block} over every row of [outer, dim, inner], in parallel when large. */
    static void forBlocks(long outer, long dim, long inner, Block block) {
        if (outer == 0 || dim == 0 || inner == 0) return;
        if (inner == 1) {
            CpuParallel.forRange(outer, Math.max(1, CpuBackend.GRAIN / dim), (r0, r1) -> block.run(r0 * dim, r1 - r0));
            return;
        }
        long perOuter = (inner + COLUMNS - 1) / COLUMNS;
        CpuParallel.forRange(outer * perOuter, Math.max(1, CpuBackend.GRAIN / (dim * Math.min(inner, COLUMNS))),
                (i0, i1) -> {
                    for (long item = i0; item < i1; item++) {
                        long o = item / perOuter, c0 = (item % perOuter) * COLUMNS;
                        block.run(o * dim * inner + c0, Math.min(COLUMNS, inner - c0));
                    }
                });
    }

    static void forward(DType dt, boolean log, long outer, long dim, long inner,
                        MemorySegment in, long io, MemorySegment out, long oo) {
        FusedKernels k = FusedKernels.of(dt);
        forBlocks(outer, dim, inner, (base, width) -> k.softmax(log, dim, inner, width, in, io + base, out, oo + base));
    }

    static void backward(DType dt, boolean log, long outer, long dim, long inner, MemorySegment y, long yo,
                         MemorySegment g, long go, MemorySegment gx, long gxo) {
        FusedKernels k = FusedKernels.of(dt);
        forBlocks(outer, dim, inner, (base, width) ->
                k.softmaxBackward(log, dim, inner, width, y, yo + base, g, go + base, gx, gxo + base));
    }
}
