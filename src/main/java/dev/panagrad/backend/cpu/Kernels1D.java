package dev.panagrad.backend.cpu;

import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.Conv2dGeometry;
import dev.panagrad.backend.PoolGeometry;
import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.MemorySegment;

/**
 * One-dimensional CPU kernels for one element type: {@code n} elements from an element
 * offset with an element stride per operand. The N-dimensional drivers of {@link CpuBackend}
 * split work into such rows. Implementations: the generated Vector API classes
 * ({@code FloatVectorKernels}, {@code DoubleVectorKernels}), their scalar fallbacks, and the
 * integer and bool kernels.
 */
interface Kernels1D {
    void unary(UnaryOp op, long n, MemorySegment x, long xo, long xs,
               MemorySegment out, long oo, long os, double p0, double p1);

    void binary(BinaryOp op, long n, MemorySegment a, long ao, long as,
                MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os);

    /** {@code op(a, s)}, or {@code op(s, a)} when {@code scalarFirst}. */
    void binaryScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                      boolean scalarFirst, MemorySegment out, long oo, long os);

    /** A comparison writing bool bytes (1 or 0) into {@code out}. */
    void compare(BinaryOp op, long n, MemorySegment a, long ao, long as,
                 MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os);

    void compareScalar(BinaryOp op, long n, MemorySegment a, long ao, long as, double s,
                       boolean scalarFirst, MemorySegment out, long oo, long os);

    /** {@code out = cond ? a : b}, cond a bool operand. */
    void where(long n, MemorySegment c, long co, long cs, MemorySegment a, long ao, long as,
               MemorySegment b, long bo, long bs, MemorySegment out, long oo, long os);

    /** The reduction of {@code n} elements (widened to double; int64 sums stay exact below 2^53). */
    double reduce(ReduceOp op, long n, MemorySegment x, long xo, long xs);

    /** {@code acc[i] = op(acc[i], x[i])} for i &lt; n: a reduction over an outer dimension. */
    void accumulate(ReduceOp op, long n, MemorySegment x, long xo, long xs,
                    MemorySegment acc, long ao, long as);

    /** Index of the first maximum (or minimum) of {@code n} elements; a NaN wins, as in PyTorch. */
    long argReduce(boolean max, long n, MemorySegment x, long xo, long xs);

    void fill(long n, MemorySegment out, long oo, long os, double value);

    /** Same-type strided copy. */
    void copy(long n, MemorySegment x, long xo, long xs, MemorySegment out, long oo, long os);

    /**
     * One SGD update of n contiguous parameters, in place (PyTorch's order of operations):
     * d = g + wd*p; with momentum: buf = first ? d : momentum*buf + (1-dampening)*d, and
     * d = nesterov ? d + momentum*buf : buf; then p -= lr*d.
     */
    void sgd(long n, MemorySegment p, long po, MemorySegment g, long go, MemorySegment buf, long bo,
             double lr, double momentum, double dampening, double weightDecay, boolean nesterov, boolean first);

    /**
     * One Adam (or, with {@code decoupled}, AdamW) update of n contiguous parameters in place:
     * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g; (amsgrad: vmax = max(vmax, v), used for v);
     * p -= (lr/bc1) * m / (sqrt(v)/bc2Sqrt + eps). Weight decay adds wd*p to g (Adam) or
     * scales p by (1 - lr*wd) first (AdamW). {@code vmax} is null without amsgrad.
     */
    void adam(long n, MemorySegment p, long po, MemorySegment g, long go, MemorySegment m, long mo,
              MemorySegment v, long vo, MemorySegment vmax, long vmo, double lr, double beta1, double beta2,
              double eps, double weightDecay, boolean decoupled, double bc1, double bc2Sqrt);

    /**
     * Max pooling of planes [p0, p1) when every window lies inside the image
     * ({@link dev.panagrad.backend.PoolGeometry#windowsInside}): values into {@code out},
     * each window's flat index (ih * w + iw) of its first maximum (a NaN wins) into the int64
     * {@code idx}. Floating-point kernels only: the default, for int64 and bool, throws.
     */
    default void maxPoolInside(PoolGeometry g, int p0, int p1, MemorySegment in, long inOff,
                               MemorySegment out, long outOff, MemorySegment idx, long idxOff) {
        throw new IllegalArgumentException("max_pool2d needs float32 or float64 input");
    }

    /**
     * Unfolds the planes (image, channel) [q0, q1) of images [n, c, h, w] into the column
     * matrix [c*kh*kw, n*oh*ow] (see {@code SpatialKernels.im2col} for the layout). Any two
     * disjoint plane ranges may run at once. Floating-point kernels only: the default throws.
     */
    default void im2col(Conv2dGeometry g, long q0, long q1, MemorySegment x, long xOff, MemorySegment col, long colOff) {
        throw new IllegalArgumentException("conv2d needs float32 or float64 input");
    }

    /**
     * Adds the column matrix back into the planes [q0, q1): the adjoint of {@link #im2col}.
     * Floating-point kernels only: the default throws.
     */
    default void col2im(Conv2dGeometry g, long q0, long q1, MemorySegment col, long colOff, MemorySegment x, long xOff) {
        throw new IllegalArgumentException("conv2d needs float32 or float64 input");
    }
}
