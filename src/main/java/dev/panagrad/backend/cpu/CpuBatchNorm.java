package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/**
 * Drivers of batch normalisation over contiguous [outer, channels, inner]: channel c is
 * {@code outer} planes of {@code inner} contiguous elements. Statistics and the backward
 * run per channel (two sweeps over its planes, the second from cache when the channel
 * fits); the forward write runs per plane.
 */
final class CpuBatchNorm {
    private CpuBatchNorm() {}

    private static long plane(long o, long c, long channels, long inner) {
        return (o * channels + c) * inner;
    }

    private static long channelGrain(long outer, long inner) {
        return Math.max(1, CpuBackend.GRAIN / Math.max(1, outer * inner));
    }

    static void stats(DType dt, long outer, long channels, long inner, MemorySegment x, long xo,
                      MemorySegment mean, long mo, MemorySegment var, long vo) {
        FusedKernels k = FusedKernels.of(dt);
        double count = (double) outer * inner;
        CpuParallel.forRange(channels, channelGrain(outer, inner), (c0, c1) -> {
            for (long c = c0; c < c1; c++) {
                double s = 0;
                for (long o = 0; o < outer; o++) s += k.sum(inner, x, xo + plane(o, c, channels, inner));
                double mu = s / count;
                double q = 0;
                for (long o = 0; o < outer; o++) {
                    q += k.sumSquaredDeviations(inner, x, xo + plane(o, c, channels, inner), mu);
                }
                k.set(mean, mo + c, mu);
                k.set(var, vo + c, q / count);
            }
        });
    }

    static void apply(DType dt, long outer, long channels, long inner, MemorySegment x, long xo,
                      MemorySegment mean, long mo, MemorySegment var, long vo, double eps,
                      MemorySegment w, long wo, MemorySegment b, long bo, MemorySegment y, long yo) {
        FusedKernels k = FusedKernels.of(dt);
        CpuParallel.forRange(outer * channels, Math.max(1, CpuBackend.GRAIN / Math.max(1, inner)), (p0, p1) -> {
            for (long p = p0; p < p1; p++) {
                long c = p % channels;
                double rs = 1 / Math.sqrt(k.get(var, vo + c) + eps);
                double a = w == null ? rs : k.get(w, wo + c) * rs;
                double shift = b == null ? 0 : k.get(b, bo + c);
                k.affine(inner, x, xo + p * inner, k.get(mean, mo + c), a, shift, y, yo + p * inner);
            }
        });
    }

    static void backward(DType dt, boolean batchStats, long outer, long channels, long inner,
                         MemorySegment g, long go, MemorySegment x, long xo, MemorySegment mean, long mo,
                         MemorySegment var, long vo, double eps, MemorySegment w, long wo,
                         MemorySegment dx, long dxo, MemorySegment dw, long dwo, MemorySegment db, long dbo) {
        FusedKernels k = FusedKernels.of(dt);
        double count = (double) outer * inner;
        CpuParallel.forRange(channels, channelGrain(outer, inner), (c0, c1) -> {
            double[] sums = new double[2];
            for (long c = c0; c < c1; c++) {
                double mu = k.get(mean, mo + c), rs = 1 / Math.sqrt(k.get(var, vo + c) + eps);
                double wc = w == null ? 1 : k.get(w, wo + c);
                sums[0] = 0;
                sums[1] = 0;
                if (batchStats || dw != null || db != null) {
                    for (long o = 0; o < outer; o++) {
                        long p = plane(o, c, channels, inner);
                        k.gradientSums(inner, g, go + p, x, xo + p, mu, sums);
                    }
                }
                if (dw != null) k.set(dw, dwo + c, sums[1] * rs);
                if (db != null) k.set(db, dbo + c, sums[0]);
                if (dx == null) continue;
                // dx = w*rstd*(g - mean(g) - xhat*mean(g*xhat)) with batch statistics, w*rstd*g without.
                double a = wc * rs;
                double bcoef = batchStats ? -wc * rs * rs * rs * sums[1] / count : 0;
                double ccoef = batchStats ? -wc * rs * sums[0] / count : 0;
                for (long o = 0; o < outer; o++) {
                    long p = plane(o, c, channels, inner);
                    if (batchStats) k.combine(inner, g, go + p, a, x, xo + p, mu, bcoef, ccoef, dx, dxo + p);
                    else k.affine(inner, g, go + p, 0, a, 0, dx, dxo + p);
                }
            }
        });
    }
}
