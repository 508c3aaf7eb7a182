package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.Gemm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every GEMM path (the planner's choice through the backend, the packed path in both
 * orientations, the direct kernels where their strides allow, the scalar fallback) against
 * {@link ReferenceGemm}, which accumulates in double. Shapes sit on and around the
 * micro-tile (MR = 12, NR = 32 floats / 16 doubles) and block (KC = 256, MC = 120 / 60,
 * NC = 512 / 256) boundaries; each case draws, from its own seed, transposed or row-major operands, padded
 * (sliced) rows, element offsets, batches with a broadcast operand (batch stride 0), alpha
 * and beta in {0, 1, 0.5} (beta 0 with NaN in C). Storage around the logical C must stay
 * untouched. The error bound is relative to {@code |alpha| sum|a||b| + |beta c|} per element,
 * (k + 8) units of roundoff: loose enough for any summation order, tight enough that one
 * missing or doubled term fails.
 */
class GemmTest {
    private static final int[][] SHAPES = {
            {1, 1, 1}, {1, 33, 17}, {17, 1, 65}, {3, 3, 3}, {5, 7, 300}, {2, 40, 9},
            {12, 32, 256}, {11, 31, 255}, {13, 33, 257}, {24, 64, 513}, {25, 65, 1}, {23, 63, 2},
            {31, 33, 17}, {33, 31, 129}, {65, 127, 31}, {127, 65, 33}, {129, 129, 129},
            {300, 17, 31}, {17, 300, 65}, {64, 10, 300}, {10, 64, 300}, {4, 300, 100}, {300, 4, 100},
            {121, 33, 17}, {61, 40, 20}, {250, 45, 7}, {13, 513, 3}, {14, 257, 5}, {9, 1030, 3}, {130, 131, 129}, {48, 96, 0}, {7, 5, 0},
            {16, 9, 5000}, {7, 3, 4500},
            // several A blocks and KC slices: the order that keeps C blocks in L2 (PackedGemm)
            {250, 70, 600}, {130, 520, 300},
    };

    @AfterEach
    void restoreThreads() {
        CpuParallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int threads = 1; threads <= 2; threads++) {
                for (int s = 0; s < SHAPES.length; s++) {
                    out.add(Arguments.of(dt, threads, SHAPES[s][0], SHAPES[s][1], SHAPES[s][2], 1000L * s + threads));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} threads={1} m={2} n={3} k={4}")
    @MethodSource("cases")
    void everyPathMatchesReference(DType dt, int threads, int m, int n, int k, long seed) {
        CpuParallel.setThreads(threads);
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofShared()) {
            Problem p = Problem.random(arena, rnd, dt, m, n, k);
            p.check("backend", g -> CpuBackend.INSTANCE.gemm(dt, g));
            p.check("scalar", g -> {
                if (dt == DType.FLOAT32) FloatScalarGemm.gemm(g);
                else DoubleScalarGemm.gemm(g);
            });
            p.check("packed", g -> block(dt, g, GemmPlan.PACKED));
            p.check("packed, transposed", g -> block(dt, GemmPlan.transposed(g), GemmPlan.PACKED));
            Gemm g = GemmPlan.unitStrides(p.gemm(p.c0));
            if (g.bColStride() == 1 && g.cColStride() == 1) p.check("rows", x -> block(dt, GemmPlan.unitStrides(x), GemmPlan.ROWS));
            if (g.aColStride() == 1 && g.bRowStride() == 1) p.check("dots", x -> block(dt, GemmPlan.unitStrides(x), GemmPlan.DOTS));
        }
    }

    /** The rows and dots kernels on the layouts they serve, whatever the random draw gave. */
    @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
    @MethodSource("directCases")
    void directKernelsMatchReference(DType dt, int m, int n, int k) {
        CpuParallel.setThreads(1);
        Random rnd = new Random(31L * m + 7L * n + k);
        try (Arena arena = Arena.ofShared()) {
            Problem rows = Problem.of(arena, rnd, dt, m, n, k, false, false, false, 1, 0.5);
            rows.check("rows", g -> block(dt, GemmPlan.unitStrides(g), GemmPlan.ROWS));
            Problem dots = Problem.of(arena, rnd, dt, m, n, k, false, true, true, -2, 0);
            dots.check("dots", g -> block(dt, GemmPlan.unitStrides(g), GemmPlan.DOTS));
        }
    }

