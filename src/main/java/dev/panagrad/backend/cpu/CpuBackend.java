package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.Device;
import dev.panagrad.backend.Backend;
import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.PoolGeometry;
import dev.panagrad.backend.Gemm;
import dev.panagrad.backend.Iter;
import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.Reduction;
import dev.panagrad.backend.UnaryOp;
import dev.panagrad.memory.CachingAllocator;
import dev.panagrad.memory.HostMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The CPU backend: N-dimensional drivers that cut an {@link Iter} into innermost rows and
 * hand them to the one-dimensional kernels of {@link Kernels1D}, splitting large work over
 * {@link CpuParallel}.
 */
public final class CpuBackend implements Backend {
    /** The single CPU backend. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    /** Elements below which an elementwise op stays on one thread (about 10 µs of work). */
    static final long GRAIN = 1 << 15;

    private final CachingAllocator allocator = new CachingAllocator(new HostMemory());

    private CpuBackend() {}

    /** True when the Vector API kernels are in use (false: the scalar fallback). */
    public static boolean vectorized() {
        return KernelSelection.VECTOR_API;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public CachingAllocator allocator() {
        return allocator;
    }

    /** A row body: {@code n} elements starting at per-operand element offsets {@code off}. */
    @FunctionalInterface
    private interface Row {
        void run(long n, long[] off);
    }

    /** Runs {@code row} over every innermost row of {@code it}, in parallel when large. */
    private static void forRows(Iter it, Row row) {
        long inner = it.inner(), rows = it.rows();
        int nops = it.segs.length;
        if (it.numel == 0) return;
        if (it.numel <= GRAIN || CpuParallel.threads() == 1) {
            if (rows == 1) {
                row.run(inner, it.offsets);
                return;
            }
            serialRows(it, row, 0, rows);
            return;
        }
        if (rows == 1) {
            long[] st = new long[nops];
            for (int o = 0; o < nops; o++) st[o] = it.strides[o][0];
            CpuParallel.forRange(inner, GRAIN, (s, e) -> {
                long[] off = new long[nops];
                for (int o = 0; o < nops; o++) off[o] = it.offsets[o] + s * st[o];
                row.run(e - s, off);
            });
            return;
        }
        CpuParallel.forRange(rows, Math.max(1, GRAIN / inner), (r0, r1) -> serialRows(it, row, r0, r1));
    }

    private static void serialRows(Iter it, Row row, long r0, long r1) {
        long[] off = new long[it.segs.length];
        it.rowOffsets(r0, off);
        long[] idx = it.rowIndex(r0);
        long inner = it.inner();
        for (long r = r0; r < r1; r++) {
            row.run(inner, off);
            it.nextRow(idx, off);
        }
    }

    private static long innerStride(Iter it, int operand) {
        return it.strides[operand][it.ndim - 1];
    }

    @Override
    public void unary(UnaryOp op, DType dt, Iter it, double p0, double p1) {
        Kernels1D k = KernelSelection.of(dt);
        MemorySegment o = it.segs[0], x = it.segs[1];
        long so = innerStride(it, 0), sx = innerStride(it, 1);
        forRows(it, (n, off) -> k.unary(op, n, x, off[1], sx, o, off[0], so, p0, p1));
    }

    @Override
    public void binary(BinaryOp op, DType dt, Iter it) {
        Kernels1D k = KernelSelection.of(dt);
        MemorySegment o = it.segs[0], a = it.segs[1], b = it.segs[2];
        long so = innerStride(it, 0), sa = innerStride(it, 1), sb = innerStride(it, 2);
        if (op.isComparison()) {
            forRows(it, (n, off) -> k.compare(op, n, a, off[1], sa, b, off[2], sb, o, off[0], so));
        } else {
            forRows(it, (n, off) -> k.binary(op, n, a, off[1], sa, b, off[2], sb, o, off[0], so));
        }
    }

    @Override
    public void binaryScalar(BinaryOp op, DType dt, Iter it, double s, boolean scalarFirst) {
        Kernels1D k = KernelSelection.of(dt);
        MemorySegment o = it.segs[0], a = it.segs[1];
        long so = innerStride(it, 0), sa = innerStride(it, 1);
        if (op.isComparison()) {
            forRows(it, (n, off) -> k.compareScalar(op, n, a, off[1], sa, s, scalarFirst, o, off[0], so));
        } else {
            forRows(it, (n, off) -> k.binaryScalar(op, n, a, off[1], sa, s, scalarFirst, o, off[0], so));
        }
    }

    @Override
    public void where(DType dt, Iter it) {
        Kernels1D k = KernelSelection.of(dt);
        MemorySegment o = it.segs[0], c = it.segs[1], a = it.segs[2], b = it.segs[3];
        long so = innerStride(it, 0), sc = innerStride(it, 1), sa = innerStride(it, 2), sb = innerStride(it, 3);
        forRows(it, (n, off) -> k.where(n, c, off[1], sc, a, off[2], sa, b, off[3], sb, o, off[0], so));
    }

    @Override
    public void copy(Iter it, DType outType, DType inType) {
        MemorySegment o = it.segs[0], x = it.segs[1];
        long so = innerStride(it, 0), sx = innerStride(it, 1);
        if (outType == inType) {
            Kernels1D k = KernelSelection.of(outType);
            forRows(it, (n, off) -> k.copy(n, x, off[1], sx, o, off[0], so));
        } else {
            forRows(it, (n, off) -> Elem.convert(n, inType, x, off[1], sx, outType, o, off[0], so));
        }
    }

    @Override
    public void fill(Iter it, DType dt, double value) {
        Kernels1D k = KernelSelection.of(dt);
        MemorySegment o = it.segs[0];
        long so = innerStride(it, 0);
        forRows(it, (n, off) -> k.fill(n, o, off[0], so, value));
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, DType dt, Reduction r) {
        CpuReductions.reduce(KernelSelection.of(dt), op, dt, r);
    }

    @Override
    public void argReduce(boolean max, DType dt, Reduction r) {
        CpuReductions.argReduce(KernelSelection.of(dt), max, dt, r);
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public void gemm(DType dt, Gemm g) {
        CpuGemm.gemm(dt, g);
    }

    // ---------------------------------------------------------------- indexing

    @Override
    public void gather(DType dt, int[] shape, int dim,
                       MemorySegment out, long outOffset, long[] outStrides,
                       MemorySegment in, long inOffset, long[] inStrides,
                       MemorySegment index, long indexOffset, long[] indexStrides) {
        CpuIndexing.gather(dt, shape, dim, out, outOffset, outStrides, in, inOffset, inStrides,
                index, indexOffset, indexStrides);
    }

    @Override
    public void scatterAdd(DType dt, int[] shape, int dim,
                           MemorySegment out, long outOffset, long[] outStrides,
                           MemorySegment src, long srcOffset, long[] srcStrides,
                           MemorySegment index, long indexOffset, long[] indexStrides) {
        CpuIndexing.scatterAdd(dt, shape, dim, out, outOffset, outStrides, src, srcOffset, srcStrides,
                index, indexOffset, indexStrides);
    }

    // ---------------------------------------------------------------- random

    @Override
    public void random(DType dt, long n, MemorySegment out, long outOffset, boolean normal,
                       double a, double b, long seed, long counter) {
        CpuParallel.forRange(n, GRAIN / 8, (s, e) -> {
            int[] w = new int[4];
            for (long i = s; i < e; i++) {
                Philox.block(seed, counter + i, w);
                double v;
                if (dt == DType.FLOAT32) {
                    if (normal) {
                        float u1 = 1f - Philox.uniformFloat(w[0]); // (0, 1]
                        float u2 = Philox.uniformFloat(w[1]);
                        v = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * b + a;
                    } else {
                        v = a + (b - a) * Philox.uniformFloat(w[0]);
                    }
                    float f = (float) v;
                    if (!normal && f >= b && b > a) f = Math.nextDown((float) b); // keep [a, b)
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, outOffset + i, f);
                } else {
                    if (normal) {
                        double u1 = 1.0 - Philox.uniformDouble(w[0], w[1]);
                        double u2 = Philox.uniformDouble(w[2], w[3]);
                        v = Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2) * b + a;
                    } else {
                        v = a + (b - a) * Philox.uniformDouble(w[0], w[1]);
                    }
                    Elem.set(dt, out, outOffset + i, dt == DType.INT64 ? Math.floor(v) : v);
                }
            }
        });
    }

