package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API fused kernels against the scalar reference kernels, method by method, on
 * rows whose lengths end vector loops with every kind of tail (1, 7, 16, 17, 33), span
 * several softmax chunks (2049, 4100), and on strided column blocks narrower and wider than
 * a vector; float32 and float64. Offsets are odd so nothing is aligned.
 */
class FusedKernelsTest {
    private static final long[] LENGTHS = {1, 7, 16, 17, 33, 130, 2049, 4100};

    private record Pair(DType dt, FusedKernels vector, FusedKernels scalar, double tol) {
    }

    private static Pair[] pairs() {
        return new Pair[] {
                new Pair(DType.FLOAT32, new FloatVectorFusedKernels(), new FloatScalarFusedKernels(), 2e-5),
                new Pair(DType.FLOAT64, new DoubleVectorFusedKernels(), new DoubleScalarFusedKernels(), 1e-12)};
    }

    private final Random rnd = new Random(42);

    private static MemorySegment alloc(Arena a, FusedKernels k, long n) {
        return a.allocate(Math.max(1, n) * (k instanceof FloatScalarFusedKernels ? 4 : 8), 64);
    }

    private MemorySegment random(Arena a, FusedKernels k, long n, double scale) {
        MemorySegment m = alloc(a, k, n);
        for (long i = 0; i < n; i++) k.set(m, i, rnd.nextGaussian() * scale);
        return m;
    }

    private static void same(String what, Pair p, MemorySegment expected, MemorySegment actual, long from, long n) {
        for (long i = from; i < from + n; i++) {
            double e = p.scalar.get(expected, i), v = p.scalar.get(actual, i);
            boolean ok = Double.isNaN(e) ? Double.isNaN(v) : e == v || Math.abs(e - v) <= p.tol * (1 + Math.abs(e));
            assertTrue(ok, p.dt + " " + what + ": element " + i + " is " + v + ", expected " + e);
        }
    }

    private static void same(String what, Pair p, double e, double v) {
        assertTrue(Math.abs(e - v) <= p.tol * (1 + Math.abs(e)), p.dt + " " + what + ": " + v + ", expected " + e);
    }