    static Stream<Arguments> directCases() {
        return bothDtypes(new int[][] {{1, 1, 1}, {1, 40, 33}, {4, 17, 16}, {5, 16, 15}, {9, 3, 70}, {33, 1, 129}, {3, 300, 2}});
    }

    /** (dtype, m, n, k) for each shape, in float32 and float64. */
    private static Stream<Arguments> bothDtypes(int[][] shapes) {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] x : shapes) out.add(Arguments.of(dt, x[0], x[1], x[2]));
        }
        return out.stream();
    }

    /**
     * Operands transposed in memory are packed by L x L block transposes plus scatters for the
     * edges: whole blocks, rows and columns left over past the last block (m, n not multiples
     * of 16 or 8), k steps past the last block, an A block crossing sliver boundaries (MR = 12),
     * and a KC boundary (k > 256), in both orientations.
     */
    @ParameterizedTest(name = "{0} m={1} n={2} k={3}")
    @MethodSource("transposedCases")
    void transposedOperandsPackByBlocks(DType dt, int m, int n, int k) {
        CpuParallel.setThreads(1);
        Random rnd = new Random(17L * m + 5L * n + k);
        try (Arena arena = Arena.ofShared()) {
            Problem p = Problem.of(arena, rnd, dt, m, n, k, true, true, false, 1, 0.5);
            p.check("packed", g -> block(dt, g, GemmPlan.PACKED));
            p.check("packed, transposed", g -> block(dt, GemmPlan.transposed(g), GemmPlan.PACKED));
        }
    }

    static Stream<Arguments> transposedCases() {
        return bothDtypes(new int[][] {{16, 16, 16}, {32, 64, 48}, {37, 45, 261}, {64, 70, 300}, {12, 33, 17},
                {130, 8, 40}, {8, 130, 23}});
    }

    /** Two threads on products large enough to split: along n, along m, and over the batch. */
    @Test
    void parallelResultsMatchReference() {
        CpuParallel.setThreads(2);
        try (Arena arena = Arena.ofShared()) {
            Problem p = Problem.of(arena, new Random(1), DType.FLOAT32, 24, 4400, 40, false, false, false, 1, 1);
            p.check("split along n", g -> CpuBackend.INSTANCE.gemm(DType.FLOAT32, g));
            p = Problem.of(arena, new Random(2), DType.FLOAT64, 4400, 24, 40, true, false, false, 1, 0);
            p.check("split along m", g -> CpuBackend.INSTANCE.gemm(DType.FLOAT64, g));
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                p = Problem.batched(arena, new Random(3), dt, 4, 64, 64, 260);
                p.check("split over the batch", g -> CpuBackend.INSTANCE.gemm(dt, g));
            }
        }
    }

    /**
     * The planner's blocks (shared by two threads) lie inside the result, do not overlap and
     * add up to all of it, so they cover every element of every matrix exactly once.
     */
    @Test
    void parallelBlocksCoverTheResultOnce() {
        CpuParallel.setThreads(2);
        int[][] shapes = {{1, 24, 4400, 40}, {1, 4400, 24, 40}, {4, 64, 64, 260}, {1, 2050, 2050, 1},
                {2, 300, 300, 24}, {1, 33, 32000, 4}, {1, 30000, 3, 50}, {16, 40, 40, 70}, {1, 3000, 3000, 64},
                {9, 5, 5, 5}};
        for (int[] s : shapes) {
            int batch = s[0], m = s[1], n = s[2], k = s[3];
            Gemm g = new Gemm(batch, m, n, k, 1, MemorySegment.NULL, 0, (long) m * k, k, 1,
                    MemorySegment.NULL, 0, (long) k * n, n, 1, 0, MemorySegment.NULL, 0, (long) m * n, n, 1);
            List<int[]> blocks = new ArrayList<>();
            int[] shape = new int[3];
            GemmPlan.execute(g, 12, 32, 16, (x, kernel, b0, b1, i0, i1, j0, j1) -> {
                synchronized (blocks) {
                    blocks.add(new int[] {b0, b1, i0, i1, j0, j1});
                    shape[0] = x.batch();
                    shape[1] = x.m();
                    shape[2] = x.n();
                }
            });
            String what = java.util.Arrays.toString(s) + " blocks " + blocks.stream().map(java.util.Arrays::toString).toList();
            long volume = 0;
            for (int q = 0; q < blocks.size(); q++) {
                int[] x = blocks.get(q);
                assertTrue(0 <= x[0] && x[0] < x[1] && x[1] <= shape[0] && 0 <= x[2] && x[2] < x[3] && x[3] <= shape[1]
                        && 0 <= x[4] && x[4] < x[5] && x[5] <= shape[2], "block outside the result or empty: " + what);
                volume += (long) (x[1] - x[0]) * (x[3] - x[2]) * (x[5] - x[4]);
                for (int r = 0; r < q; r++) {
                    int[] y = blocks.get(r);
                    boolean apart = x[1] <= y[0] || y[1] <= x[0] || x[3] <= y[2] || y[3] <= x[2] || x[5] <= y[4] || y[5] <= x[4];
                    assertTrue(apart, "overlapping blocks: " + what);
                }
            }
            assertEquals((long) batch * m * n, volume, "blocks must add up to the result: " + what);
            assertEquals((long) batch * m * n, (long) shape[0] * shape[1] * shape[2]);
            if ((long) batch * m * n * k >= GemmPlan.PARALLEL_MIN_FMAS) {
                assertTrue(blocks.size() >= 2, "two threads, at least two blocks: " + what);
            }
        }
    }

    /**
     * Two threads split C into blocks of whole rows (so they never share a row of C) unless C
     * is more than {@link GemmPlan#ROW_SPLIT_MAX_WIDTH} times as wide as tall.
     */
    @Test
    void parallelSplitIsByRowsUnlessCIsMuchWider() {
        CpuParallel.setThreads(2);
        int[][] shapes = {{1024, 1024, 1024}, {256, 512, 784}, {128, 512, 784}, {2048, 64, 300},
                {64, 512, 784}, {256, 2048, 256}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            Gemm g = new Gemm(1, m, n, k, 1, MemorySegment.NULL, 0, 0, k, 1,
                    MemorySegment.NULL, 0, 0, n, 1, 0, MemorySegment.NULL, 0, 0, n, 1);
            List<int[]> blocks = java.util.Collections.synchronizedList(new ArrayList<>());
            GemmPlan.execute(g, 12, 32, 16, (x, kernel, b0, b1, i0, i1, j0, j1) -> blocks.add(new int[] {i0, i1, j0, j1}));
            boolean rows = blocks.stream().allMatch(b -> b[2] == 0 && b[3] == n);
            boolean columns = blocks.stream().allMatch(b -> b[0] == 0 && b[1] == m);
            String what = java.util.Arrays.toString(s) + " blocks " + blocks.stream().map(java.util.Arrays::toString).toList();
            assertTrue(blocks.size() >= 2, what);
            if (n > GemmPlan.ROW_SPLIT_MAX_WIDTH * m) assertTrue(columns, "expected blocks of columns: " + what);
            else assertTrue(rows, "expected blocks of rows: " + what);
        }
    }

    /** The checker itself: a result off by one term must fail it. */
    @Test
    void checkerRejectsAWrongResult() {
        CpuParallel.setThreads(1);
        try (Arena arena = Arena.ofShared()) {
            Problem p = Problem.of(arena, new Random(3), DType.FLOAT32, 20, 20, 300, false, false, false, 1, 0);
            AssertionError e = null;
            try {
                p.check("broken", g -> {
                    CpuBackend.INSTANCE.gemm(DType.FLOAT32, g);
                    long ci = g.cOffset() + 5 * g.cRowStride() + 7 * g.cColStride();
                    double a = Elem.get(DType.FLOAT32, g.a(), g.aOffset() + 5 * g.aRowStride() + 299 * g.aColStride());
                    double b = Elem.get(DType.FLOAT32, g.b(), g.bOffset() + 299 * g.bRowStride() + 7 * g.bColStride());
                    Elem.set(DType.FLOAT32, g.c(), ci, Elem.get(DType.FLOAT32, g.c(), ci) - a * b);
                });
            } catch (AssertionError x) {
                e = x;
            }
            assertTrue(e != null, "dropping the last term of one dot product must fail the check");
        }
    }

    private static void block(DType dt, Gemm g, int kernel) {
        if (dt == DType.FLOAT32) {
            FloatGemm.block(g, kernel, 0, g.batch(), 0, g.m(), 0, g.n());
        } else {
            DoubleGemm.block(g, kernel, 0, g.batch(), 0, g.m(), 0, g.n());
        }
    }

    @FunctionalInterface
    interface Path {
        void run(Gemm g);
    }

    /** A strided operand: logical rows x cols inside a larger segment. */
    record Operand(MemorySegment seg, long offset, long batchStride, long rowStride, long colStride) {}

    /** One randomly laid-out product and its expected result. */
    static final class Problem {
        final Arena arena;
        final DType dt;
        final int batch, m, n, k;
        final double alpha, beta;
        final Operand a, b;
        final Operand c0;
        final MemorySegment expected, bound;
        final String layout;

        private Problem(Arena arena, DType dt, int batch, int m, int n, int k, double alpha, double beta,
                        Operand a, Operand b, Operand c0, String layout) {
            this.arena = arena;
            this.dt = dt;
            this.batch = batch;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.b = b;
            this.c0 = c0;
            this.layout = layout;
            expected = copy(c0.seg);
            ReferenceGemm.gemm(dt, gemm(new Operand(expected, c0.offset, c0.batchStride, c0.rowStride, c0.colStride)));
            // the error scale: |alpha| |A| @ |B| + |beta| |C|
            bound = abs(c0.seg);
            Operand aa = new Operand(abs(a.seg), a.offset, a.batchStride, a.rowStride, a.colStride);
            Operand ab = new Operand(abs(b.seg), b.offset, b.batchStride, b.rowStride, b.colStride);
            ReferenceGemm.gemm(dt, new Gemm(batch, m, n, k, Math.abs(alpha),
                    aa.seg, aa.offset, aa.batchStride, aa.rowStride, aa.colStride,
                    ab.seg, ab.offset, ab.batchStride, ab.rowStride, ab.colStride,
                    Math.abs(beta), bound, c0.offset, c0.batchStride, c0.rowStride, c0.colStride));
        }

        static Problem random(Arena arena, Random rnd, DType dt, int m, int n, int k) {
            double[] alphas = {1, 1, -0.5, 2.5};
            double[] betas = {0, 1, 0.5};
            int batch = 1 + rnd.nextInt(3);
            if ((long) batch * m * n * Math.max(k, 1) > 1_500_000) batch = 1;
            return of(arena, rnd, dt, batch, m, n, k, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextInt(4) == 0,
                    rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2) : 0, alphas[rnd.nextInt(alphas.length)],
                    betas[rnd.nextInt(betas.length)], true);
        }

        static Problem of(Arena arena, Random rnd, DType dt, int m, int n, int k,
                          boolean ta, boolean tb, boolean tc, double alpha, double beta) {
            return of(arena, rnd, dt, 1, m, n, k, ta, tb, tc, 0, alpha, beta, false);
        }

        static Problem batched(Arena arena, Random rnd, DType dt, int batch, int m, int n, int k) {
            return of(arena, rnd, dt, batch, m, n, k, false, true, false, 0, 1, 0, false);
        }

        /**
         * {@code ta/tb/tc}: operand stored transposed (column-major). {@code broadcast}: 0 none,
         * 1 A shared by the batch (batch stride 0), 2 B shared. {@code slices}: allow step-2 slices.
         */
        static Problem of(Arena arena, Random rnd, DType dt, int batch, int m, int n, int k,
                          boolean ta, boolean tb, boolean tc, int broadcast, double alpha, double beta, boolean slices) {
            Operand a = operand(arena, rnd, dt, batch, broadcast == 1, m, k, ta, true, slices);
            Operand b = operand(arena, rnd, dt, batch, broadcast == 2, k, n, tb, true, slices);
            Operand c = operand(arena, rnd, dt, batch, false, m, n, tc, beta != 0, slices);
            String layout = String.format("batch=%d A%s B%s C%s broadcast=%d alpha=%s beta=%s strides A(%d,%d) B(%d,%d) C(%d,%d)",
                    batch, ta ? "^T" : "", tb ? "^T" : "", tc ? "^T" : "", broadcast, alpha, beta,
                    a.rowStride, a.colStride, b.rowStride, b.colStride, c.rowStride, c.colStride);
            return new Problem(arena, dt, batch, m, n, k, alpha, beta, a, b, c, layout);
        }

        /**
         * A rows x cols operand: row-major or transposed, sometimes with padded rows, sometimes
         * (one time in five) with both strides doubled (a step-2 slice); values uniform in
         * [-1, 1), or NaN when {@code finite} is false (a C that beta 0 must not read).
         */
        static Operand operand(Arena arena, Random rnd, DType dt, int batch, boolean shared, int rows, int cols,
                               boolean transposed, boolean finite, boolean slices) {
            int pad = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(5) : 0;
            int step = slices && rnd.nextInt(5) == 0 ? 2 : 1;
            long ld = (long) (transposed ? rows : cols) * step + pad;
            long lines = transposed ? cols : rows;
            long rs = transposed ? step : ld, cs = transposed ? ld : step;
            long size = Math.max(1, lines * ld);
            long offset = rnd.nextInt(3);
            long count = offset + size * (shared ? 1 : batch) + 3;
            MemorySegment seg = arena.allocate(count * dt.byteSize(), 64);
            for (long i = 0; i < count; i++) Elem.set(dt, seg, i, finite ? 2 * rnd.nextDouble() - 1 : Double.NaN);
            return new Operand(seg, offset, shared ? 0 : size, rs, cs);
        }

        Gemm gemm(Operand c) {
            return new Gemm(batch, m, n, k, alpha, a.seg, a.offset, a.batchStride, a.rowStride, a.colStride,
                    b.seg, b.offset, b.batchStride, b.rowStride, b.colStride,
                    beta, c.seg, c.offset, c.batchStride, c.rowStride, c.colStride);
        }

        /** Runs {@code path} on a fresh copy of C and compares every element of C's storage. */
        void check(String path, Path run) {
            MemorySegment got = copy(c0.seg);
            run.run(gemm(new Operand(got, c0.offset, c0.batchStride, c0.rowStride, c0.colStride)));
            double eps = dt == DType.FLOAT32 ? 0x1p-24 : 0x1p-53;
            double tol = 2 * (k + 8) * eps;
            long count = got.byteSize() / dt.byteSize();
            boolean[] logical = new boolean[(int) count];
            for (int bi = 0; bi < batch; bi++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        long idx = c0.offset + bi * c0.batchStride + i * c0.rowStride + j * c0.colStride;
                        logical[(int) idx] = true;
                        double e = Elem.get(dt, expected, idx), x = Elem.get(dt, got, idx);
                        double limit = tol * Elem.get(dt, bound, idx) + 1e-300;
                        if (!(Math.abs(x - e) <= limit)) {
                            fail(String.format("%s: %s m=%d n=%d k=%d: C[%d][%d,%d] = %s, expected %s (tolerance %s); %s",
                                    path, dt, m, n, k, bi, i, j, x, e, limit, layout));
                        }
                    }
                }
            }
            for (long idx = 0; idx < count; idx++) {
                if (logical[(int) idx]) continue;
                assertEquals(Double.doubleToLongBits(Elem.get(dt, c0.seg, idx)), Double.doubleToLongBits(Elem.get(dt, got, idx)),
                        path + ": wrote outside C at storage element " + idx + "; " + layout);
            }
        }

        private MemorySegment copy(MemorySegment s) {
            MemorySegment d = arena.allocate(s.byteSize(), 64);
            d.copyFrom(s);
            return d;
        }

        private MemorySegment abs(MemorySegment s) {
            MemorySegment d = copy(s);
            long count = d.byteSize() / dt.byteSize();
            for (long i = 0; i < count; i++) Elem.set(dt, d, i, Math.abs(Elem.get(dt, d, i)));
            return d;
        }
    }
}
