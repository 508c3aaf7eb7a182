package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/**
 * Drivers of batch normalisation over contiguous [outer, channels, inner]: channel c is
 * {@code outer} planes of {@code inner} contiguous elements. Work is split by channel: the
 * statistics and the backward sweep a channel twice (the second time from cache when the
 * channel fits), the forward write once. Planes narrower than {@link #NARROW} elements
 * (BatchNorm1d on [N, C]) are first gathered into one contiguous scratch row per channel,
 * so the vector kernels see long rows, and results are scattered back.
 */
final class CpuBatchNorm {
    /** Planes shorter than this are gathered per channel. */
    static final long NARROW = 32;

    private CpuBatchNorm() {}

    /**
     * One channel's data: {@code planes} runs of {@code len} contiguous elements, run o at
     * {@code base + o*step} of {@code seg}.
     */
    private record Channel(MemorySegment seg, long base, long step, long planes, long len) {
        long at(long o) {
            return base + o * step;
        }
    }

    /** Per-thread buffers of one work range: gathered x, g and the result of narrow channels. */
    private static final class Scratch implements AutoCloseable {
        private final CpuScratch xs, gs, outs;
        final MemorySegment x, g, out;

        Scratch(DType dt, long n, boolean withGradient) {
            xs = new CpuScratch(dt, n);
            gs = withGradient ? new CpuScratch(dt, n) : null;
            outs = new CpuScratch(dt, n);
            x = xs.segment;
            g = gs == null ? null : gs.segment;
            out = outs.segment;
        }

        /** A scratch for narrow planes, else null. */
        static Scratch of(boolean narrow, DType dt, long n, boolean withGradient) {
            return narrow ? new Scratch(dt, n, withGradient) : null;
        }

        @Override
        public void close() {
            xs.close();
            if (gs != null) gs.close();
            outs.close();
        }
    }

    private static boolean narrow(long outer, long inner) {
        return inner < NARROW && outer > 1;
    }

    private static long grain(long outer, long inner) {
        return Math.max(1, CpuBackend.GRAIN / Math.max(1, outer * inner));
    }

    /** Channel c of the tensor at {@code off}, gathered into {@code into} when its planes are narrow. */
    private static Channel channel(DType dt, MemorySegment seg, long off, long outer, long channels, long inner, long c,
                                   MemorySegment into) {
        if (!narrow(outer, inner)) return new Channel(seg, off + c * inner, channels * inner, outer, inner);
        Kernels1D k1 = KernelSelection.of(dt);
        for (long i = 0; i < inner; i++) {
            k1.copy(outer, seg, off + c * inner + i, channels * inner, into, i * outer, 1);
        }
        // Gathered column-major within the channel: element (o, i) at i*outer + o; order does not matter to the sums.
        return new Channel(into, 0, 0, 1, outer * inner);
    }

    /** Writes a gathered channel result back to (o, c, i) positions of the tensor at {@code off}. */
    private static void scatter(DType dt, MemorySegment from, MemorySegment seg, long off, long outer, long channels,
                                long inner, long c) {
        Kernels1D k1 = KernelSelection.of(dt);
        for (long i = 0; i < inner; i++) {
            k1.copy(outer, from, i * outer, 1, seg, off + c * inner + i, channels * inner);
        }
    }

    static void stats(DType dt, long outer, long channels, long inner, MemorySegment x, long xo,
                      MemorySegment mean, long mo, MemorySegment var, long vo) {
        FusedKernels k = FusedKernels.of(dt);
        double count = (double) outer * inner;
        boolean narrow = narrow(outer, inner);
        CpuParallel.forRange(channels, grain(outer, inner), (c0, c1) -> {
            try (Scratch s = Scratch.of(narrow, dt, outer * inner, false)) {
                for (long c = c0; c < c1; c++) {
                    Channel ch = channel(dt, x, xo, outer, channels, inner, c, narrow ? s.x : null);
                    double sum = 0;
                    for (long o = 0; o < ch.planes(); o++) sum += k.sum(ch.len(), ch.seg(), ch.at(o));
                    double mu = sum / count, q = 0;
                    for (long o = 0; o < ch.planes(); o++) q += k.sumSquaredDeviations(ch.len(), ch.seg(), ch.at(o), mu);
                    k.set(mean, mo + c, mu);
                    k.set(var, vo + c, q / count);
                }
            }
        });
    }