    @Test
    void softmaxRowsAndColumns() {
        for (Pair p : pairs()) {
            try (Arena a = Arena.ofConfined()) {
                for (long n : LENGTHS) {
                    for (long width : new long[] {1, 3}) {
                        // contiguous rows, then columns of a [n, inner] slab at stride inner
                        long[][] layouts = {{1, width * n}, {width + 5, n * (width + 5)}, {70, n * 70}};
                        for (long[] lay : layouts) {
                            long stride = lay[0], size = lay[1] + 3;
                            long w = stride == 1 ? width : Math.min(width * 23, stride);
                            MemorySegment x = random(a, p.scalar, size, 4);
                            MemorySegment g = random(a, p.scalar, size, 1);
                            for (boolean log : new boolean[] {false, true}) {
                                String what = (log ? "log_softmax" : "softmax") + " n=" + n + " stride=" + stride + " width=" + w;
                                MemorySegment ye = alloc(a, p.scalar, size), yv = alloc(a, p.scalar, size);
                                p.scalar.softmax(log, n, stride, w, x, 3, ye, 3);
                                p.vector.softmax(log, n, stride, w, x, 3, yv, 3);
                                same(what, p, ye, yv, 3, lay[1]);
                                MemorySegment ge = alloc(a, p.scalar, size), gv = alloc(a, p.scalar, size);
                                p.scalar.softmaxBackward(log, n, stride, w, ye, 3, g, 3, ge, 3);
                                p.vector.softmaxBackward(log, n, stride, w, ye, 3, g, 3, gv, 3);
                                same(what + " backward", p, ge, gv, 3, lay[1]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void crossEntropyRows() {
        for (Pair p : pairs()) {
            try (Arena a = Arena.ofConfined()) {
                for (long n : LENGTHS) {
                    long rows = 4;
                    MemorySegment x = random(a, p.scalar, rows * n + 1, 3);
                    if (n > 2) p.scalar.set(x, 1 + n + 1, Double.NEGATIVE_INFINITY);
                    MemorySegment t = a.allocate(8 * rows, 8);
                    for (int j = 0; j < rows; j++) t.setAtIndex(ValueLayout.JAVA_LONG, j, j == 2 ? -100 : rnd.nextInt((int) n));
                    MemorySegment g = random(a, p.scalar, rows, 1);
                    for (double s : new double[] {0, 0.3}) {
                        String what = "cross_entropy n=" + n + " smoothing " + s;
                        MemorySegment le = alloc(a, p.scalar, rows), lv = alloc(a, p.scalar, rows);
                        MemorySegment se = alloc(a, p.scalar, rows), sv = alloc(a, p.scalar, rows);
                        p.scalar.crossEntropy(n, 1, rows, x, 1, t, 0, -100, s, le, 0, se, 0);
                        p.vector.crossEntropy(n, 1, rows, x, 1, t, 0, -100, s, lv, 0, sv, 0);
                        same(what, p, le, lv, 0, rows);
                        same(what + " lse", p, se, sv, 0, rows);
                        MemorySegment de = alloc(a, p.scalar, rows * n), dv = alloc(a, p.scalar, rows * n);
                        p.scalar.crossEntropyBackward(n, 1, rows, x, 1, se, 0, t, 0, -100, s, g, 0, 1, 0.5, de, 0);
                        p.vector.crossEntropyBackward(n, 1, rows, x, 1, se, 0, t, 0, -100, s, g, 0, 1, 0.5, dv, 0);
                        same(what + " backward", p, de, dv, 0, rows * n);
                    }
                }
            }
        }
    }

    @Test
    void normalisationPieces() {
        for (Pair p : pairs()) {
            try (Arena a = Arena.ofConfined()) {
                for (long n : LENGTHS) {
                    MemorySegment x = random(a, p.scalar, n + 5, 2), g = random(a, p.scalar, n + 5, 1);
                    MemorySegment w = random(a, p.scalar, n + 5, 1), b = random(a, p.scalar, n + 5, 1);
                    double mean = 0.3, rstd = 1.7;
                    same("sum n=" + n, p, p.scalar.sum(n, x, 5), p.vector.sum(n, x, 5));
                    same("ssd n=" + n, p, p.scalar.sumSquaredDeviations(n, x, 5, mean), p.vector.sumSquaredDeviations(n, x, 5, mean));
                    double[] se = new double[2], sv = new double[2];
                    p.scalar.gradientSums(n, g, 5, x, 5, mean, se);
                    p.vector.gradientSums(n, g, 5, x, 5, mean, sv);
                    same("gradient sums n=" + n, p, se[0], sv[0]);
                    same("gradient sums n=" + n, p, se[1], sv[1]);
                    MemorySegment oe = alloc(a, p.scalar, n + 5), ov = alloc(a, p.scalar, n + 5);
                    for (int mask = 0; mask < 4; mask++) {
                        MemorySegment ww = (mask & 1) != 0 ? w : null, bb = (mask & 2) != 0 ? b : null;
                        p.scalar.normalizeRow(n, x, 5, mean, rstd, ww, 5, bb, 5, oe, 5);
                        p.vector.normalizeRow(n, x, 5, mean, rstd, ww, 5, bb, 5, ov, 5);
                        same("normalizeRow n=" + n + " mask " + mask, p, oe, ov, 5, n);
                    }
                    p.scalar.affine(n, x, 5, mean, -0.7, 0.2, oe, 5);
                    p.vector.affine(n, x, 5, mean, -0.7, 0.2, ov, 5);
                    same("affine n=" + n, p, oe, ov, 5, n);
                    p.scalar.combine(n, g, 5, 1.3, x, 5, mean, -0.4, 0.25, oe, 5);
                    p.vector.combine(n, g, 5, 1.3, x, 5, mean, -0.4, 0.25, ov, 5);
                    same("combine n=" + n, p, oe, ov, 5, n);
                    double[] acc = new double[(int) n];
                    p.vector.addTo(n, x, 5, acc);
                    p.vector.write(n, acc, ov, 5);
                    same("addTo and write n=" + n, p, x, ov, 5, n);
                    for (boolean withW : new boolean[] {false, true}) {
                        MemorySegment dwe = alloc(a, p.scalar, n), dwv = alloc(a, p.scalar, n);
                        MemorySegment dbe = alloc(a, p.scalar, n), dbv = alloc(a, p.scalar, n);
                        for (int rep = 0; rep < 2; rep++) { // accumulates
                            p.scalar.layerNormBackwardRow(n, g, 5, x, 5, mean, rstd, withW ? w : null, 5, oe, 5, dwe, dbe);
                            p.vector.layerNormBackwardRow(n, g, 5, x, 5, mean, rstd, withW ? w : null, 5, ov, 5, dwv, dbv);
                        }
                        String what = "layer norm backward row n=" + n + (withW ? " with weight" : "");
                        same(what, p, oe, ov, 5, n);
                        same(what + " dw", p, dwe, dwv, 0, n);
                        same(what + " db", p, dbe, dbv, 0, n);
                    }
                }
            }
        }
    }
}