    // ---------------------------------------------------------------- softmax, losses, normalisation

    @Override
    public void softmax(DType dt, boolean log, long outer, long dim, long inner,
                        MemorySegment in, long inOffset, MemorySegment out, long outOffset) {
        CpuSoftmax.forward(dt, log, outer, dim, inner, in, inOffset, out, outOffset);
    }

    @Override
    public void softmaxBackward(DType dt, boolean log, long outer, long dim, long inner,
                                MemorySegment y, long yOffset, MemorySegment g, long gOffset,
                                MemorySegment gx, long gxOffset) {
        CpuSoftmax.backward(dt, log, outer, dim, inner, y, yOffset, g, gOffset, gx, gxOffset);
    }

    @Override
    public void crossEntropy(DType dt, long outer, long classes, long inner, MemorySegment x, long xOffset,
                             MemorySegment target, long targetOffset, long ignoreIndex, double smoothing,
                             MemorySegment loss, long lossOffset, MemorySegment lse, long lseOffset) {
        CpuCrossEntropy.forward(dt, outer, classes, inner, x, xOffset, target, targetOffset, ignoreIndex, smoothing,
                loss, lossOffset, lse, lseOffset);
    }

    @Override
    public void crossEntropyBackward(DType dt, long outer, long classes, long inner, MemorySegment x, long xOffset,
                                     MemorySegment lse, long lseOffset, MemorySegment target, long targetOffset,
                                     long ignoreIndex, double smoothing, MemorySegment g, long gOffset, long gStride,
                                     double scale, MemorySegment gx, long gxOffset) {
        CpuCrossEntropy.backward(dt, outer, classes, inner, x, xOffset, lse, lseOffset, target, targetOffset,
                ignoreIndex, smoothing, g, gOffset, gStride, scale, gx, gxOffset);
    }

