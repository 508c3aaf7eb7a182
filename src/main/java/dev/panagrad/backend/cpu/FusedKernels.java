package dev.panagrad.backend.cpu;

import dev.panagrad.DType;

import java.lang.foreign.MemorySegment;

/**
 * Fused CPU kernels for one floating point type: softmax and cross-entropy along rows, and
 * the per-row (layer norm) or per-plane (batch norm) pieces of normalisation. Offsets are in
 * elements. A "block" is {@code width} rows of {@code n} elements {@code stride} apart, where
 * row j starts at {@link #rowStart}: contiguous rows one after another when
 * {@code stride == 1}, or adjacent columns of a [dim, inner] slab (row j at offset + j)
 * otherwise. Per-row values (targets, losses) of row j sit at their offset + j.
 * Implementations: the scalar reference
 * ({@code FloatScalarFusedKernels}, {@code DoubleScalarFusedKernels}) and the Vector API
 * subclasses generated from the same templates.
 */
interface FusedKernels {
    /** Where row j of a block starts, relative to the block's offset. */
    static long rowStart(long n, long stride, long j) {
        return stride == 1 ? j * n : j;
    }

    /** Softmax (or log-softmax) of each row of the block into {@code out} (same layout). */
    void softmax(boolean log, long n, long stride, long width, MemorySegment x, long xo, MemorySegment out, long oo);

    /**
     * The gradient of softmax, {@code y*(g - sum(g*y))}, or of log-softmax,
     * {@code g - exp(y)*sum(g)}, for each row of the block ({@code y} the forward output).
     */
    void softmaxBackward(boolean log, long n, long stride, long width, MemorySegment y, long yo,
                         MemorySegment g, long go, MemorySegment out, long oo);

    /**
     * Cross-entropy of each row of logits against its int64 class index (sample j's target at
     * {@code to + j}): writes the loss ({@code (1-s)*(lse - x[t]) + s*(lse - mean(x))}, 0 where
     * the target is {@code ignoreIndex}) at {@code lo + j} and the row's logsumexp at {@code so + j}.
     */
    void crossEntropy(long n, long stride, long width, MemorySegment x, long xo, MemorySegment target, long to,
                      long ignoreIndex, double smoothing, MemorySegment loss, long lo, MemorySegment lse, long so);

    /**
     * The cross-entropy gradient of each row: {@code (exp(x - lse) - (1-s)*onehot - s/n) * g[j*gs] * scale},
     * zero for ignored samples.
     */
    void crossEntropyBackward(long n, long stride, long width, MemorySegment x, long xo, MemorySegment lse, long so,
                              MemorySegment target, long to, long ignoreIndex, double smoothing,
                              MemorySegment g, long go, long gs, double scale, MemorySegment out, long oo);

    /** The sum of n contiguous elements (in double at the end). */
    double sum(long n, MemorySegment x, long xo);

    /** The sum of {@code (x - mean)^2} over n contiguous elements. */
    double sumSquaredDeviations(long n, MemorySegment x, long xo, double mean);

    /**
     * {@code out = (x - mean) * rstd * w + b} over n contiguous elements; a null {@code w}
     * or {@code b} stands for ones or zeros.
     */
    void normalizeRow(long n, MemorySegment x, long xo, double mean, double rstd,
                      MemorySegment w, long wo, MemorySegment b, long bo, MemorySegment out, long oo);

    /** {@code out = (x - shift)*a + c} over n contiguous elements. */
    void affine(long n, MemorySegment x, long xo, double shift, double a, double c, MemorySegment out, long oo);

    /** {@code sums[0] += sum(g)}, {@code sums[1] += sum(g*(x - mean))} over n contiguous elements. */
    void gradientSums(long n, MemorySegment g, long go, MemorySegment x, long xo, double mean, double[] sums);

    /** {@code out = a*g + b*(x - mean) + c} over n contiguous elements. */
    void combine(long n, MemorySegment g, long go, double a, MemorySegment x, long xo, double mean, double b, double c,
                 MemorySegment out, long oo);

    /**
     * One row of the layer-norm gradient, {@code xhat = (x - mean)*rstd}, {@code gw = g*w}:
     * {@code dx = rstd*(gw - mean(gw) - xhat*mean(gw*xhat))} (skipped when {@code dx} is null),
     * and {@code dwAcc += g*xhat}, {@code dbAcc += g} where those are not null (accumulators of
     * this type, contiguous, n long; with a weight, pass both or neither for the vector loops).
     */
    void layerNormBackwardRow(long n, MemorySegment g, long go, MemorySegment x, long xo, double mean, double rstd,
                              MemorySegment w, long wo, MemorySegment dx, long dxo, MemorySegment dwAcc,
                              MemorySegment dbAcc);

    /** {@code sum[i] += acc[ao + i]} for i &lt; n (partial sums of this type moved to double). */
    void addTo(long n, MemorySegment acc, long ao, double[] sum);

    /** {@code out[oo + i] = values[i]} for i &lt; n. */
    void write(long n, double[] values, MemorySegment out, long oo);

    /** Element i of a buffer of this type, widened. */
    double get(MemorySegment m, long i);

    /** Sets element i of a buffer of this type. */
    void set(MemorySegment m, long i, double v);

    /** The kernels of {@code dt} (float32 or float64), Vector API or scalar as {@link KernelSelection} chose. */
    static FusedKernels of(DType dt) {
        return switch (dt) {
            case FLOAT32 -> Selected.F32;
            case FLOAT64 -> Selected.F64;
            default -> throw new IllegalArgumentException("fused kernels need float32 or float64, got " + dt.pyName());
        };
    }

    /** The choice, made once. */
    final class Selected {
        static final FusedKernels F32 = KernelSelection.VECTOR_API ? Vector.float32() : new FloatScalarFusedKernels();
        static final FusedKernels F64 = KernelSelection.VECTOR_API ? Vector.float64() : new DoubleScalarFusedKernels();

        private Selected() {}

        /** Only loaded when the Vector API module is present. */
        private static final class Vector {
            static FusedKernels float32() {
                return new FloatVectorFusedKernels();
            }

            static FusedKernels float64() {
                return new DoubleVectorFusedKernels();
            }
        }
    }
}
