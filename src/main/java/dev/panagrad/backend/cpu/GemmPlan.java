package dev.panagrad.backend.cpu;

import dev.panagrad.backend.Gemm;

/**
 * How one GEMM call is cut up, whatever the element type: which orientation, the direct
 * (unpacked) kernels or the packed path, and the split over {@link CpuParallel}'s threads.
 * <p>
 * <b>Direct or packed.</b> Packing copies every element of A and B once per use of a block;
 * it pays when each packed element then feeds many FMAs. It does not when the product is tiny
 * ({@code m*n*k <= DIRECT_MAX_FMAS}: the fixed cost of blocking, edge tiles and the
 * workspace lookup dominates) or thin ({@code min(m, n) <= DIRECT_MAX_THIN}: matrix-vector
 * and few-row products, where each element of the big operand is used at most a few
 * times, so copying it costs as much as using it). Those go to a direct kernel when the
 * operands' strides suit one (B rows or A-row/B-column dot products contiguous); anything
 * else is packed, which handles every stride.
 * <p>
 * <b>Orientation.</b> {@code C = A @ B} and {@code C^T = B^T @ A^T} are the same memory
 * operation with swapped strides. The packed path takes the one that wastes fewer FMAs on the
 * zero padding of edge tiles (e.g. a 64 x 10 product: 10 columns padded to one 32-wide tile
 * wastes 69%, as 10 rows in one 12-row tile only 17%).
 * <p>
 * <b>Threads.</b> Problems under {@code PARALLEL_MIN_FMAS} run on the calling thread. Larger
 * ones are cut into one disjoint block of C per thread, no synchronisation between them:
 * whole matrices when the batch has at least two per thread, otherwise ranges of whole
 * micro-tile columns (or rows, when C is taller than wide) of every matrix. Each thread packs
 * into its own workspace; the duplicated packing of the shared operand is 1/n (or 1/m) of the
 * FMAs.
 */
final class GemmPlan {
    private GemmPlan() {}

    /** At most this many FMAs run the direct kernels (32^3: packing overhead dominates below). */
    static final long DIRECT_MAX_FMAS = 32 * 32 * 32;
    /** Products with at most this many rows or columns run the direct kernels. */
    static final int DIRECT_MAX_THIN = 4;
    /** Below this many FMAs (about 10 µs of work) a product stays on the calling thread. */
    static final long PARALLEL_MIN_FMAS = 1L << 21;

    /** The packed path. */
    static final int PACKED = 0;
    /** {@code rows} direct kernel: B and C have unit column stride. */
    static final int ROWS = 1;
    /** {@code dots} direct kernel: A has unit column stride, B unit row stride. */
    static final int DOTS = 2;

    /** The typed work of one block: C[b0:b1][i0:i1, j0:j1] of {@code g} with the given kernel. */
    @FunctionalInterface
    interface Body {
        void run(Gemm g, int kernel, int b0, int b1, int i0, int i1, int j0, int j1);
    }

    /**
     * Runs {@code g}: chooses orientation and kernel, cuts it over threads, and calls
     * {@code body} once per block. {@code mr}/{@code nr} are the packed micro-tile,
     * {@code lanes} the vector length.
     */
    static void execute(Gemm g, int mr, int nr, int lanes, Body body) {
        if (g.batch() <= 0 || g.m() <= 0 || g.n() <= 0) return;
        Gemm p = unitStrides(g);
        int kernel = direct(p, lanes);
        if (kernel == PACKED && direct(transposed(p), lanes) == ROWS) {
            p = transposed(p);
            kernel = ROWS;
        }
        if (kernel == PACKED && transposeWastesLess(p.m(), p.n(), mr, nr)) p = transposed(p);
        int tileM = kernel == PACKED ? mr : 4, tileN = kernel == PACKED ? nr : kernel == ROWS ? lanes : 1;
        split(p, kernel, tileM, tileN, body);
    }

