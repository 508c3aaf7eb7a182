package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.Gemm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * 2-D convolution on the CPU, forward and both gradients, by im2col and the GEMM one block of
 * images at a time.
 * <p>
 * <b>Why blocks.</b> Unfolding the whole batch first writes a column matrix kh*kw times the
 * size of the input (7.2 MB for a 16-channel 3x3 layer over 64 14x14 images), which the GEMM
 * then reads back from memory, and the result [O, N*P] needs one more pass to become
 * [N, O, P]. A block of images whose columns fit in L2 ({@link #BLOCK_BYTES}) is unfolded,
 * multiplied and folded back while it is still in cache; each image's product writes its
 * [O, P] output (or reads its output gradient) in place, so nothing of the batch's size is
 * ever made.
 * <p>
 * <b>Threads.</b> With at least {@link #BLOCKS_PER_THREAD} blocks per thread, threads take
 * whole blocks in turn; with fewer (a few large images), blocks run one after another and each
 * block's im2col, products and col2im split over the threads instead. The weight gradient sums
 * the blocks into {@link #WEIGHT_CHUNKS} fixed runs of blocks and then adds the runs in
 * order, so its rounding depends on the geometry alone, never on the thread count or on
 * which thread ran what.
 */
final class CpuConvolution {
    private CpuConvolution() {}

    /** Column-matrix bytes of one block: with its packed copy and the outputs it stays in the 1 MiB L2. */
    static final long BLOCK_BYTES = 192 << 10;
    /** Blocks per thread from which threads take whole blocks (a busy core then takes fewer). */
    static final int BLOCKS_PER_THREAD = 2;
    /** Runs of blocks the weight gradient is summed in (one partial [O, C/groups*kh*kw] each). */
    static final int WEIGHT_CHUNKS = 8;
    /** Bytes the weight gradient's partials may take at most (below this, one run). */
    static final long PARTIALS_BYTES = 8 << 20;

    /** The shapes of one convolution call and how its batch is cut into blocks. */
    private record Plan(DType dt, Conv2dGeometry g, int o, int groups, int perBlock, int blocks) {
        static Plan of(DType dt, Conv2dGeometry g, int o, int groups) {
            long colBytes = g.rows() * g.oh() * g.ow() * dt.byteSize();
            int per = (int) Math.max(1, Math.min(g.n(), BLOCK_BYTES / Math.max(1, colBytes)));
            return new Plan(dt, g, o, groups, per, (g.n() + per - 1) / per);
        }

        long p() { return (long) g.oh() * g.ow(); }
        long k() { return g.rows(); }
        int og() { return o / groups; }
        int kg() { return (int) (g.rows() / groups); }
        long imageSize() { return (long) g.c() * g.h() * g.w(); }
        int first(int block) { return block * perBlock; }
        int images(int block) { return Math.min(perBlock, g.n() - block * perBlock); }
        /** Elements of one block's column matrix. */
        long colSize() { return k() * perBlock * p(); }

        void im2col(int block, MemorySegment x, long xo, MemorySegment col, boolean inner) {
            Conv2dGeometry gb = g.withImages(images(block));
            long off = xo + first(block) * imageSize();
            if (inner) CpuSpatial.im2col(dt, gb, x, off, col, 0);
            else KernelSelection.of(dt).im2col(gb, 0, (long) gb.n() * g.c(), x, off, col, 0);
        }

        void col2im(int block, MemorySegment col, MemorySegment x, long xo, boolean inner) {
            Conv2dGeometry gb = g.withImages(images(block));
            long off = xo + first(block) * imageSize();
            if (inner) CpuSpatial.col2im(dt, gb, col, 0, x, off);
            else KernelSelection.of(dt).col2im(gb, 0, (long) gb.n() * g.c(), col, 0, x, off);
        }

        void gemm(Gemm product, boolean inner) {
            if (inner) CpuGemm.gemm(dt, product);
            else CpuGemm.gemmOnThisThread(dt, product);
        }
    }

    /**
     * Runs {@code body(task, inner)} for every task in [0, tasks): over the pool when there
     * are enough tasks for every thread, otherwise in turn with {@code inner} true, each
     * task's kernels then splitting over the pool themselves.
     */
    private static void forEachBlock(int tasks, BlockBody body) {
        int t = CpuParallel.threads();
        if (t == 1 || tasks >= BLOCKS_PER_THREAD * t) {
            CpuParallel.forEachTask(tasks, b -> body.run(b, false));
        } else {
            for (int b = 0; b < tasks; b++) body.run(b, true);
        }
    }

    @FunctionalInterface
    private interface BlockBody {
        void run(int block, boolean inner);
    }

    /**
     * {@code out [n, o, oh, ow] = conv(x [n, c, h, w], w [o, c/groups, kh, kw]) + bias}, every
     * operand contiguous; {@code bias} [o] may be null.
     */
    static void forward(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment x, long xo,
                        MemorySegment w, long wo, MemorySegment bias, long bo, MemorySegment out, long oo) {
        Plan plan = Plan.of(dt, g, o, groups);
        long p = plan.p();
        int og = plan.og(), kg = plan.kg();
        Kernels1D k1 = KernelSelection.of(dt);
        forEachBlock(plan.blocks(), (blk, inner) -> {
            try (CpuScratch col = new CpuScratch(dt, plan.colSize(), false)) {
                plan.im2col(blk, x, xo, col.segment, inner);
                int nb = plan.images(blk);
                long cols = nb * p;
                for (int i = 0; i < nb; i++) {
                    long image = oo + (plan.first(blk) + i) * o * p;
                    if (bias != null) {
                        for (int oc = 0; oc < o; oc++) k1.fill(p, out, image + oc * p, 1, element(dt, bias, bo + oc));
                    }
                    for (int gi = 0; gi < groups; gi++) {
                        // out_i,g [og, P] = W_g [og, kg] @ col_g [kg, image i's P columns] (+ the bias already there)
                        plan.gemm(new Gemm(1, og, (int) p, kg, 1.0,
                                w, wo + (long) gi * og * kg, 0, kg, 1,
                                col.segment, gi * kg * cols + i * p, 0, cols, 1,
                                bias != null ? 1.0 : 0.0, out, image + gi * og * p, 0, p, 1), inner);
                    }
                }
            }
        });
    }

    /** The input gradient {@code gx [n, c, h, w]} (overwritten) from {@code gy [n, o, oh, ow]}, all contiguous. */
    static void inputGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyo,
                          MemorySegment w, long wo, MemorySegment gx, long gxo) {
        Plan plan = Plan.of(dt, g, o, groups);
        long p = plan.p();
        int og = plan.og(), kg = plan.kg();
        Kernels1D k1 = KernelSelection.of(dt);
        forEachBlock(plan.blocks(), (blk, inner) -> {
            try (CpuScratch gcol = new CpuScratch(dt, plan.colSize(), false)) {
                int nb = plan.images(blk);
                long cols = nb * p;
                for (int i = 0; i < nb; i++) {
                    long image = gyo + (plan.first(blk) + i) * o * p;
                    for (int gi = 0; gi < groups; gi++) {
                        // gcol_g [kg, image i's P columns] = W_g^T [kg, og] @ gy_i,g [og, P]
                        plan.gemm(new Gemm(1, kg, (int) p, og, 1.0,
                                w, wo + (long) gi * og * kg, 0, 1, kg,
                                gy, image + gi * og * p, 0, p, 1,
                                0.0, gcol.segment, gi * kg * cols + i * p, 0, cols, 1), inner);
                    }
                }
                k1.fill(nb * plan.imageSize(), gx, gxo + plan.first(blk) * plan.imageSize(), 1, 0);
                plan.col2im(blk, gcol.segment, gx, gxo, inner);
            }
        });
    }

    /** The weight gradient {@code gw [o, c/groups, kh, kw]} (overwritten) from {@code gy} and the input {@code x}. */
    static void weightGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyo,
                           MemorySegment x, long xo, MemorySegment gw, long gwo) {
        Plan plan = Plan.of(dt, g, o, groups);
        long p = plan.p();
        int og = plan.og(), kg = plan.kg();
        long weights = (long) o * kg;
        // Fewer runs for a large weight, whose partials would outgrow the columns they save.
        long budget = Math.max(1, PARTIALS_BYTES / (weights * dt.byteSize()));
        int chunks = (int) Math.min(Math.min(WEIGHT_CHUNKS, plan.blocks()), budget);
        Kernels1D k1 = KernelSelection.of(dt);
        try (CpuScratch partials = new CpuScratch(dt, chunks * weights, false)) {
            forEachBlock(chunks, (chunk, inner) -> {
                try (CpuScratch col = new CpuScratch(dt, plan.colSize(), false);
                     CpuScratch rows = new CpuScratch(dt, (long) o * plan.perBlock() * p, false)) {
                    long part = chunk * weights;
                    int b0 = plan.blocks() * chunk / chunks, b1 = plan.blocks() * (chunk + 1) / chunks;
                    for (int blk = b0; blk < b1; blk++) {
                        plan.im2col(blk, x, xo, col.segment, inner);
                        int nb = plan.images(blk);
                        long cols = nb * p;
                        // the block's gradients [nb, o, P] as one matrix [o, nb * P]
                        for (int i = 0; i < nb; i++) {
                            long image = gyo + (plan.first(blk) + i) * o * p;
                            for (int oc = 0; oc < o; oc++) k1.copy(p, gy, image + oc * p, 1, rows.segment, oc * cols + i * p, 1);
                        }
                        for (int gi = 0; gi < groups; gi++) {
                            // partial_g [og, kg] (+)= rows_g [og, nb*P] @ col_g^T [nb*P, kg]
                            plan.gemm(new Gemm(1, og, kg, (int) cols, 1.0,
                                    rows.segment, gi * og * cols, 0, cols, 1,
                                    col.segment, gi * kg * cols, 0, 1, cols,
                                    blk == b0 ? 0.0 : 1.0, partials.segment, part + (long) gi * og * kg, 0, kg, 1), inner);
                        }
                    }
                }
            });
            k1.copy(weights, partials.segment, 0, 1, gw, gwo, 1);
            for (int c = 1; c < chunks; c++) {
                k1.binary(BinaryOp.ADD, weights, gw, gwo, 1, partials.segment, c * weights, 1, gw, gwo, 1);
            }
        }
    }

    private static double element(DType dt, MemorySegment s, long index) {
        return dt == DType.FLOAT32 ? s.getAtIndex(ValueLayout.JAVA_FLOAT, index) : s.getAtIndex(ValueLayout.JAVA_DOUBLE, index);
    }
}