    static void apply(DType dt, long outer, long channels, long inner, MemorySegment x, long xo,
                      MemorySegment mean, long mo, MemorySegment var, long vo, double eps,
                      MemorySegment w, long wo, MemorySegment b, long bo, MemorySegment y, long yo) {
        FusedKernels k = FusedKernels.of(dt);
        boolean narrow = narrow(outer, inner);
        CpuParallel.forRange(channels, grain(outer, inner), (c0, c1) -> {
            try (Scratch s = Scratch.of(narrow, dt, outer * inner, false)) {
                for (long c = c0; c < c1; c++) {
                    double rs = 1 / Math.sqrt(k.get(var, vo + c) + eps);
                    double a = w == null ? rs : k.get(w, wo + c) * rs;
                    double shift = b == null ? 0 : k.get(b, bo + c), mu = k.get(mean, mo + c);
                    Channel ch = channel(dt, x, xo, outer, channels, inner, c, narrow ? s.x : null);
                    if (narrow) {
                        k.affine(ch.len(), ch.seg(), 0, mu, a, shift, s.out, 0);
                        scatter(dt, s.out, y, yo, outer, channels, inner, c);
                        continue;
                    }
                    for (long o = 0; o < outer; o++) k.affine(inner, x, ch.at(o), mu, a, shift, y, yo - xo + ch.at(o));
                }
            }
        });
    }

    static void backward(DType dt, boolean batchStats, long outer, long channels, long inner,
                         MemorySegment g, long go, MemorySegment x, long xo, MemorySegment mean, long mo,
                         MemorySegment var, long vo, double eps, MemorySegment w, long wo,
                         MemorySegment dx, long dxo, MemorySegment dw, long dwo, MemorySegment db, long dbo) {
        FusedKernels k = FusedKernels.of(dt);
        double count = (double) outer * inner;
        boolean narrow = narrow(outer, inner);
        boolean sums = batchStats || dw != null || db != null;
        CpuParallel.forRange(channels, grain(outer, inner), (c0, c1) -> {
            double[] acc = new double[2];
            try (Scratch s = Scratch.of(narrow, dt, outer * inner, true)) {
                for (long c = c0; c < c1; c++) {
                    double mu = k.get(mean, mo + c), rs = 1 / Math.sqrt(k.get(var, vo + c) + eps);
                    double wc = w == null ? 1 : k.get(w, wo + c);
                    Channel xc = channel(dt, x, xo, outer, channels, inner, c, narrow ? s.x : null);
                    Channel gc = channel(dt, g, go, outer, channels, inner, c, narrow ? s.g : null);
                    acc[0] = 0;
                    acc[1] = 0;
                    if (sums) {
                        for (long o = 0; o < xc.planes(); o++) {
                            k.gradientSums(xc.len(), gc.seg(), gc.at(o), xc.seg(), xc.at(o), mu, acc);
                        }
                    }
                    if (dw != null) k.set(dw, dwo + c, acc[1] * rs);
                    if (db != null) k.set(db, dbo + c, acc[0]);
                    if (dx == null) continue;
                    // dx = w*rstd*(g - mean(g) - xhat*mean(g*xhat)) with batch statistics, w*rstd*g without.
                    double a = wc * rs;
                    double bq = batchStats ? -wc * rs * rs * rs * acc[1] / count : 0;
                    double cq = batchStats ? -wc * rs * acc[0] / count : 0;
                    for (long o = 0; o < xc.planes(); o++) {
                        MemorySegment to = narrow ? s.out : dx;
                        long at = narrow ? 0 : dxo - xo + xc.at(o);
                        if (batchStats) k.combine(xc.len(), gc.seg(), gc.at(o), a, xc.seg(), xc.at(o), mu, bq, cq, to, at);
                        else k.affine(xc.len(), gc.seg(), gc.at(o), 0, a, 0, to, at);
                    }
                    if (narrow) scatter(dt, s.out, dx, dxo, outer, channels, inner, c);
                }
            }
        });
    }
}