    private static void split(Gemm g, int kernel, int tileM, int tileN, Body body) {
        int batch = g.batch(), m = g.m(), n = g.n();
        int threads = CpuParallel.threads();
        long fmas = (long) batch * m * n * Math.max(1, g.k());
        if (threads == 1 || fmas < PARALLEL_MIN_FMAS) {
            body.run(g, kernel, 0, batch, 0, m, 0, n);
            return;
        }
        if (batch >= 2 * threads) {
            CpuParallel.forRange(batch, 1, (s, e) -> body.run(g, kernel, (int) s, (int) e, 0, m, 0, n));
            return;
        }
        int unitsM = (m + tileM - 1) / tileM, unitsN = (n + tileN - 1) / tileN;
        // Split the dimension whose operand is cheaper to pack twice: along n each thread
        // packs all of A (m x k), along m all of B (k x n).
        boolean alongN = unitsN >= threads && (m <= n || unitsM < threads) || unitsM < 2;
        if (alongN) {
            CpuParallel.forRange(unitsN, 1, (s, e) ->
                    body.run(g, kernel, 0, batch, 0, m, (int) s * tileN, (int) Math.min(n, e * tileN)));
        } else {
            CpuParallel.forRange(unitsM, 1, (s, e) ->
                    body.run(g, kernel, 0, batch, (int) s * tileM, (int) Math.min(m, e * tileM), 0, n));
        }
    }

    /**
     * The direct kernel for {@code g}, or PACKED when packing pays or no direct kernel suits
     * the strides.
     */
    static int direct(Gemm g, int lanes) {
        int m = g.m(), n = g.n(), k = g.k();
        boolean small = (long) m * n * k <= DIRECT_MAX_FMAS || Math.min(m, n) <= DIRECT_MAX_THIN;
        if (!small) return PACKED;
        boolean dots = g.aColStride() == 1 && g.bRowStride() == 1;
        boolean rows = g.bColStride() == 1 && g.cColStride() == 1;
        if (rows && (n >= lanes || !dots)) return ROWS;
        return dots ? DOTS : PACKED;
    }

    /** True when C^T = B^T A^T pads fewer elements into edge tiles than C = A B. */
    static boolean transposeWastesLess(int m, int n, int mr, int nr) {
        long asIs = roundUp(m, mr) * roundUp(n, nr);
        long swapped = roundUp(n, mr) * roundUp(m, nr);
        return swapped < asIs;
    }

    private static long roundUp(long x, int unit) {
        return (x + unit - 1) / unit * unit;
    }

    /** C^T = B^T @ A^T: the same product with the operands' roles and strides swapped. */
    static Gemm transposed(Gemm g) {
        return new Gemm(g.batch(), g.n(), g.m(), g.k(), g.alpha(),
                g.b(), g.bOffset(), g.bBatchStride(), g.bColStride(), g.bRowStride(),
                g.a(), g.aOffset(), g.aBatchStride(), g.aColStride(), g.aRowStride(),
                g.beta(), g.c(), g.cOffset(), g.cBatchStride(), g.cColStride(), g.cRowStride());
    }

    /** The same product with stride 1 along every dimension of size 1 (such strides are never used). */
    static Gemm unitStrides(Gemm g) {
        boolean m1 = g.m() == 1, n1 = g.n() == 1, k1 = g.k() == 1;
        if (!m1 && !n1 && !k1) return g;
        return new Gemm(g.batch(), g.m(), g.n(), g.k(), g.alpha(),
                g.a(), g.aOffset(), g.aBatchStride(), m1 ? 1 : g.aRowStride(), k1 ? 1 : g.aColStride(),
                g.b(), g.bOffset(), g.bBatchStride(), k1 ? 1 : g.bRowStride(), n1 ? 1 : g.bColStride(),
                g.beta(), g.c(), g.cOffset(), g.cBatchStride(), m1 ? 1 : g.cRowStride(), n1 ? 1 : g.cColStride());
    }
}
