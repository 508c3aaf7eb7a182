package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.PoolGeometry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.panagrad.backend.cpu.TestSegments.get;
import static dev.panagrad.backend.cpu.TestSegments.random;
import static dev.panagrad.backend.cpu.TestSegments.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The image kernels against loops written straight from their definitions: im2col and col2im
 * for strides, padding and dilation (planes copied through padded heap arrays; vector rows
 * for horizontal stride 1), and max
 * pooling with every window inside the image (vector gathers, scalar fallback) with ties,
 * NaNs, rows longer than a vector and partial last blocks, both dtypes, one and two threads.
 */
class SpatialKernelsTest {

    /** n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw */
    static Stream<Arguments> convGeometries() {
        int[][] s = {
                {2, 3, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1}, {1, 2, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1},
                {3, 2, 9, 11, 3, 2, 2, 3, 1, 2, 1, 1}, {2, 1, 10, 12, 2, 3, 1, 2, 0, 1, 2, 2},
                {1, 4, 5, 5, 1, 1, 1, 1, 0, 0, 1, 1}, {2, 2, 6, 4, 5, 3, 1, 1, 2, 1, 1, 1},
                {1, 1, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1},
                // horizontal stride 1 with rows of half a vector to a whole one (the vector kernels),
                // dilated, vertically strided, and enough planes for col2im's groups of planes
                {4, 3, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1}, {2, 2, 12, 13, 3, 3, 1, 1, 2, 2, 2, 2},
                {2, 2, 11, 16, 3, 3, 2, 1, 1, 1, 1, 1}, {64, 4, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1},
        };
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int threads = 1; threads <= 2; threads++) {
                for (int[] x : s) out.add(Arguments.of(dt, threads, x));
            }
        }
        return out.stream();
    }

    private static Conv2dGeometry conv(int[] x) {
        int oh = Conv2dGeometry.outSize(x[2], x[4], x[6], x[8], x[10]);
        int ow = Conv2dGeometry.outSize(x[3], x[5], x[7], x[9], x[11]);
        return new Conv2dGeometry(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7], x[8], x[9], x[10], x[11], oh, ow);
    }

    @ParameterizedTest(name = "{0} threads={1} {2}")
    @MethodSource("convGeometries")
    void im2colAndCol2imMatchTheirDefinitions(DType dt, int threads, int[] shape) {
        CpuParallel.setThreads(threads);
        try {
            Conv2dGeometry g = conv(shape);
            Random rnd = new Random(shape[2] * 31L + shape[3]);
            int images = g.n() * g.c() * g.h() * g.w();
            long colSize = g.rows() * g.cols();
            try (Arena arena = Arena.ofShared()) {
                MemorySegment x = random(arena, dt, images, rnd);
                MemorySegment col = arena.allocate(colSize * dt.byteSize(), 64);
                CpuSpatial.im2col(dt, g, x, 0, col, 0);
                forEachTap(g, (row, n, c, oh, ow, ih, iw) -> {
                    double want = ih < 0 || iw < 0 || ih >= g.h() || iw >= g.w() ? 0
                            : get(dt, x, (((long) n * g.c() + c) * g.h() + ih) * g.w() + iw);
                    long at = row * g.cols() + ((long) n * g.oh() + oh) * g.ow() + ow;
                    assertEquals(want, get(dt, col, at), "im2col row " + row + " image " + n + " at " + oh + "," + ow);
                });
                // col2im adds every column element onto the input it came from (padding dropped),
                // onto what the images held
                MemorySegment cols = random(arena, dt, colSize, rnd);
                MemorySegment into = random(arena, dt, images, rnd);
                double[] want = new double[images];
                for (int i = 0; i < images; i++) want[i] = get(dt, into, i);
                forEachTap(g, (row, n, c, oh, ow, ih, iw) -> {
                    if (ih < 0 || iw < 0 || ih >= g.h() || iw >= g.w()) return;
                    want[(int) ((((long) n * g.c() + c) * g.h() + ih) * g.w() + iw)] +=
                            get(dt, cols, row * g.cols() + ((long) n * g.oh() + oh) * g.ow() + ow);
                });
                CpuSpatial.col2im(dt, g, cols, 0, into, 0);
                double tol = dt == DType.FLOAT32 ? 1e-5 : 1e-12;
                for (int i = 0; i < images; i++) {
                    assertEquals(want[i], get(dt, into, i), tol * (1 + Math.abs(want[i])), "col2im element " + i);
                }
            }
        } finally {
            CpuParallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    /** What one column-matrix element is: row (c, ki, kj), image n, output (oh, ow), input (ih, iw) it reads. */
    private interface Tap {
        void at(long row, int n, int c, int oh, int ow, int ih, int iw);
    }

    /** Every element of the column matrix, from the definition of the unfolding. */
    private static void forEachTap(Conv2dGeometry g, Tap tap) {
        for (int c = 0; c < g.c(); c++) {
            for (int ki = 0; ki < g.kh(); ki++) {
                for (int kj = 0; kj < g.kw(); kj++) {
                    long row = ((long) c * g.kh() + ki) * g.kw() + kj;
                    for (int n = 0; n < g.n(); n++) {
                        for (int oh = 0; oh < g.oh(); oh++) {
                            for (int ow = 0; ow < g.ow(); ow++) {
                                tap.at(row, n, c, oh, ow, oh * g.sh() - g.ph() + ki * g.dh(), ow * g.sw() - g.pw() + kj * g.dw());
                            }
                        }
                    }
                }
            }
        }
    }

    /** planes, h, w, kh, kw, sh, sw (no padding, no dilation: every window inside). */
    static Stream<Arguments> poolGeometries() {
        int[][] s = {
                {8, 28, 28, 2, 2, 2, 2}, {5, 14, 14, 2, 2, 2, 2}, {3, 9, 40, 3, 3, 1, 1}, {2, 7, 37, 2, 3, 2, 3},
                {4, 5, 16, 1, 1, 1, 1}, {2, 6, 33, 3, 2, 3, 1}, {3, 4, 4, 4, 4, 1, 1}, {2, 6, 70, 2, 2, 2, 2},
                {3, 9, 41, 3, 2, 2, 2}, {2, 5, 5, 1, 2, 1, 2},
                // windows that tile the image, 4 and 8 wide with rows and columns no window reaches, and 3 wide
                {3, 9, 35, 4, 4, 4, 4}, {2, 16, 70, 8, 8, 8, 8}, {2, 7, 30, 3, 3, 3, 3},
        };
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] x : s) out.add(Arguments.of(dt, x));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("poolGeometries")
    void maxPoolWithWindowsInsideAndItsGradientMatchTheirDefinitions(DType dt, int[] s) {
        int planes = s[0], h = s[1], w = s[2], kh = s[3], kw = s[4], sh = s[5], sw = s[6];
        int oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
        PoolGeometry g = new PoolGeometry(h, w, kh, kw, sh, sw, 0, 0, 1, 1, oh, ow);
        assertTrue(g.windowsInside());
        Random rnd = new Random(h * 131L + w);
        try (Arena arena = Arena.ofConfined()) {
            int n = planes * h * w;
            MemorySegment in = arena.allocate((long) n * dt.byteSize(), 64);
            for (int i = 0; i < n; i++) {
                // few distinct values, so windows hold ties; some NaNs
                double v = rnd.nextInt(50) == 0 ? Double.NaN : rnd.nextInt(5) - 2;
                set(dt, in, i, v);
            }
            long outs = (long) planes * oh * ow;
            Kernels1D[] kernels = {dt == DType.FLOAT32 ? KernelSelection.F32 : KernelSelection.F64,
                    dt == DType.FLOAT32 ? new FloatScalarKernels() : new DoubleScalarKernels()};
            for (Kernels1D k : kernels) {
                MemorySegment out = arena.allocate(outs * dt.byteSize(), 64);
                MemorySegment idx = arena.allocate(outs * 8, 64);
                k.maxPoolInside(g, 0, planes, in, 0, out, 0, idx, 0);
                String who = k.getClass().getSimpleName();
                for (int p = 0; p < planes; p++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            // the first maximum in row-major window order, the first NaN if any
                            double best = 0;
                            long at = -1;
                            for (int a = 0; a < kh && !(at >= 0 && Double.isNaN(best)); a++) {
                                for (int b = 0; b < kw; b++) {
                                    long f = (long) (i * sh + a) * w + j * sw + b;
                                    double v = get(dt, in, (long) p * h * w + f);
                                    if (at < 0 || v > best || (Double.isNaN(v) && !Double.isNaN(best))) {
                                        best = v;
                                        at = f;
                                    }
                                    if (Double.isNaN(best)) break;
                                }
                            }
                            long o = ((long) p * oh + i) * ow + j;
                            String where = who + " plane " + p + " output " + i + "," + j;
                            assertEquals(at, idx.getAtIndex(ValueLayout.JAVA_LONG, o), where);
                            assertEquals(best, get(dt, out, o), where);
                        }
                    }
                }
                // backward, into zeroed planes: each window's gradient added at its maximum, 0 elsewhere
                MemorySegment go = random(arena, dt, outs, rnd);
                MemorySegment gi = arena.allocate((long) n * dt.byteSize(), 64);
                double[] want = new double[n];
                for (long o = 0; o < outs; o++) {
                    long p = o / ((long) oh * ow);
                    want[(int) (p * h * w + idx.getAtIndex(ValueLayout.JAVA_LONG, o))] += get(dt, go, o);
                }
                CpuSpatial.poolBackward(dt, g, true, false, planes, go, 0, idx, 0, gi, 0);
                for (int i = 0; i < n; i++) assertEquals(want[i], get(dt, gi, i), 1e-6, who + " gradient of input " + i);
            }
        }
    }
}
