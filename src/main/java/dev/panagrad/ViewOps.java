package dev.panagrad;

import java.util.Arrays;

/**
 * Ops that reinterpret a tensor's storage without copying (view, transpose, permute,
 * squeeze, expand, slicing) and the few that must copy (contiguous, clone, reshape of a
 * non-viewable layout). Their gradients route back into the input's shape.
 */
final class ViewOps {
    private ViewOps() {}

    /** Strides that let {@code newShape} view the same elements in the same order, or null if none do. */
    static long[] viewStrides(int[] oldShape, long[] oldStride, int[] newShape) {
        long numel = Shapes.numel(oldShape);
        if (numel == 0) return Arrays.equals(oldShape, newShape) ? oldStride : Shapes.contiguousStrides(newShape);
        if (oldShape.length == 0) {
            long[] st = new long[newShape.length];
            Arrays.fill(st, 1);
            return st;
        }
        long[] newStride = new long[newShape.length];
        int viewD = newShape.length - 1;
        long chunkBase = oldStride[oldStride.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            // A chunk ends where the next outer dimension is not laid out right after this one.
            if (d == 0 || (oldShape[d - 1] != 1 && oldStride[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStride[viewD] = viewNumel * chunkBase;
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (d > 0) {
                    chunkBase = oldStride[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? newStride : null;
    }

    static Tensor view(Tensor x, int[] shape) {
        x.checkAlive("view");
        int[] target = Shapes.inferSize("view", shape, x.numel, x.shape);
        long[] st = viewStrides(x.shape, x.strides, target);
        if (st == null) {
            throw new IllegalStateException("view: size " + Shapes.str(target) + " is not compatible with the input's "
                    + "layout (shape " + Shapes.str(x.shape) + ", strides " + Arrays.toString(x.strides)
                    + "): at least one dimension spans two contiguous subspaces. Use reshape(...) instead, "
                    + "or contiguous() first");
        }
        return viewWithGrad(x, target, st, "ViewBackward0");
    }

    /** A new tensor object viewing exactly what x views. */
    static Tensor alias(Tensor x) {
        return viewWithGrad(x, x.shape, x.strides, "AliasBackward0");
    }

    /** A view with the given layout whose gradient is reshaped back to the input's shape. */
    private static Tensor viewWithGrad(Tensor x, int[] shape, long[] strides, String node) {
        Tensor out = x.view(shape, strides, x.offset);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, node, (g, n) -> new Tensor[] {reshape(g, in)}, x);
        }
        return out;
    }

    static Tensor reshape(Tensor x, int[] shape) {
        x.checkAlive("reshape");
        int[] target = Shapes.inferSize("reshape", shape, x.numel, x.shape);
        long[] st = viewStrides(x.shape, x.strides, target);
        if (st != null) return viewWithGrad(x, target, st, "ViewBackward0");
        Tensor c = contiguous(x);
        try {
            return viewWithGrad(c, target, Shapes.contiguousStrides(target), "UnsafeViewBackward0");
        } finally {
            c.release(Tensor.RELEASED_BY_SCOPE); // the view keeps the copy's storage alive
        }
    }

    static Tensor contiguous(Tensor x) {
        x.checkAlive("contiguous");
        if (x.isContiguous()) return x;
        return cloneTensor(x);
    }

    static Tensor cloneTensor(Tensor x) {
        x.checkAlive("clone");
        Tensor out = Tensor.allocate(x.backend, x.dtype, x.shape);
        x.backend.copy(Pointwise.iter2(out, x), x.dtype, x.dtype);
        if (Record.needed(x)) Record.node(out, "CloneBackward0", (g, n) -> new Tensor[] {g}, x);
        return out;
    }

    static Tensor transpose(Tensor x, int d0, int d1) {
        x.checkAlive("transpose");
        int nd = x.shape.length;
        int a = Shapes.wrapDim("transpose", d0, nd), b = Shapes.wrapDim("transpose", d1, nd);
        if (nd == 0) return viewWithGrad(x, x.shape, x.strides, "TransposeBackward0");
        int[] shape = x.shape.clone();
        long[] st = x.strides.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        st[a] = x.strides[b];
        st[b] = x.strides[a];
        Tensor out = x.view(shape, st, x.offset);
        if (Record.needed(x)) Record.node(out, "TransposeBackward0", (g, n) -> new Tensor[] {transpose(g, a, b)}, x);
        return out;
    }

    static Tensor t(Tensor x) {
        x.checkAlive("t");
        if (x.shape.length > 2) {
            throw new IllegalArgumentException("t: expects a tensor with at most 2 dimensions, got shape "
                    + Shapes.str(x.shape) + "; use transpose(dim0, dim1) or permute");
        }
        if (x.shape.length < 2) return viewWithGrad(x, x.shape, x.strides, "TBackward0");
        Tensor out = x.view(new int[] {x.shape[1], x.shape[0]}, new long[] {x.strides[1], x.strides[0]}, x.offset);
        if (Record.needed(x)) Record.node(out, "TBackward0", (g, n) -> new Tensor[] {t(g)}, x);
        return out;
    }

    static Tensor permute(Tensor x, int[] dims) {
        x.checkAlive("permute");
        int nd = x.shape.length;
        if (dims.length != nd) {
            throw new IllegalArgumentException("permute: the number of dims (" + dims.length + ") does not match the "
                    + "tensor's " + nd + " dimensions (shape " + Shapes.str(x.shape) + ")");
        }
        int[] p = new int[nd];
        boolean[] seen = new boolean[nd];
        for (int i = 0; i < nd; i++) {
            p[i] = Shapes.wrapDim("permute", dims[i], nd);
            if (seen[p[i]]) throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeats in " + Arrays.toString(dims));
            seen[p[i]] = true;
        }
        int[] shape = new int[nd];
        long[] st = new long[nd];
        int[] inverse = new int[nd];
        for (int i = 0; i < nd; i++) {
            shape[i] = x.shape[p[i]];
            st[i] = x.strides[p[i]];
            inverse[p[i]] = i;
        }
        Tensor out = x.view(shape, st, x.offset);
        if (Record.needed(x)) Record.node(out, "PermuteBackward0", (g, n) -> new Tensor[] {permute(g, inverse)}, x);
        return out;
    }

    static Tensor squeeze(Tensor x, Integer dim) {
        x.checkAlive("squeeze");
        int nd = x.shape.length;
        boolean[] drop = new boolean[nd];
        if (dim == null) {
            for (int i = 0; i < nd; i++) drop[i] = x.shape[i] == 1;
        } else {
            int d = Shapes.wrapDim("squeeze", dim, nd);
            if (nd > 0) drop[d] = x.shape[d] == 1;
        }
        int k = 0;
        for (boolean b : drop) if (!b) k++;
        int[] shape = new int[k];
        long[] st = new long[k];
        k = 0;
        for (int i = 0; i < nd; i++) {
            if (!drop[i]) {
                shape[k] = x.shape[i];
                st[k++] = x.strides[i];
            }
        }
        return viewWithGrad(x, shape, st, dim == null ? "SqueezeBackward0" : "SqueezeBackward1");
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        x.checkAlive("unsqueeze");
        int nd = x.shape.length;
        int d = Shapes.wrapDim("unsqueeze", dim, nd + 1);
        int[] shape = new int[nd + 1];
        long[] st = new long[nd + 1];
        for (int i = 0, j = 0; i <= nd; i++) {
            if (i == d) {
                shape[i] = 1;
                st[i] = j < nd ? x.strides[j] * x.shape[j] : 1;
            } else {
                shape[i] = x.shape[j];
                st[i] = x.strides[j++];
            }
        }
        return viewWithGrad(x, shape, st, "UnsqueezeBackward0");
    }

    static Tensor expand(Tensor x, int[] sizes) {
        x.checkAlive("expand");
        int nd = sizes.length, old = x.shape.length;
        if (nd < old) {
            throw new ShapeMismatchException("expand: the number of sizes provided (" + nd + ") must be greater or equal "
                    + "to the number of dimensions in the tensor (" + old + "), tensor shape " + Shapes.str(x.shape));
        }
        int[] shape = new int[nd];
        long[] st = new long[nd];
        for (int i = nd - 1; i >= 0; i--) {
            int j = i - (nd - old);
            int want = sizes[i];
            if (j < 0) {
                if (want < 0) {
                    throw new ShapeMismatchException("expand: -1 is not allowed in a leading, non-existing dimension ("
                            + i + "), target sizes " + Arrays.toString(sizes));
                }
                shape[i] = want;
                st[i] = 0;
            } else {
                int have = x.shape[j];
                if (want == -1) want = have;
                if (have == want) {
                    shape[i] = have;
                    st[i] = x.strides[j];
                } else if (have == 1 && want >= 0) {
                    shape[i] = want;
                    st[i] = 0;
                } else {
                    throw new ShapeMismatchException("expand: the expanded size of the tensor (" + want + ") must match "
                            + "the existing size (" + have + ") at non-singleton dimension " + i + ". Target sizes: "
                            + Arrays.toString(sizes) + ". Tensor sizes: " + Shapes.str(x.shape));
                }
            }
        }
        Tensor out = x.view(shape, st, x.offset);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, "ExpandBackward0", (g, n) -> new Tensor[] {Record.sumTo(g, in)}, x);
        }
        return out;
    }

    /** Python slicing along {@code dim}; {@code strict} (narrow) rejects out-of-range bounds instead of clamping. */
    static Tensor slice(Tensor x, int dim, int start, int end, int step, String op, boolean strict) {
        x.checkAlive(op);
        if (x.shape.length == 0) throw new IndexOutOfBoundsException(op + ": cannot slice a 0-dimensional tensor");
        int d = Shapes.wrapDim(op, dim, x.shape.length);
        int size = x.shape[d];
        if (step <= 0) throw new IllegalArgumentException(op + ": slice step must be positive, got " + step);
        if (strict) {
            if (start < -size || start > size) {
                throw new IndexOutOfBoundsException(op + ": start " + start + " is out of range for dimension " + d
                        + " of size " + size);
            }
            if (start < 0) {
                start += size;
                end += size;
            }
            if (end > size || end < start) {
                throw new IndexOutOfBoundsException(op + ": start (" + start + ") + length (" + (end - start)
                        + ") exceeds dimension size (" + size + ")");
            }
        }
        int s = start < 0 ? Math.max(start + size, 0) : Math.min(start, size);
        int e = end < 0 ? Math.max(end + size, 0) : Math.min(end, size);
        int len = e > s ? (e - s + step - 1) / step : 0;
        int[] shape = x.shape.clone();
        long[] st = x.strides.clone();
        shape[d] = len;
        st[d] = x.strides[d] * step;
        Tensor out = x.view(shape, st, x.offset + (long) s * x.strides[d]);
        if (Record.needed(x)) {
            int[] in = x.shape;
            int from = s;
            Record.node(out, "SliceBackward0", (g, n) -> new Tensor[] {sliceScatter(g, in, d, from, step)}, x);
        }
        return out;
    }

    /** zeros of {@code shape} with {@code g} written into the slice [from::step] of dim d; differentiable. */
    static Tensor sliceScatter(Tensor g, int[] shape, int d, int from, int step) {
        Tensor out = Creation.full(g.dtype, 0, shape, "sliceBackward");
        long[] st = out.strides.clone();
        st[d] *= step;
        Tensor region = out.view(g.shape, st, out.offset + (long) from * out.strides[d]);
        try {
            out.backend.copy(Pointwise.iter2(region, g), g.dtype, g.dtype);
        } finally {
            region.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(g)) {
            int len = g.shape[d];
            Record.node(out, "SliceBackwardBackward0",
                    (gg, n) -> new Tensor[] {slice(gg, d, from, from + (len - 1) * step + 1, step, "slice", false)}, g);
        }
        return out;
    }

    static Tensor select(Tensor x, int dim, int index) {
        x.checkAlive("select");
        if (x.shape.length == 0) throw new IndexOutOfBoundsException("select: cannot index a 0-dimensional tensor");
        int d = Shapes.wrapDim("select", dim, x.shape.length);
        int size = x.shape[d];
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select: index " + index + " is out of range for dimension " + d
                    + " with size " + size);
        }
        int i = index < 0 ? index + size : index;
        int nd = x.shape.length;
        int[] shape = new int[nd - 1];
        long[] st = new long[nd - 1];
        for (int a = 0, b = 0; a < nd; a++) {
            if (a == d) continue;
            shape[b] = x.shape[a];
            st[b++] = x.strides[a];
        }
        Tensor out = x.view(shape, st, x.offset + (long) i * x.strides[d]);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, "SelectBackward0", (g, n) -> new Tensor[] {selectScatter(g, in, d, i)}, x);
        }
        return out;
    }

    /** zeros of {@code shape} with {@code g} written at index i of dim d; differentiable. */
    static Tensor selectScatter(Tensor g, int[] shape, int d, int i) {
        Tensor out = Creation.full(g.dtype, 0, shape, "selectBackward");
        int nd = shape.length;
        long[] st = new long[nd - 1];
        for (int a = 0, b = 0; a < nd; a++) if (a != d) st[b++] = out.strides[a];
        Tensor region = out.view(g.shape, st, out.offset + (long) i * out.strides[d]);
        try {
            out.backend.copy(Pointwise.iter2(region, g), g.dtype, g.dtype);
        } finally {
            region.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(g)) {
            Record.node(out, "SelectBackwardBackward0", (gg, n) -> new Tensor[] {select(gg, d, i)}, g);
        }
        return out;
    }

    static Tensor flatten(Tensor x, int startDim, int endDim) {
        x.checkAlive("flatten");
        int nd = x.shape.length;
        if (nd == 0) return reshape(x, new int[] {1});
        int s = Shapes.wrapDim("flatten", startDim, nd), e = Shapes.wrapDim("flatten", endDim, nd);
        if (s > e) throw new IllegalArgumentException("flatten: start_dim (" + startDim + ") cannot come after end_dim (" + endDim + ")");
        if (s == e) return x;
        int[] shape = new int[nd - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) shape[k++] = x.shape[i];
        long prod = 1;
        for (int i = s; i <= e; i++) prod *= x.shape[i];
        shape[k++] = (int) prod;
        for (int i = e + 1; i < nd; i++) shape[k++] = x.shape[i];
        return reshape(x, shape);
    }
}