    @Override
    public void layerNorm(DType dt, long rows, long n, MemorySegment x, long xOffset, MemorySegment w, long wOffset,
                          MemorySegment b, long bOffset, double eps, MemorySegment y, long yOffset,
                          MemorySegment mean, long meanOffset, MemorySegment rstd, long rstdOffset) {
        CpuLayerNorm.forward(dt, rows, n, x, xOffset, w, wOffset, b, bOffset, eps, y, yOffset,
                mean, meanOffset, rstd, rstdOffset);
    }

    @Override
    public void layerNormBackward(DType dt, long rows, long n, MemorySegment g, long gOffset, MemorySegment x,
                                  long xOffset, MemorySegment mean, long meanOffset, MemorySegment rstd, long rstdOffset,
                                  MemorySegment w, long wOffset, MemorySegment dx, long dxOffset,
                                  MemorySegment dw, long dwOffset, MemorySegment db, long dbOffset) {
        CpuLayerNorm.backward(dt, rows, n, g, gOffset, x, xOffset, mean, meanOffset, rstd, rstdOffset, w, wOffset,
                dx, dxOffset, dw, dwOffset, db, dbOffset);
    }

    @Override
    public void batchNormStats(DType dt, long outer, long channels, long inner, MemorySegment x, long xOffset,
                               MemorySegment mean, long meanOffset, MemorySegment var, long varOffset) {
        CpuBatchNorm.stats(dt, outer, channels, inner, x, xOffset, mean, meanOffset, var, varOffset);
    }

    @Override
    public void batchNormApply(DType dt, long outer, long channels, long inner, MemorySegment x, long xOffset,
                               MemorySegment mean, long meanOffset, MemorySegment var, long varOffset, double eps,
                               MemorySegment w, long wOffset, MemorySegment b, long bOffset,
                               MemorySegment y, long yOffset) {
        CpuBatchNorm.apply(dt, outer, channels, inner, x, xOffset, mean, meanOffset, var, varOffset, eps,
                w, wOffset, b, bOffset, y, yOffset);
    }

    @Override
    public void batchNormBackward(DType dt, boolean batchStats, long outer, long channels, long inner,
                                  MemorySegment g, long gOffset, MemorySegment x, long xOffset,
                                  MemorySegment mean, long meanOffset, MemorySegment var, long varOffset, double eps,
                                  MemorySegment w, long wOffset, MemorySegment dx, long dxOffset,
                                  MemorySegment dw, long dwOffset, MemorySegment db, long dbOffset) {
        CpuBatchNorm.backward(dt, batchStats, outer, channels, inner, g, gOffset, x, xOffset, mean, meanOffset,
                var, varOffset, eps, w, wOffset, dx, dxOffset, dw, dwOffset, db, dbOffset);
    }

