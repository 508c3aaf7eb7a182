package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/**
 * Drivers of layer normalisation over contiguous rows [rows, n]. Forward: per row, the mean,
 * the variance as the mean squared deviation from it (a second sweep over the row while it
 * is in cache, more accurate than one-pass formulas), then the normalised, scaled and
 * shifted write. Backward: per row, the two sums of the dx formula and the dweight/dbias
 * terms in one sweep, then dx in a second; dweight and dbias add up over rows in fixed
 * blocks, so results do not depend on the thread count.
 */
final class CpuLayerNorm {
    /** At most this many row blocks hold partial dweight/dbias sums (bounds the scratch memory). */
    private static final int MAX_BLOCKS = 16;
    /** Rows accumulated in the element type before the partial sums move to double. */
    private static final int FLUSH_ROWS = 256;

    private CpuLayerNorm() {}

    static void forward(DType dt, long rows, long n, MemorySegment x, long xo, MemorySegment w, long wo,
                        MemorySegment b, long bo, double eps, MemorySegment y, long yo,
                        MemorySegment mean, long mo, MemorySegment rstd, long ro) {
        FusedKernels k = FusedKernels.of(dt);
        CpuParallel.forRange(rows, Math.max(1, CpuBackend.GRAIN / Math.max(1, n)), (r0, r1) -> {
            for (long r = r0; r < r1; r++) {
                long off = r * n;
                double mu = k.sum(n, x, xo + off) / n;
                double var = k.sumSquaredDeviations(n, x, xo + off, mu) / n;
                double rs = 1 / Math.sqrt(var + eps);
                if (mean != null) k.set(mean, mo + r, mu);
                if (rstd != null) k.set(rstd, ro + r, rs);
                // normalizeRow rounds mu and rs to the element type, as saved: the backward sees the same values.
                k.normalizeRow(n, x, xo + off, mu, rs, w, wo, b, bo, y, yo + off);
            }
        });
    }

    static void backward(DType dt, long rows, long n, MemorySegment g, long go, MemorySegment x, long xo,
                         MemorySegment mean, long mo, MemorySegment rstd, long ro, MemorySegment w, long wo,
                         MemorySegment dx, long dxo, MemorySegment dw, long dwo, MemorySegment db, long dbo) {
        FusedKernels k = FusedKernels.of(dt);
        if (rows == 0 || n == 0) {
            double[] zeros = new double[(int) n];
            if (dw != null) k.write(n, zeros, dw, dwo);
            if (db != null) k.write(n, zeros, db, dbo);
            return;
        }
        long perBlock = Math.max(Math.max(1, CpuBackend.GRAIN / n), (rows + MAX_BLOCKS - 1) / MAX_BLOCKS);
        int blocks = (int) ((rows + perBlock - 1) / perBlock);
        // With a weight the kernels accumulate both sums or neither (one branch-free loop each way).
        boolean accW = dw != null || (w != null && db != null), accB = db != null || (w != null && dw != null);
        int sums = (accW ? 1 : 0) + (accB ? 1 : 0);
        // Each block's partial dweight (then dbias) in the element type: rows [block*perBlock, ...) add into it.
        try (CpuScratch partial = new CpuScratch(dt, (long) blocks * sums * n)) {
            double[][] wide = new double[blocks * sums][];
            CpuParallel.forRange(blocks, 1, (b0, b1) -> {
                for (long blk = b0; blk < b1; blk++) {
                    long base = blk * sums * n;
                    MemorySegment dwAcc = accW ? partial.segment.asSlice(base * dt.byteSize(), n * dt.byteSize()) : null;
                    MemorySegment dbAcc = accB
                            ? partial.segment.asSlice((base + (accW ? n : 0)) * dt.byteSize(), n * dt.byteSize()) : null;
                    long r0 = blk * perBlock, r1 = Math.min(rows, r0 + perBlock);
                    for (long r = r0; r < r1; r++) {
                        long off = r * n;
                        k.layerNormBackwardRow(n, g, go + off, x, xo + off, k.get(mean, mo + r), k.get(rstd, ro + r),
                                w, wo, dx, dxo + off, dwAcc, dbAcc);
                        if (r1 - r0 > FLUSH_ROWS && ((r - r0 + 1) % FLUSH_ROWS == 0 || r == r1 - 1)) {
                            // Long blocks: move the partial sums to double now and then, to keep them accurate.
                            for (int j = 0; j < sums; j++) {
                                MemorySegment acc = j == 0 && accW ? dwAcc : dbAcc;
                                int at = (int) blk * sums + j;
                                if (wide[at] == null) wide[at] = new double[(int) n];
                                k.addTo(n, acc, 0, wide[at]);
                                acc.fill((byte) 0);
                            }
                        }
                    }
                }
            });
            int j = 0;
            if (accW) total(k, n, blocks, sums, j++, partial.segment, wide, dw, dwo);
            if (accB) total(k, n, blocks, sums, j, partial.segment, wide, db, dbo);
        }
    }

    /** Adds sum j of every block, in block order, in double, and writes it (unless not asked for). */
    private static void total(FusedKernels k, long n, int blocks, int sums, int j, MemorySegment partial,
                              double[][] wide, MemorySegment out, long oo) {
        if (out == null) return;
        double[] s = new double[(int) n];
        for (int blk = 0; blk < blocks; blk++) {
            double[] w = wide[blk * sums + j];
            if (w != null) {
                for (int i = 0; i < n; i++) s[i] += w[i];
            } else {
                k.addTo(n, partial, ((long) blk * sums + j) * n, s);
            }
        }
        k.write(n, s, out, oo);
    }
}
