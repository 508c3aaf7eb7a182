package dev.panagrad.backend;

import dev.panagrad.DType;
import dev.panagrad.Device;
import dev.panagrad.memory.CachingAllocator;

import java.lang.foreign.MemorySegment;

/**
 * The kernels a device provides. Ops are defined once above this line (shape rules,
 * dtype rules, autograd); a device implements only these. Every method receives fully
 * checked arguments: shapes agree, offsets and strides stay inside the operands' storage,
 * dtypes are the ones named. Offsets and strides are in elements.
 */
public interface Backend {
    Device device();

    /** The device's caching allocator. */
    CachingAllocator allocator();

    /** Operand 0 = op(operand 1). */
    void unary(UnaryOp op, DType dt, Iter it, double p0, double p1);

    /** Operand 0 = op(operand 1, operand 2); for comparisons operand 0 is bool and {@code dt} the inputs' type. */
    void binary(BinaryOp op, DType dt, Iter it);

    /** Operand 0 = op(operand 1, s), or op(s, operand 1) when {@code scalarFirst}. */
    void binaryScalar(BinaryOp op, DType dt, Iter it, double s, boolean scalarFirst);

    /** Operand 0 = operand 1 (bool) ? operand 2 : operand 3. */
    void where(DType dt, Iter it);

    /** Operand 0 (of {@code outType}) = operand 1 (of {@code inType}), converting. */
    void copy(Iter it, DType outType, DType inType);

    /** Operand 0 = value. */
    void fill(Iter it, DType dt, double value);

    /** Writes op over the inner dimensions for every outer index. */
    void reduce(ReduceOp op, DType dt, Reduction r);

    /** Writes the max (or min) and its flat inner index for every outer index. */
    void argReduce(boolean max, DType dt, Reduction r);

    /** Batched strided matrix product, see {@link Gemm}. */
    void gemm(DType dt, Gemm g);

    /**
     * {@code out[p] = in[p with coordinate dim replaced by index[p]]} over the shape of
     * {@code out}. {@code index} is int64 with element strides {@code indexStrides} over that
     * shape (0 where it broadcasts); indices were checked to lie in {@code [0, inShape[dim])}.
     */
    void gather(DType dt, int[] shape, int dim,
                MemorySegment out, long outOffset, long[] outStrides,
                MemorySegment in, long inOffset, long[] inStrides,
                MemorySegment index, long indexOffset, long[] indexStrides);

    /** The reverse of {@link #gather}: {@code out[p with dim replaced by index[p]] += src[p]}. */
    void scatterAdd(DType dt, int[] shape, int dim,
                    MemorySegment out, long outOffset, long[] outStrides,
                    MemorySegment src, long srcOffset, long[] srcStrides,
                    MemorySegment index, long indexOffset, long[] indexStrides);

    /**
     * Fills {@code n} contiguous elements with random numbers from the counter-based
     * generator: uniform in [a, b) ({@code normal} false) or normal with mean a and standard
     * deviation b. Element i uses counter {@code counter + i}, so results do not depend on
     * how the work is split.
     */
    void random(DType dt, long n, MemorySegment out, long outOffset, boolean normal,
                double a, double b, long seed, long counter);

    /**
     * Softmax (or log-softmax) along one dimension of a contiguous input viewed as
     * [outer, dim, inner], into a contiguous output of the same shape.
     */
    void softmax(DType dt, boolean log, long outer, long dim, long inner,
                 MemorySegment in, long inOffset, MemorySegment out, long outOffset);

    /**
     * The gradient of {@link #softmax} from its output {@code y} and the output gradient
     * {@code g}, all contiguous [outer, dim, inner]: {@code gx = y*(g - sum(g*y))}, or for
     * log-softmax {@code gx = g - exp(y)*sum(g)}, sums along dim.
     */
    void softmaxBackward(DType dt, boolean log, long outer, long dim, long inner,
                         MemorySegment y, long yOffset, MemorySegment g, long gOffset,
                         MemorySegment gx, long gxOffset);

    /**
     * Cross-entropy of contiguous logits [outer, classes, inner] against contiguous int64
     * class indices [outer, inner] (each in [0, classes) or equal to {@code ignoreIndex}), with
     * label smoothing {@code s}: writes each sample's loss
     * {@code (1-s)*(lse - x[target]) + s*(lse - mean(x))} (0 where ignored) and its logsumexp
     * {@code lse}, both [outer, inner].
     */
    void crossEntropy(DType dt, long outer, long classes, long inner, MemorySegment x, long xOffset,
                      MemorySegment target, long targetOffset, long ignoreIndex, double smoothing,
                      MemorySegment loss, long lossOffset, MemorySegment lse, long lseOffset);

    /**
     * The gradient of {@link #crossEntropy} with respect to the logits:
     * {@code gx = (exp(x - lse) - (1-s)*onehot(target) - s/classes) * g[sample] * scale}, zero
     * for ignored samples. {@code g} holds one value per sample at element stride
     * {@code gStride} (0: one value for all).
     */
    void crossEntropyBackward(DType dt, long outer, long classes, long inner, MemorySegment x, long xOffset,
                              MemorySegment lse, long lseOffset, MemorySegment target, long targetOffset,
                              long ignoreIndex, double smoothing, MemorySegment g, long gOffset, long gStride,
                              double scale, MemorySegment gx, long gxOffset);

