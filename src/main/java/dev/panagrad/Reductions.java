package dev.panagrad;

import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.Reduction;

/**
 * Reductions over any set of dimensions, with {@code keepdim}. Sum, amax/amin, max/min
 * with indices and the 2-norm have their own kernels and backward; mean, var, std,
 * logsumexp and the other norms are compositions whose gradients follow from their parts.
 */
final class Reductions {
    private Reductions() {}

    static int[] outShape(int[] shape, boolean[] mask, boolean keepdim) {
        int k = 0;
        for (int d = 0; d < shape.length; d++) if (!mask[d] || keepdim) k++;
        int[] out = new int[k];
        k = 0;
        for (int d = 0; d < shape.length; d++) {
            if (!mask[d]) out[k++] = shape[d];
            else if (keepdim) out[k++] = 1;
        }
        return out;
    }

    /** The reduction kernel into a new tensor of {@code outType}. */
    static Tensor reduceRaw(ReduceOp op, Tensor x, boolean[] mask, boolean keepdim, DType outType) {
        Tensor in = Pointwise.as(x, outType);
        Tensor out = Tensor.allocate(x.backend, outType, outShape(x.shape, mask, keepdim));
        try {
            Reduction r = Reduction.of(in.shape, in.strides, mask, in.storage.segment(), in.offset,
                    out.storage.segment(), out.offset, null, 0);
            x.backend.reduce(op, outType, r);
        } catch (RuntimeException e) {
            out.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            if (in != x) in.release(Tensor.RELEASED_BY_SCOPE);
        }
        return out;
    }

    static long count(int[] shape, boolean[] mask) {
        long n = 1;
        for (int d = 0; d < shape.length; d++) if (mask[d]) n *= shape[d];
        return n;
    }

