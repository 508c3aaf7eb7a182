package dev.panagrad;

import java.util.List;

/** cat and stack: copies into slices of one output; gradients are the matching slices. */
final class JoinOps {
    private JoinOps() {}

    static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) {
            throw new IllegalArgumentException("cat: expected a non-empty list of tensors");
        }
        Tensor first = tensors.get(0);
        for (Tensor t : tensors) {
            t.checkAlive("cat");
            Pointwise.checkSameDevice("cat", first, t);
        }
        int nd = first.shape.length;
        if (nd == 0) throw new IllegalArgumentException("cat: zero-dimensional tensors cannot be concatenated; use stack");
        int d = Shapes.wrapDim("cat", dim, nd);
        DType dt = first.dtype;
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (t.shape.length != nd) {
                throw new ShapeMismatchException("cat: tensors must have the same number of dimensions: tensor 0 has shape "
                        + Shapes.str(first.shape) + ", tensor " + i + " has shape " + Shapes.str(t.shape));
            }
            for (int k = 0; k < nd; k++) {
                if (k != d && t.shape[k] != first.shape[k]) {
                    throw new ShapeMismatchException("cat: sizes of tensors must match except in dimension " + d
                            + ": tensor 0 has shape " + Shapes.str(first.shape) + ", tensor " + i + " has shape "
                            + Shapes.str(t.shape) + " (dimension " + k + " differs)");
                }
            }
            dt = DType.promote(dt, t.dtype);
            total += t.shape[d];
        }
        int[] shape = first.shape.clone();
        shape[d] = (int) total;
        Tensor out = Tensor.allocate(first.backend, dt, shape);
        int[] sizes = new int[tensors.size()];
        long pos = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            sizes[i] = t.shape[d];
            Tensor region = out.view(t.shape, out.strides, out.offset + pos * out.strides[d]);
            try {
                out.backend.copy(Pointwise.iter2(region, t), dt, t.dtype);
            } finally {
                region.release(Tensor.RELEASED_BY_SCOPE);
            }
            pos += t.shape[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        if (Record.needed(inputs)) {
            Record.nodeN(out, "CatBackward0", (g, n) -> {
                Tensor[] grads = new Tensor[sizes.length];
                int at = 0;
                for (int i = 0; i < sizes.length; i++) {
                    if (n.needsInputGrad(i)) grads[i] = ViewOps.slice(g, d, at, at + sizes[i], 1, "cat", false);
                    at += sizes[i];
                }
                return grads;
            }, inputs);
        }
        return out;
    }

    static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors == null || tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: expected a non-empty list of tensors");
        }
        Tensor first = tensors.get(0);
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            t.checkAlive("stack");
            if (!java.util.Arrays.equals(t.shape, first.shape)) {
                throw new ShapeMismatchException("stack: expects each tensor to be equal size, but got "
                        + Shapes.str(first.shape) + " at entry 0 and " + Shapes.str(t.shape) + " at entry " + i);
            }
        }
        int d = Shapes.wrapDim("stack", dim, first.shape.length + 1);
        try (Scope tmp = Scope.open()) {
            java.util.ArrayList<Tensor> parts = new java.util.ArrayList<>(tensors.size());
            for (Tensor t : tensors) parts.add(ViewOps.unsqueeze(t, d));
            return tmp.keep(cat(parts, d));
        }
    }
}
