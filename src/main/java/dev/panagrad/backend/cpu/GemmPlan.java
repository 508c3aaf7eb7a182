package dev.panagrad.backend.cpu;

import dev.panagrad.backend.Gemm;

/**
 * How one GEMM call is cut up, whatever the element type: which orientation, the direct
 * (unpacked) kernels or the packed path, and the split over {@link CpuParallel}'s threads.
 * <p>
 * <b>Direct or packed.</b> Packing copies every element of A and B once per use of a block;
 * it pays when each packed element then feeds many FMAs. It does not for thin products,
 * where the big operand's elements are each used at most {@code DIRECT_MAX_THIN} times
 * (matrix-vector, a few rows against a weight matrix), nor for tiny ones
 * ({@code m*n*k <= DIRECT_MAX_FMAS}), where the fixed cost of blocking and edge tiles
 * dominates. Those run a direct kernel in the orientation whose strides suit it: {@code rows}
 * (vectors along n) for at most 4 rows or tiny products, {@code dots} (vectors along k) for
 * at most 4 columns. Measured (float32, one thread): 2 x 256 x 256 rows 34 GFLOP/s against
 * packed 19, 4 rows 68 against 40, but 6 rows 50 against 57; a 256 x 256 matrix-vector
 * product by dots 21 against 5; 16^3 even, 24^3 packed ahead (53 against 44). Anything else
 * is packed, which handles every stride.
 * <p>
 * <b>Orientation.</b> {@code C = A @ B} and {@code C^T = B^T @ A^T} are the same memory
 * operation with swapped strides. The packed path takes the cheaper by {@link #packedCost}:
 * fewer FMAs wasted on the zero padding of edge tiles (a 64 x 10 product: 10 columns padded to
 * one 32-wide tile waste 69%, as 10 rows in one 12-row tile only 17%) and less packing of
 * transposed operands (strided along the packed rows).
 * <p>
 * <b>Threads.</b> Problems under {@code PARALLEL_MIN_FMAS} run on the calling thread. Larger
 * ones are cut into disjoint blocks of C, about four per thread, which the threads take in
 * turn from a shared counter (no other synchronisation): whole matrices when the batch has at
 * least two per thread, otherwise ranges of whole micro-tile rows (or columns, when C is
 * much wider than tall: {@link #ROW_SPLIT_MAX_WIDTH}) of every matrix, at least 512 wide. On
 * a shared machine a thread whose core is busy with another process then does fewer blocks
 * instead of holding everyone up.
 * Each block packs into its thread's own workspace; the duplicated packing of the shared
 * operand is 1/512 of the block's FMAs or less. Which thread computes a block never changes
 * its result.
 */
final class GemmPlan {
    private GemmPlan() {}

    /** Products of at most this many FMAs (16^3) run a direct kernel when the strides allow. */
    static final long DIRECT_MAX_FMAS = 16 * 16 * 16;
    /** Products with at most this many rows (rows kernel) or columns (dots) run a direct kernel. */
    static final int DIRECT_MAX_THIN = 4;
    /**
     * Below this many FMAs (80^3, 6-9 µs on one core) a product stays on the calling
     * thread. Above it the two halves run in parallel: {@link SpinningPool}'s worker, spinning
     * between the ops of a loop, starts a job in well under a microsecond, and a parked one
     * leaves its block to the caller. Measured on two threads, calls back to back, GFLOP/s
     * split against one thread: 128^3 270 against 175, 96^3 220 against 158, 80^3 160 against
     * 117; but 64^3 123 against 140 (two 32-row halves, padded tiles and the hand-over cost
     * more than they save).
     */
    static final long PARALLEL_MIN_FMAS = 80L * 80 * 80;

