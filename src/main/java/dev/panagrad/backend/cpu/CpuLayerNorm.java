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
            for (long i = 0; i < n; i++) {
                if (dw != null) k.set(dw, dwo + i, 0);
                if (db != null) k.set(db, dbo + i, 0);
            }
            return;
        }
        long perBlock = Math.max(Math.max(1, CpuBackend.GRAIN / n), (rows + MAX_BLOCKS - 1) / MAX_BLOCKS);
        int blocks = (int) ((rows + perBlock - 1) / perBlock);
        double[][] dwParts = dw != null ? new double[blocks][] : null, dbParts = db != null ? new double[blocks][] : null;
        // With a weight the kernels accumulate both sums or neither (one branch-free loop each way).
        boolean accW = dw != null || (w != null && db != null), accB = db != null || (w != null && dw != null);
        CpuParallel.forRange(blocks, 1, (b0, b1) -> {
            for (long blk = b0; blk < b1; blk++) {
                try (CpuScratch dwAcc = accW ? new CpuScratch(dt, n) : null; CpuScratch dbAcc = accB ? new CpuScratch(dt, n) : null) {
                    double[] dwSum = accW ? new double[(int) n] : null, dbSum = accB ? new double[(int) n] : null;
                    long r0 = blk * perBlock, r1 = Math.min(rows, r0 + perBlock);
                    for (long r = r0; r < r1; r++) {
                        long off = r * n;
                        k.layerNormBackwardRow(n, g, go + off, x, xo + off, k.get(mean, mo + r), k.get(rstd, ro + r),
                                w, wo, dx, dxo + off, accW ? dwAcc.segment : null, accB ? dbAcc.segment : null);
                        if ((r - r0 + 1) % FLUSH_ROWS == 0 || r == r1 - 1) {
                            flush(k, n, dwAcc, dwSum);
                            flush(k, n, dbAcc, dbSum);
                        }
                    }
                    if (dwParts != null) dwParts[(int) blk] = dwSum;
                    if (dbParts != null) dbParts[(int) blk] = dbSum;
                }
            }
        });
        if (dw != null) total(k, n, dwParts, dw, dwo);
        if (db != null) total(k, n, dbParts, db, dbo);
    }

    /** Moves the element-type accumulator into the double sums and zeroes it. */
    private static void flush(FusedKernels k, long n, CpuScratch acc, double[] sum) {
        if (acc == null) return;
        k.addTo(n, acc.segment, 0, sum);
        acc.clear();
    }

    /** Adds the blocks' partial sums in block order and writes them. */
    private static void total(FusedKernels k, long n, double[][] parts, MemorySegment out, long oo) {
        double[] s = new double[(int) n];
        for (double[] p : parts) {
            for (int i = 0; i < n; i++) s[i] += p[i];
        }
        k.write(n, s, out, oo);
    }
}