    // ---------------------------------------------------------------- images

    @Override
    public void conv2d(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment x, long xOffset,
                       MemorySegment w, long wOffset, MemorySegment bias, long biasOffset, MemorySegment out, long outOffset) {
        CpuSpatial.requireFloat(dt, "conv2d");
        CpuConvolution.forward(dt, g, o, groups, x, xOffset, w, wOffset, bias, biasOffset, out, outOffset);
    }

    @Override
    public void conv2dInputGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyOffset,
                                MemorySegment w, long wOffset, MemorySegment gx, long gxOffset) {
        CpuSpatial.requireFloat(dt, "conv2d backward");
        CpuConvolution.inputGrad(dt, g, o, groups, gy, gyOffset, w, wOffset, gx, gxOffset);
    }

    @Override
    public void conv2dWeightGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyOffset,
                                 MemorySegment x, long xOffset, MemorySegment gw, long gwOffset) {
        CpuSpatial.requireFloat(dt, "conv2d backward");
        CpuConvolution.weightGrad(dt, g, o, groups, gy, gyOffset, x, xOffset, gw, gwOffset);
    }

    @Override
    public void pool2d(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                       MemorySegment in, long inOffset, MemorySegment out, long outOffset,
                       MemorySegment indices, long indicesOffset) {
        CpuSpatial.pool(dt, g, max, countIncludePad, planes, in, inOffset, out, outOffset, indices, indicesOffset);
    }

    @Override
    public void pool2dBackward(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                               MemorySegment gradOut, long gradOutOffset, MemorySegment indices, long indicesOffset,
                               MemorySegment gradIn, long gradInOffset) {
        CpuSpatial.poolBackward(dt, g, max, countIncludePad, planes, gradOut, gradOutOffset, indices, indicesOffset,
                gradIn, gradInOffset);
    }

    @Override
    public void adaptiveAvgPool2d(DType dt, boolean backward, int planes, int h, int w, int oh, int ow,
                                  MemorySegment in, long inOffset, MemorySegment out, long outOffset) {
        CpuSpatial.adaptiveAvg(dt, backward, planes, h, w, oh, ow, in, inOffset, out, outOffset);
    }

    // ---------------------------------------------------------------- optimizers

    @Override
    public void sgdUpdate(DType dt, long n, MemorySegment p, long pOffset, MemorySegment g, long gOffset,
                          MemorySegment buf, long bufOffset, double lr, double momentum, double dampening,
                          double weightDecay, boolean nesterov, boolean first) {
        Kernels1D k = KernelSelection.of(dt);
        if (n <= GRAIN) {
            k.sgd(n, p, pOffset, g, gOffset, buf, bufOffset, lr, momentum, dampening, weightDecay, nesterov, first);
            return;
        }
        CpuParallel.forRange(n, GRAIN, (s, e) -> k.sgd(e - s, p, pOffset + s, g, gOffset + s, buf, bufOffset + s,
                lr, momentum, dampening, weightDecay, nesterov, first));
    }

    @Override
    public void adamUpdate(DType dt, long n, MemorySegment p, long pOffset, MemorySegment g, long gOffset,
                           MemorySegment m, long mOffset, MemorySegment v, long vOffset, MemorySegment vmax,
                           long vmaxOffset, double lr, double beta1, double beta2, double eps, double weightDecay,
                           boolean decoupled, double bc1, double bc2Sqrt) {
        Kernels1D k = KernelSelection.of(dt);
        if (n <= GRAIN) {
            k.adam(n, p, pOffset, g, gOffset, m, mOffset, v, vOffset, vmax, vmaxOffset, lr, beta1, beta2, eps,
                    weightDecay, decoupled, bc1, bc2Sqrt);
            return;
        }
        CpuParallel.forRange(n, GRAIN, (s, e) -> k.adam(e - s, p, pOffset + s, g, gOffset + s, m, mOffset + s,
                v, vOffset + s, vmax, vmaxOffset + s, lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2Sqrt));
    }
}
