package dev.panagrad;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Indexing by int64 tensors: index_select, gather, Python-style {@code x[...]}, and the
 * scatter-adds that are their gradients (repeated indices accumulate).
 */
final class IndexOps {
    private IndexOps() {}

    static void checkIndexTensor(String op, Tensor index) {
        index.checkAlive(op);
        if (index.dtype != DType.INT64) {
            throw new DTypeMismatchException(op + ": expected an int64 index tensor, got " + index.dtype.pyName()
                    + "; convert with to(DType.INT64)");
        }
    }

    /** Throws unless every index lies in [0, size). */
    static void checkRange(String op, Tensor index, int size, int dim) {
        if (index.numel == 0) return;
        long lo, hi;
        try (var g = GradMode.noGrad()) {
            Tensor mn = Reductions.amax(index, null, false, false), mx = Reductions.amax(index, null, false, true);
            lo = mn.itemLong();
            hi = mx.itemLong();
            mn.release(Tensor.RELEASED_BY_SCOPE);
            mx.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (lo < 0 || hi >= size) {
            long bad = lo < 0 ? lo : hi;
            throw new IndexOutOfBoundsException(op + ": index " + bad + " is out of bounds for dimension " + dim
                    + " with size " + size);
        }
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        x.checkAlive("index_select");
        checkIndexTensor("index_select", index);
        if (index.shape.length > 1) {
            throw new IllegalArgumentException("index_select: the index must be 0- or 1-dimensional, got shape "
                    + Shapes.str(index.shape));
        }
        int nd = x.shape.length;
        int d = Shapes.wrapDim("index_select", dim, nd);
        if (nd == 0) {
            try (Scope tmp = Scope.open()) {
                return tmp.keep(ViewOps.reshape(indexSelect(ViewOps.reshape(x, new int[] {1}), 0, index), Shapes.SCALAR));
            }
        }
        checkRange("index_select", index, x.shape[d], d);
        int[] shape = x.shape.clone();
        shape[d] = (int) index.numel;
        long[] idxStrides = new long[shape.length];
        idxStrides[d] = index.shape.length == 0 ? 0 : index.strides[0];
        Tensor out = Tensor.allocate(x.backend, x.dtype, shape);
        x.backend.gather(x.dtype, shape, d, out.storage.segment(), out.offset, out.strides,
                x.storage.segment(), x.offset, x.strides, index.storage.segment(), index.offset, idxStrides);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, "IndexSelectBackward0",
                    (g, n) -> new Tensor[] {scatterAddFrom(g, n.saved(0), idxStrides, in, d)}, x, SavedTensor.input(index));
        }
        return out;
    }

    /** zeros(shape) with {@code src} added at {@code index} (viewed with {@code idxStrides} over src's shape) along dim. */
    static Tensor scatterAddFrom(Tensor src, Tensor index, long[] idxStrides, int[] shape, int dim) {
        Tensor out = Creation.full(src.dtype, 0, shape, "scatter_add");
        Tensor s = src.isContiguous() ? src : ViewOps.contiguous(src);
        try {
            out.backend.scatterAdd(src.dtype, s.shape, dim, out.storage.segment(), out.offset, out.strides,
                    s.storage.segment(), s.offset, s.strides, index.storage.segment(), index.offset, idxStrides);
        } finally {
            if (s != src) s.release(Tensor.RELEASED_BY_SCOPE);
        }
        if (Record.needed(src)) {
            int[] srcShape = src.shape;
            Record.node(out, "IndexAddBackward0", (g, n) -> new Tensor[] {gatherRaw(g, n.saved(0), idxStrides, srcShape, dim)},
                    src, SavedTensor.input(index));
        }
        return out;
    }

    /** The gather kernel into a new tensor of {@code shape}, with autograd. */
    private static Tensor gatherRaw(Tensor x, Tensor index, long[] idxStrides, int[] shape, int dim) {
        Tensor out = Tensor.allocate(x.backend, x.dtype, shape);
        x.backend.gather(x.dtype, shape, dim, out.storage.segment(), out.offset, out.strides,
                x.storage.segment(), x.offset, x.strides, index.storage.segment(), index.offset, idxStrides);
        if (Record.needed(x)) {
            int[] in = x.shape;
            Record.node(out, "GatherBackward0", (g, n) -> new Tensor[] {scatterAddFrom(g, n.saved(0), idxStrides, in, dim)},
                    x, SavedTensor.input(index));
        }
        return out;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        x.checkAlive("gather");
        checkIndexTensor("gather", index);
        int nd = x.shape.length;
        if (index.shape.length != nd) {
            throw new ShapeMismatchException("gather: the index (shape " + Shapes.str(index.shape) + ") must have as many "
                    + "dimensions as the input (shape " + Shapes.str(x.shape) + ")");
        }
        int d = Shapes.wrapDim("gather", dim, nd);
        for (int i = 0; i < nd; i++) {
            if (i != d && index.shape[i] > x.shape[i]) {
                throw new ShapeMismatchException("gather: the index (shape " + Shapes.str(index.shape) + ") is larger than "
                        + "the input (shape " + Shapes.str(x.shape) + ") in dimension " + i);
            }
        }
        checkRange("gather", index, nd == 0 ? 1 : x.shape[d], d);
        return gatherRaw(x, index, index.strides, index.shape, d);
    }

    /** Values-selecting backward (max/min along a dim): zeros(shape) with g written at idx along dim. */
    static Tensor scatterInto(Tensor g, Tensor idx, int[] shape, int dim) {
        if (shape.length == 0) return ViewOps.reshape(g, Shapes.SCALAR);
        return scatterAddFrom(g, idx, Shapes.broadcastStrides(idx.shape, idx.strides, g.shape), shape, dim);
    }

    /** Python-style indexing. */
    static Tensor index(Tensor x, Index[] items) {
        x.checkAlive("index");
        int consumed = 0, ellipses = 0;
        for (Index it : items) {
            if (it.kind == Index.Kind.ELLIPSIS) ellipses++;
            else if (it.kind != Index.Kind.NONE) {
                consumed += it.kind == Index.Kind.TENSOR && it.tensor.dtype == DType.BOOL ? it.tensor.shape.length : 1;
            }
        }
        if (ellipses > 1) throw new IllegalArgumentException("index: an index can only have a single ellipsis");
        if (consumed > x.shape.length) {
            throw new IndexOutOfBoundsException("index: too many indices for a tensor of dimension " + x.shape.length
                    + " (got " + consumed + ")");
        }
        try (Scope tmp = Scope.open()) {
            Tensor v = x;
            int d = 0; // current dimension of v
            List<Integer> tensorDims = new ArrayList<>();
            List<Tensor> tensors = new ArrayList<>();
            for (Index it : items) {
                switch (it.kind) {
                    case INT -> v = ViewOps.select(v, d, it.value);
                    case SLICE -> {
                        int size = v.shape.length > d ? v.shape[d] : 0;
                        int start = it.start == null ? 0 : it.start;
                        int stop = it.stop == null ? size : it.stop;
                        v = ViewOps.slice(v, d, start, stop, it.step, "index", false);
                        d++;
                    }
                    case NONE -> v = ViewOps.unsqueeze(v, d++);
                    case ELLIPSIS -> d += x.shape.length - consumed;
                    case TENSOR -> {
                        Tensor t = it.tensor;
                        t.checkAlive("index");
                        if (t.dtype == DType.BOOL) {
                            for (Tensor idx : nonzero(t, v, d)) {
                                tensorDims.add(d++);
                                tensors.add(idx);
                            }
                        } else {
                            checkIndexTensor("index", t);
                            tensorDims.add(d++);
                            tensors.add(t);
                        }
                    }
                }
            }
            Tensor r = tensors.isEmpty() ? (v == x ? ViewOps.alias(x) : v) : advanced(v, tensorDims, tensors);
            return tmp.keep(r);
        }
    }

    /** Indices of the true elements of a bool mask covering dims [d, d + mask.ndim) of v, one int64 tensor per dim. */
    private static Tensor[] nonzero(Tensor mask, Tensor v, int d) {
        int k = mask.shape.length;
        for (int i = 0; i < k; i++) {
            if (d + i >= v.shape.length || v.shape[d + i] != mask.shape[i]) {
                throw new ShapeMismatchException("index: the mask of shape " + Shapes.str(mask.shape)
                        + " does not match the indexed tensor's shape " + Shapes.str(v.shape) + " at dimension " + (d + i));
            }
        }
        boolean[] m = mask.toBooleanArray();
        int count = 0;
        for (boolean b : m) if (b) count++;
        long[][] idx = new long[k][count];
        int c = 0;
        for (int flat = 0; flat < m.length; flat++) {
            if (!m[flat]) continue;
            int rem = flat;
            for (int i = k - 1; i >= 0; i--) {
                idx[i][c] = rem % mask.shape[i];
                rem /= mask.shape[i];
            }
            c++;
        }
        Tensor[] out = new Tensor[k];
        for (int i = 0; i < k; i++) out[i] = Tensor.of(idx[i], count);
        return out;
    }

    /**
     * Advanced indexing of v by int64 tensors at the given dims, NumPy's rules: adjacent
     * indexed dims are replaced in place by the broadcast index shape, separated ones move to
     * the front. Implemented as one index_select on the indexed dims merged into one.
     */
    private static Tensor advanced(Tensor v, List<Integer> dims, List<Tensor> tensors) {
        int k = tensors.size();
        int[] bshape = tensors.get(0).shape;
        for (int i = 1; i < k; i++) bshape = Shapes.broadcast("index", bshape, tensors.get(i).shape);
        boolean adjacent = true;
        for (int i = 1; i < k; i++) if (dims.get(i) != dims.get(i - 1) + 1) adjacent = false;
        Tensor w = v;
        int first = dims.get(0);
        if (!adjacent) {
            int nd = v.shape.length;
            int[] perm = new int[nd];
            boolean[] used = new boolean[nd];
            int p = 0;
            for (int dd : dims) {
                perm[p++] = dd;
                used[dd] = true;
            }
            for (int i = 0; i < nd; i++) if (!used[i]) perm[p++] = i;
            w = ViewOps.permute(v, perm);
            first = 0;
        }
        // One linear index into the merged indexed dims, negative indices wrapped.
        Tensor lin = null;
        long mergedSize = 1;
        try (var g = GradMode.noGrad()) {
            for (int i = 0; i < k; i++) {
                Tensor t = tensors.get(i);
                int size = w.shape[first + i];
                Tensor wrapped = Tensor.where(t.lt(0.0), t.add((long) size), t);
                checkRange("index", wrapped, size, first + i);
                lin = lin == null ? wrapped : lin.mul((long) size).add(wrapped);
                mergedSize *= size;
            }
            lin = ViewOps.reshape(ViewOps.contiguous(ViewOps.expand(lin, bshape)), new int[] {-1});
        }
        int nd = w.shape.length;
        int[] merged = new int[nd - k + 1];
        for (int i = 0, j = 0; i < nd; i++) {
            if (i == first) merged[j++] = (int) mergedSize;
            else if (i < first || i >= first + k) merged[j++] = w.shape[i];
        }
        Tensor sel = indexSelect(ViewOps.reshape(w, merged), first, lin);
        int[] outShape = new int[nd - k + bshape.length];
        int o = 0;
        for (int i = 0; i < first; i++) outShape[o++] = w.shape[i];
        for (int s : bshape) outShape[o++] = s;
        for (int i = first + k; i < nd; i++) outShape[o++] = w.shape[i];
        return ViewOps.reshape(sel, outShape);
    }
}
