package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Conv2dGeometry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static dev.panagrad.backend.cpu.TestSegments.get;
import static dev.panagrad.backend.cpu.TestSegments.random;
import static dev.panagrad.backend.cpu.TestSegments.set;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CPU convolution kernels (forward, input gradient, weight gradient) against sums written
 * straight from the definition of a convolution, in double: blocks of one image and of
 * several with a partial last block, threads taking whole blocks and blocks splitting over
 * the threads, groups, strides, padding, dilation, both dtypes. Every result must also be the
 * same to the bit on one thread and on two.
 */
class ConvolutionKernelsTest {

    /** n, c, h, w, o, groups, kh, kw, sh, sw, ph, pw, dh, dw */
    static Stream<Arguments> geometries() {
        int[][] s = {
                // 28x28 single-channel images: six per block, blocks 6+6+6+2 (threads take blocks)
                {20, 1, 28, 28, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1},
                // 11 blocks summed in 8 runs of blocks for the weight gradient
                {64, 1, 28, 28, 4, 1, 3, 3, 1, 1, 1, 1, 1, 1},
                // one image per block (16 channels of 14x14), enough blocks to share
                {6, 16, 14, 14, 8, 1, 3, 3, 1, 1, 1, 1, 1, 1},
                // two blocks: each block's kernels split over the threads instead
                {2, 16, 14, 14, 8, 1, 3, 3, 1, 1, 1, 1, 1, 1},
                // one small block holding every image
                {3, 2, 7, 9, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1},
                // groups, strides, dilation, uneven padding, non-square kernels
                {5, 4, 9, 11, 6, 2, 3, 2, 2, 1, 1, 2, 1, 1},
                {4, 6, 12, 13, 6, 3, 3, 3, 1, 2, 2, 0, 2, 2},
                {3, 2, 5, 5, 4, 1, 1, 1, 1, 1, 0, 0, 1, 1},
        };
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] x : s) out.add(Arguments.of(dt, x));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("geometries")
    void matchesTheDefinitionOnOneAndTwoThreads(DType dt, int[] s) {
        int n = s[0], c = s[1], h = s[2], w = s[3], o = s[4], groups = s[5];
        int oh = Conv2dGeometry.outSize(h, s[6], s[8], s[10], s[12]);
        int ow = Conv2dGeometry.outSize(w, s[7], s[9], s[11], s[13]);
        Conv2dGeometry g = new Conv2dGeometry(n, c, h, w, s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], oh, ow);
        int cg = c / groups, og = o / groups;
        int xSize = n * c * h * w, wSize = o * cg * g.kh() * g.kw(), ySize = n * o * oh * ow;
        Random rnd = new Random(31L * n + 7L * c + h + o);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment x = random(arena, dt, xSize, rnd), wt = random(arena, dt, wSize, rnd);
            MemorySegment bias = random(arena, dt, o, rnd), gy = random(arena, dt, ySize, rnd);
            double[] out = new double[ySize], gx = new double[xSize], gw = new double[wSize];
            // every (output, weight tap, input) triple of the definition
            for (int ni = 0; ni < n; ni++) {
                for (int oc = 0; oc < o; oc++) {
                    int grp = oc / og;
                    for (int y = 0; y < oh; y++) {
                        for (int xo = 0; xo < ow; xo++) {
                            int yi = ((ni * o + oc) * oh + y) * ow + xo;
                            double acc = get(dt, bias, oc);
                            for (int ci = 0; ci < cg; ci++) {
                                for (int ki = 0; ki < g.kh(); ki++) {
                                    for (int kj = 0; kj < g.kw(); kj++) {
                                        int ih = y * g.sh() - g.ph() + ki * g.dh(), iw = xo * g.sw() - g.pw() + kj * g.dw();
                                        if (ih < 0 || iw < 0 || ih >= h || iw >= w) continue;
                                        int xi = ((ni * c + grp * cg + ci) * h + ih) * w + iw;
                                        int wi = ((oc * cg + ci) * g.kh() + ki) * g.kw() + kj;
                                        acc += get(dt, x, xi) * get(dt, wt, wi);
                                        gx[xi] += get(dt, gy, yi) * get(dt, wt, wi);
                                        gw[wi] += get(dt, gy, yi) * get(dt, x, xi);
                                    }
                                }
                            }
                            out[yi] = acc;
                        }
                    }
                }
            }
            MemorySegment[] first = null;
            for (int threads = 1; threads <= 2; threads++) {
                CpuParallel.setThreads(threads);
                try {
                    MemorySegment got = filled(arena, dt, ySize), gotGx = filled(arena, dt, xSize), gotGw = filled(arena, dt, wSize);
                    CpuConvolution.forward(dt, g, o, groups, x, 0, wt, 0, bias, 0, got, 0);
                    CpuConvolution.inputGrad(dt, g, o, groups, gy, 0, wt, 0, gotGx, 0);
                    CpuConvolution.weightGrad(dt, g, o, groups, gy, 0, x, 0, gotGw, 0);
                    assertClose(dt, out, got, "forward, threads=" + threads);
                    assertClose(dt, gx, gotGx, "input gradient, threads=" + threads);
                    assertClose(dt, gw, gotGw, "weight gradient, threads=" + threads);
                    MemorySegment[] now = {got, gotGx, gotGw};
                    if (first != null) {
                        for (int r = 0; r < 3; r++) {
                            assertEquals(-1L, first[r].mismatch(now[r]), "result " + r + " differs between one and two threads");
                        }
                    }
                    first = now;
                } finally {
                    CpuParallel.setThreads(Runtime.getRuntime().availableProcessors());
                }
            }
        }
    }

    private static void assertClose(DType dt, double[] want, MemorySegment got, String what) {
        double tol = dt == DType.FLOAT32 ? 2e-5 : 1e-12;
        double scale = 0;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], get(dt, got, i), tol * (1 + scale), what + " element " + i);
        }
    }

    /** A buffer full of NaN, so anything a kernel fails to write shows. */
    private static MemorySegment filled(Arena arena, DType dt, long n) {
        MemorySegment s = arena.allocate(n * dt.byteSize(), 64);
        for (long i = 0; i < n; i++) set(dt, s, i, Double.NaN);
        return s;
    }
}