    /** A gradient of the reduced shape viewed back at the input's rank (size-1 reduced dims), ready to broadcast. */
    static Tensor unreduce(Tensor g, int[] inShape, boolean[] mask, boolean keepdim) {
        if (keepdim || g.shape.length == inShape.length) return g;
        return ViewOps.reshape(g, outShape(inShape, mask, true));
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepdim) {
        x.checkAlive("sum");
        boolean[] mask = Shapes.dimMask("sum", dims, x.shape.length);
        DType dt = x.dtype.isFloatingPoint() ? x.dtype : DType.INT64;
        Tensor out = reduceRaw(ReduceOp.SUM, x, mask, keepdim, dt);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, dims == null ? "SumBackward0" : "SumBackward1",
                    (g, n) -> new Tensor[] {ViewOps.expand(unreduce(g, in, mask, keepdim), in)}, x);
        }
        return out;
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepdim) {
        x.checkAlive("mean");
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("mean: could not infer output dtype; the input must be floating point, got "
                    + x.dtype.pyName() + ". Convert with to(DType.FLOAT32) first");
        }
        boolean[] mask = Shapes.dimMask("mean", dims, x.shape.length);
        long n = count(x.shape, mask);
        Tensor out = reduceRaw(ReduceOp.SUM, x, mask, keepdim, x.dtype);
        Creation.scaleInPlace(out, 1.0 / n);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, dims == null ? "MeanBackward0" : "MeanBackward1",
                    (g, nd) -> new Tensor[] {ViewOps.expand(unreduce(g, in, mask, keepdim), in).div((double) n)}, x);
        }
        return out;
    }

    private static void checkNonEmpty(String op, Tensor x, boolean[] mask) {
        for (int d = 0; d < x.shape.length; d++) {
            if (mask[d] && x.shape[d] == 0) {
                throw new IndexOutOfBoundsException(op + ": cannot reduce over dimension " + d + " of size 0 (shape "
                        + Shapes.str(x.shape) + "): there is no identity for this reduction");
            }
        }
    }

    /** amax / amin: gradient shared evenly among ties, as PyTorch. */
    static Tensor amax(Tensor x, int[] dims, boolean keepdim, boolean max) {
        String op = max ? "amax" : "amin";
        x.checkAlive(op);
        boolean[] mask = Shapes.dimMask(op, dims, x.shape.length);
        checkNonEmpty(op, x, mask);
        Tensor out = reduceRaw(max ? ReduceOp.MAX : ReduceOp.MIN, x, mask, keepdim, x.dtype);
        if (Record.needed(x)) recordEvenly(out, max ? "AmaxBackward0" : "AminBackward0", x, mask, keepdim);
        return out;
    }

    /** Backward that spreads the gradient evenly over the elements equal to the result. */
    private static void recordEvenly(Tensor out, String name, Tensor x, boolean[] mask, boolean keepdim) {
        int[] in = x.shape;
        Record.node(out, name, (g, n) -> {
            Tensor input = n.saved(0), result = n.saved(1);
            Tensor hit = input.eq(unreduce(result, in, mask, keepdim)).to(g.dtype);
            Tensor cnt = hit.sum(dimsOf(mask), true);
            return new Tensor[] {hit.mul(unreduce(g, in, mask, keepdim)).div(cnt)};
        }, x, SavedTensor.input(x), SavedTensor.output(out));
    }

    static int[] dimsOf(boolean[] mask) {
        int k = 0;
        for (boolean b : mask) if (b) k++;
        int[] d = new int[k];
        k = 0;
        for (int i = 0; i < mask.length; i++) if (mask[i]) d[k++] = i;
        return d;
    }

    static Tensor maxAll(Tensor x, boolean max) {
        String op = max ? "max" : "min";
        x.checkAlive(op);
        boolean[] mask = Shapes.dimMask(op, null, x.shape.length);
        checkNonEmpty(op, x, mask);
        Tensor out = reduceRaw(max ? ReduceOp.MAX : ReduceOp.MIN, x, mask, false, x.dtype);
        if (Record.needed(x)) recordEvenly(out, max ? "MaxBackward1" : "MinBackward1", x, mask, false);
        return out;
    }

    static ValuesIndices maxDim(Tensor x, int dim, boolean keepdim, boolean max) {
        String op = max ? "max" : "min";
        x.checkAlive(op);
        int nd = x.shape.length;
        int d = Shapes.wrapDim(op, dim, nd);
        boolean[] mask = new boolean[nd];
        if (nd > 0) mask[d] = true;
        checkNonEmpty(op, x, mask);
        int[] shape = outShape(x.shape, mask, keepdim);
        Tensor values = Tensor.allocate(x.backend, x.dtype, shape);
        Tensor indices = Tensor.allocate(x.backend, DType.INT64, shape);
        Reduction r = Reduction.of(x.shape, x.strides, mask, x.storage.segment(), x.offset,
                values.storage.segment(), values.offset, indices.storage.segment(), indices.offset);
        x.backend.argReduce(max, x.dtype, r);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(values, max ? "MaxBackward0" : "MinBackward0", (g, n) -> {
                Tensor idx = n.saved(0);
                return new Tensor[] {IndexOps.scatterInto(unreduce(g, in, mask, keepdim),
                        unreduce(idx, in, mask, keepdim), in, nd == 0 ? 0 : d)};
            }, x, SavedTensor.input(indices));
        }
        return new ValuesIndices(values, indices);
    }

    static Tensor argmax(Tensor x, Integer dim, boolean keepdim, boolean max) {
        String op = max ? "argmax" : "argmin";
        x.checkAlive(op);
        int nd = x.shape.length;
        boolean[] mask;
        int[] shape;
        if (dim == null) {
            mask = Shapes.dimMask(op, null, nd);
            shape = keepdim ? outShape(x.shape, mask, true) : Shapes.SCALAR;
        } else {
            int d = Shapes.wrapDim(op, dim, nd);
            mask = new boolean[nd];
            if (nd > 0) mask[d] = true;
            shape = outShape(x.shape, mask, keepdim);
        }
        checkNonEmpty(op, x, mask);
        Tensor in = x;
        if (dim == null && !x.isContiguous()) in = ViewOps.contiguous(x); // flat index in row-major order
        Tensor indices = Tensor.allocate(x.backend, DType.INT64, shape);
        try {
            Reduction r = Reduction.of(in.shape, in.strides, mask, in.storage.segment(), in.offset,
                    null, 0, indices.storage.segment(), indices.offset);
            x.backend.argReduce(max, x.dtype, r);
        } finally {
            if (in != x) in.release(Tensor.RELEASED_BY_SCOPE);
        }
        return indices;
    }

    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepdim, boolean std) {
        String op = std ? "std" : "var";
        x.checkAlive(op);
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException(op + ": the input must be floating point, got " + x.dtype.pyName());
        }
        boolean[] mask = Shapes.dimMask(op, dims, x.shape.length);
        long n = count(x.shape, mask);
        int[] d = dimsOf(mask);
        try (Scope tmp = Scope.open()) {
            Tensor centered = x.sub(x.mean(d, true));
            Tensor v = centered.square().sum(d, keepdim).div((double) Math.max(0, n - (unbiased ? 1 : 0)));
            if (std) v = v.sqrt();
            return tmp.keep(v);
        }
    }

    static Tensor logsumexp(Tensor x, int[] dims, boolean keepdim) {
        x.checkAlive("logsumexp");
        boolean[] mask = Shapes.dimMask("logsumexp", dims, x.shape.length);
        int[] d = dimsOf(mask);
        Tensor fx = x.dtype.isFloatingPoint() ? x : x.to(DType.FLOAT32);
        try (Scope tmp = Scope.open()) {
            Tensor m;
            try (var g = GradMode.noGrad()) {
                m = Pointwise.unaryRaw(dev.panagrad.backend.UnaryOp.INF_TO_ZERO, fx.amax(d, true), fx.dtype, 0, 0);
            }
            Tensor s = fx.sub(m).exp().sum(d, true).log().add(m);
            if (!keepdim) s = s.reshape(outShape(x.shape, mask, false));
            return tmp.keep(s);
        } finally {
            if (fx != x) fx.release(Tensor.RELEASED_BY_SCOPE);
        }
    }

    static Tensor norm(Tensor x, double p, int[] dims, boolean keepdim) {
        x.checkAlive("norm");
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("norm: the input must be floating point, got " + x.dtype.pyName());
        }
        boolean[] mask = Shapes.dimMask("norm", dims, x.shape.length);
        int[] d = dimsOf(mask);
        if (p == 2) {
            Tensor out = reduceRaw(ReduceOp.SUM_SQUARES, x, mask, keepdim, x.dtype);
            Creation.sqrtInPlace(out);
            if (Record.needed(x)) {
                int[] in = x.shape;
                Record.node(out, "NormBackward1", (g, n) -> {
                    Tensor input = n.saved(0), norm = unreduce(n.saved(1), in, mask, keepdim);
                    Tensor scale = unreduce(g, in, mask, keepdim).div(norm);
                    Tensor safe = Tensor.where(norm.eq(0.0), scale.zerosLike(), scale);
                    return new Tensor[] {input.mul(safe)};
                }, x, SavedTensor.input(x), SavedTensor.output(out));
            }
            return out;
        }
        try (Scope tmp = Scope.open()) {
            Tensor a = x.abs();
            Tensor r;
            if (p == Double.POSITIVE_INFINITY) r = a.amax(d, keepdim);
            else if (p == Double.NEGATIVE_INFINITY) r = a.amin(d, keepdim);
            else if (p == 1) r = a.sum(d, keepdim);
            else if (p == 0) r = a.ne(0.0).to(x.dtype).sum(d, keepdim);
            else r = a.pow(p).sum(d, keepdim).pow(1.0 / p);
            return tmp.keep(r);
        }
    }
}