    /**
     * Layer normalisation of the contiguous rows [rows, n] of {@code x}:
     * {@code y = (x - mean)*rstd*w + b} with the row's mean and {@code rstd = 1/sqrt(var + eps)}
     * (biased variance), which are written to {@code mean} and {@code rstd} ([rows]) unless those
     * are null. Null {@code w} or {@code b}: no scale or shift.
     */
    void layerNorm(DType dt, long rows, long n, MemorySegment x, long xOffset, MemorySegment w, long wOffset,
                   MemorySegment b, long bOffset, double eps, MemorySegment y, long yOffset,
                   MemorySegment mean, long meanOffset, MemorySegment rstd, long rstdOffset);

    /**
     * The gradients of {@link #layerNorm} from the output gradient {@code g} [rows, n] and the
     * saved mean and rstd: {@code dx} [rows, n], {@code dw} and {@code db} [n]; each is skipped
     * when null ({@code w} null: no weight).
     */
    void layerNormBackward(DType dt, long rows, long n, MemorySegment g, long gOffset, MemorySegment x, long xOffset,
                           MemorySegment mean, long meanOffset, MemorySegment rstd, long rstdOffset,
                           MemorySegment w, long wOffset, MemorySegment dx, long dxOffset,
                           MemorySegment dw, long dwOffset, MemorySegment db, long dbOffset);

    /**
     * Per-channel mean and biased variance of contiguous {@code x} [outer, channels, inner]
     * over the outer and inner dimensions, into {@code mean} and {@code var} [channels].
     */
    void batchNormStats(DType dt, long outer, long channels, long inner, MemorySegment x, long xOffset,
                        MemorySegment mean, long meanOffset, MemorySegment var, long varOffset);

    /**
     * {@code y = (x - mean[c]) / sqrt(var[c] + eps) * w[c] + b[c]} over contiguous
     * [outer, channels, inner]; null {@code w} or {@code b}: no scale or shift.
     */
    void batchNormApply(DType dt, long outer, long channels, long inner, MemorySegment x, long xOffset,
                        MemorySegment mean, long meanOffset, MemorySegment var, long varOffset, double eps,
                        MemorySegment w, long wOffset, MemorySegment b, long bOffset, MemorySegment y, long yOffset);

    /**
     * The gradients of {@link #batchNormApply} from the output gradient {@code g}: with
     * {@code batchStats} the mean and variance are the batch's own (their dependence on x is
     * part of dx), otherwise constants (running statistics). Writes {@code dx} (same layout
     * as x), {@code dw} and {@code db} [channels]; each is skipped when null.
     */
    void batchNormBackward(DType dt, boolean batchStats, long outer, long channels, long inner,
                           MemorySegment g, long gOffset, MemorySegment x, long xOffset,
                           MemorySegment mean, long meanOffset, MemorySegment var, long varOffset, double eps,
                           MemorySegment w, long wOffset, MemorySegment dx, long dxOffset,
                           MemorySegment dw, long dwOffset, MemorySegment db, long dbOffset);

    /**
     * 2-D convolution of contiguous images {@code x} [n, c, h, w] with the contiguous weight
     * {@code w} [o, c/groups, kh, kw] into the contiguous {@code out} [n, o, oh, ow], plus
     * {@code bias} [o] when it is not null.
     */
    void conv2d(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment x, long xOffset,
                MemorySegment w, long wOffset, MemorySegment bias, long biasOffset, MemorySegment out, long outOffset);

    /** The gradient of {@link #conv2d} with respect to its input, written into the contiguous {@code gx} [n, c, h, w]. */
    void conv2dInputGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyOffset,
                         MemorySegment w, long wOffset, MemorySegment gx, long gxOffset);

    /** The gradient of {@link #conv2d} with respect to its weight, written into the contiguous {@code gw}. */
    void conv2dWeightGrad(DType dt, Conv2dGeometry g, int o, int groups, MemorySegment gy, long gyOffset,
                          MemorySegment x, long xOffset, MemorySegment gw, long gwOffset);

    /**
     * Max (recording int64 flat indices within each plane) or average pooling of
     * {@code planes} contiguous h×w planes into contiguous oh×ow planes.
     */
    void pool2d(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                MemorySegment in, long inOffset, MemorySegment out, long outOffset,
                MemorySegment indices, long indicesOffset);

    /** The gradient of {@link #pool2d}, added into a zeroed {@code gradIn}. */
    void pool2dBackward(DType dt, PoolGeometry g, boolean max, boolean countIncludePad, int planes,
                        MemorySegment gradOut, long gradOutOffset, MemorySegment indices, long indicesOffset,
                        MemorySegment gradIn, long gradInOffset);

    /** Adaptive average pooling of contiguous planes to oh×ow (PyTorch's window rule), or its gradient. */
    void adaptiveAvgPool2d(DType dt, boolean backward, int planes, int h, int w, int oh, int ow,
                           MemorySegment in, long inOffset, MemorySegment out, long outOffset);

    /** A fused in-place SGD update of n contiguous elements (see the CPU kernels for the exact formula). */
    void sgdUpdate(DType dt, long n, MemorySegment p, long pOffset, MemorySegment g, long gOffset,
                   MemorySegment buf, long bufOffset, double lr, double momentum, double dampening,
                   double weightDecay, boolean nesterov, boolean first);

    /** A fused in-place Adam/AdamW update of n contiguous elements; {@code vmax} null without amsgrad. */
    void adamUpdate(DType dt, long n, MemorySegment p, long pOffset, MemorySegment g, long gOffset,
                    MemorySegment m, long mOffset, MemorySegment v, long vOffset, MemorySegment vmax, long vmaxOffset,
                    double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                    double bc1, double bc2Sqrt);
}