    /**
     * Products with at most this many outputs and a shared dimension of at least
     * {@code DOTS_MIN_K} run the dots kernel when the strides allow: a small convolution's
     * weight gradient, [16, 50176] @ [50176, 9], padded 9 columns to a 32-wide tile on the
     * packed path (20 GFLOP/s, 0.73 ms); as 144 dot products it streams both operands once.
     */
    static final int DOTS_MAX_OUTPUTS = 256;
    static final int DOTS_MIN_K = 4096;

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
        run(g, mr, nr, lanes, body, true);
    }

    /**
     * As {@link #execute}, all on the calling thread: for a kernel that already splits its own
     * work over the pool (a convolution's per-block products).
     */
    static void executeOnThisThread(Gemm g, int mr, int nr, int lanes, Body body) {
        run(g, mr, nr, lanes, body, false);
    }

    private static void run(Gemm g, int mr, int nr, int lanes, Body body, boolean parallel) {
        if (g.batch() <= 0 || g.m() <= 0 || g.n() <= 0) return;
        Gemm p = unitStrides(g);
        int kernel = direct(p);
        if (kernel == PACKED) {
            Gemm t = transposed(p);
            int other = direct(t);
            if (other != PACKED) {
                p = t;
                kernel = other;
            }
        }
        if (kernel == PACKED && transposeCostsLess(p, mr, nr, lanes)) p = transposed(p);
        if (!parallel) {
            body.run(p, kernel, 0, p.batch(), 0, p.m(), 0, p.n());
            return;
        }
        int tileM = kernel == PACKED ? mr : 4, tileN = kernel == PACKED ? nr : kernel == ROWS ? 2 * lanes : 1;
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
            int per = blockSize(batch, 1, threads, 1);
            CpuParallel.forEachTask((batch + per - 1) / per, blk ->
                    body.run(g, kernel, blk * per, Math.min(batch, (blk + 1) * per), 0, m, 0, n));
            return;
        }
        int unitsM = (m + tileM - 1) / tileM, unitsN = (n + tileN - 1) / tileN;
        boolean alongN = unitsN >= threads && (n > ROW_SPLIT_MAX_WIDTH * m || unitsM < threads) || unitsM < 2;
        int units = alongN ? unitsN : unitsM, tile = alongN ? tileN : tileM;
        int per = blockSize(units, tile, threads, MIN_BLOCK);
        int blocks = (units + per - 1) / per;
        if (blocks < 2) {
            body.run(g, kernel, 0, batch, 0, m, 0, n);
        } else if (alongN) {
            CpuParallel.forEachTask(blocks, blk ->
                    body.run(g, kernel, 0, batch, 0, m, blk * per * tileN, Math.min(n, (blk + 1) * per * tileN)));
        } else {
            CpuParallel.forEachTask(blocks, blk ->
                    body.run(g, kernel, 0, batch, blk * per * tileM, Math.min(m, (blk + 1) * per * tileM), 0, n));
        }
    }

    /**
     * Blocks of rows are preferred unless C is more than this many times as wide as tall.
     * Each block of rows packs all of B (k x n), each block of columns all of A (m x k), so
     * columns pay when B is much the larger operand. But blocks of columns share every row of
     * C, and the threads then slow each other: each core's prefetcher, running along a row it
     * merges into, pulls in lines the other core is writing. Measured on two threads, rows
     * against columns (GFLOP/s): 1024^3 338 against 305, 512^3 351 against 336, 256 x 512 x 784
     * 342 against 299, 128 x 512 x 784 312 against 279, 512 x 128 x 784 323 against 262; but
     * 64 x 512 x 784 234 against 253, 256 x 2048 x 256 292 against 329, 128 x 2048 x 512 269
     * against 323.
     */
    static final int ROW_SPLIT_MAX_WIDTH = 4;

    /** Blocks per thread: a thread slowed by a neighbour's process hands its later blocks to the others. */
    static final int BLOCKS_PER_THREAD = 4;
    /**
     * Rows or columns a block of C spans at least (unless that leaves a thread without one):
     * each block repacks the whole shared operand, a pass over memory that costs about 1/w of
     * a w-wide block's compute (8% at w = 256 for N = 2048, from memory).
     */
    static final int MIN_BLOCK = 512;

    /**
     * Units of {@code tile} per block: about BLOCKS_PER_THREAD blocks per thread, each at
     * least {@code min} wide, but at least one block per thread.
     */
    private static int blockSize(int units, int tile, int threads, int min) {
        int per = (units + threads * BLOCKS_PER_THREAD - 1) / (threads * BLOCKS_PER_THREAD);
        per = Math.max(per, (min + tile - 1) / tile);
        return Math.min(per, (units + threads - 1) / threads);
    }

    /**
     * The direct kernel for {@code g} in its own orientation, or PACKED when packing pays or
     * no direct kernel suits the strides.
     */
    static int direct(Gemm g) {
        int m = g.m(), n = g.n();
        boolean tiny = (long) m * n * g.k() <= DIRECT_MAX_FMAS;
        boolean rows = g.bColStride() == 1 && g.cColStride() == 1;
        boolean dots = g.aColStride() == 1 && g.bRowStride() == 1;
        if (rows && (m <= DIRECT_MAX_THIN || tiny)) return ROWS;
        if (dots && (n <= DIRECT_MAX_THIN || (long) m * n <= DOTS_MAX_OUTPUTS && g.k() >= DOTS_MIN_K)) return DOTS;
        return PACKED;
    }

    /** Cycles per element moved with vector loads and stores (contiguous along the packed rows, or C's rows). Measured, as the two below, on 64 x 784 x 512 products. */
    static final double MOVE_CONTIGUOUS = 0.15;
    /**
     * Cycles per element packed from an operand transposed in memory, by L x L block transposes
     * in registers (0.15 ns per element of a 256 x 512 block alone, somewhat more inside a
     * GEMM; a vector load and a scatter per row, the fallback, took 1.5 cycles).
     */
    static final double MOVE_TRANSPOSED = 0.6;
    /** Cycles per element moved one by one (strided both ways, or C written down its columns). */
    static final double MOVE_SCALAR = 8.0;

    /**
     * An estimate, in cycles, of the packed path for this orientation: the FMAs of the padded
     * tiles (two FMA pipes of {@code lanes} each), the packing (B once, A once per NC-column
     * panel of C), and the merges of the tiles into C (once per KC step). An operand that is
     * transposed in memory is packed by block transposes, one strided both ways element by
     * element; C written along its columns costs a strided store per element. So a linear
     * layer's weight gradient and its x @ w.T keep the orientation whose C rows are contiguous.
     */
    static double packedCost(Gemm g, int mr, int nr, int lanes) {
        long m = g.m(), n = g.n(), k = Math.max(1, g.k());
        int nc = Math.max(nr, GemmBlocking.B_PANEL_BYTES / (GemmBlocking.KC * (64 / lanes)) / nr * nr);
        double fma = (double) GemmBlocking.paddedRows(m, mr) * roundUp(n, nr) * k / (2.0 * lanes);
        double packA = (double) m * k * ((n + nc - 1) / nc) * move(g.aColStride(), g.aRowStride());
        double packB = (double) k * n * move(g.bColStride(), g.bRowStride());
        double merge = (double) m * n * ((k + GemmBlocking.KC - 1) / GemmBlocking.KC)
                * (g.cColStride() == 1 ? MOVE_CONTIGUOUS : MOVE_SCALAR);
        return g.batch() * (fma + packA + packB + merge);
    }

    /** The cost of packing one element of an operand whose packed rows run along {@code along}. */
    private static double move(long along, long across) {
        return along == 1 ? MOVE_CONTIGUOUS : across == 1 ? MOVE_TRANSPOSED : MOVE_SCALAR;
    }

    /** True when C^T = B^T A^T costs clearly (by a tenth) less than C = A B on the packed path. */
    static boolean transposeCostsLess(Gemm g, int mr, int nr, int lanes) {
        return packedCost(transposed(g), mr, nr, lanes) * 1.1 < packedCost(g, mr, nr, lanes);
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
