package dev.panagrad;

import dev.panagrad.backend.Gemm;

import java.util.Arrays;

/** The ops behind {@link F}: linear, losses, embedding. */
final class NnOps {
    private NnOps() {}

    static Tensor linear(Tensor x, Tensor w, Tensor b) {
        x.checkAlive("linear");
        w.checkAlive("linear");
        if (b != null) b.checkAlive("linear");
        if (w.shape.length != 2) {
            throw new ShapeMismatchException("linear: the weight must be 2-D [out_features, in_features], got shape "
                    + Shapes.str(w.shape));
        }
        int out = w.shape[0], in = w.shape[1];
        if (x.shape.length == 0 || x.shape[x.shape.length - 1] != in) {
            throw new ShapeMismatchException("linear: the input (shape " + Shapes.str(x.shape) + ") must end in " + in
                    + " features to match the weight (shape " + Shapes.str(w.shape) + ")");
        }
        if (b != null && (b.shape.length != 1 || b.shape[0] != out)) {
            throw new ShapeMismatchException("linear: the bias must have shape [" + out + "], got " + Shapes.str(b.shape));
        }
        if (x.dtype != w.dtype || (b != null && b.dtype != w.dtype)) {
            throw new DTypeMismatchException("linear: input, weight and bias must share a dtype, got " + x.dtype.pyName()
                    + ", " + w.dtype.pyName() + (b == null ? "" : ", " + b.dtype.pyName()));
        }
        Pointwise.checkSameDevice("linear", x, w);
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("linear: expects floating point tensors, got " + x.dtype.pyName());
        }
        if (x.shape.length == 1) {
            try (Scope tmp = Scope.open()) {
                return tmp.keep(ViewOps.reshape(addmm(ViewOps.unsqueeze(x, 0), w, b), new int[] {out}));
            }
        }
        if (x.shape.length == 2) return addmm(x, w, b);
        int[] lead = Arrays.copyOf(x.shape, x.shape.length - 1);
        try (Scope tmp = Scope.open()) {
            Tensor x2 = ViewOps.reshape(x, new int[] {-1, in});
            return tmp.keep(ViewOps.reshape(addmm(x2, w, b), F.append(lead, out)));
        }
    }

    /** x [M, K] @ w.T + b as one GEMM: the bias is written into the output, then accumulated onto (beta = 1). */
    private static Tensor addmm(Tensor x, Tensor w, Tensor b) {
        int m = x.shape[0], k = x.shape[1], n = w.shape[0];
        Tensor out = Tensor.allocate(x.backend, x.dtype, new int[] {m, n});
        double beta = 0;
        if (b != null) {
            Tensor bb = b.view(new int[] {m, n}, new long[] {0, b.strides[0]}, b.offset);
            try {
                out.backend.copy(Pointwise.iter2(out, bb), out.dtype, b.dtype);
            } finally {
                bb.release(Tensor.RELEASED_BY_SCOPE);
            }
            beta = 1;
        }
        out.backend.gemm(x.dtype, new Gemm(1, m, n, k, 1.0,
                x.storage.segment(), x.offset, 0, x.strides[0], x.strides[1],
                w.storage.segment(), w.offset, 0, w.strides[1], w.strides[0],
                beta, out.storage.segment(), out.offset, 0, n, 1));
        if (Record.needed(x, w, b)) {
            Record.nodeN(out, b != null ? "AddmmBackward0" : "MmBackward0", (g, nd) -> {
                Tensor gx = nd.needsInputGrad(0) ? LinearAlgebra.mm(g, nd.saved(1)) : null;
                Tensor gw = null;
                if (nd.needsInputGrad(1)) {
                    Tensor into = Engine.gradIntoLeaf(nd, 1);
                    if (into != null) accumulateWeightGrad(g, nd.saved(0), into);
                    else gw = LinearAlgebra.mm(ViewOps.t(g), nd.saved(0));
                }
                Tensor gb = b != null && nd.needsInputGrad(2) ? Reductions.sum(g, new int[] {0}, false) : null;
                return new Tensor[] {gx, gw, gb};
            }, new Tensor[] {x, w, b}, w.requiresGrad ? SavedTensor.input(x) : null,
                    x.requiresGrad ? SavedTensor.input(w) : null);
        }
        return out;
    }

    /** {@code into += g.T @ x}: the weight gradient added into an existing .grad by the GEMM itself. */
    private static void accumulateWeightGrad(Tensor g, Tensor x, Tensor into) {
        int m = g.shape[0], n = g.shape[1], k = x.shape[1];
        into.backend.gemm(g.dtype, new Gemm(1, n, k, m, 1.0,
                g.storage.segment(), g.offset, 0, g.strides[1], g.strides[0],
                x.storage.segment(), x.offset, 0, x.strides[0], x.strides[1],
                1.0, into.storage.segment(), into.offset, 0, into.strides[0], into.strides[1]));
        into.storage.bumpVersion();
    }

    private static Tensor reduce(Tensor perElement, F.Reduction r) {
        return switch (r) {
            case NONE -> perElement;
            case SUM -> perElement.sum();
            case MEAN -> perElement.mean();
        };
    }

    static Tensor mseLoss(Tensor input, Tensor target, F.Reduction reduction) {
        input.checkAlive("mse_loss");
        target.checkAlive("mse_loss");
        if (!input.dtype.isFloatingPoint() || !target.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("mse_loss: expects floating point input and target, got "
                    + input.dtype.pyName() + " and " + target.dtype.pyName());
        }
        Shapes.broadcast("mse_loss", input.shape, target.shape);
        try (Scope tmp = Scope.open()) {
            return tmp.keep(reduce(input.sub(target).square(), reduction));
        }
    }

    /** The class dimension and the per-sample target shape of a classification loss. */
    private static void checkTarget(String op, Tensor input, Tensor target) {
        if (input.shape.length == 0) {
            throw new ShapeMismatchException(op + ": the input must have a class dimension, got a 0-d tensor");
        }
        int[] expected = input.shape.length == 1 ? Shapes.SCALAR : removeDim(input.shape, 1);
        if (target.dtype != DType.INT64) {
            throw new DTypeMismatchException(op + ": expected int64 class indices as target, got " + target.dtype.pyName()
                    + " of shape " + Shapes.str(target.shape)
                    + (op.equals("cross_entropy") ? "; class probabilities must have the input's shape "
                    + Shapes.str(input.shape) : "") + ". Convert indices with to(DType.INT64)");
        }
        if (!Arrays.equals(target.shape, expected)) {
            throw new ShapeMismatchException(op + ": expected a target of shape " + Shapes.str(expected)
                    + " for input of shape " + Shapes.str(input.shape) + ", got " + Shapes.str(target.shape));
        }
    }

    static int[] removeDim(int[] shape, int d) {
        int[] r = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != d) r[j++] = shape[i];
        return r;
    }

    /** Throws unless every target is a class index in [0, classes) or the ignored index; returns how many are not ignored. */
    private static long checkClasses(String op, Tensor target, int classes, long ignoreIndex) {
        long valid = 0;
        for (long v : target.toLongArray()) {
            if (v == ignoreIndex) continue;
            if (v < 0 || v >= classes) {
                throw new IndexOutOfBoundsException(op + ": target " + v + " is out of bounds for " + classes + " classes");
            }
            valid++;
        }
        return valid;
    }

    static Tensor crossEntropy(Tensor input, Tensor target, F.Reduction reduction, double smoothing, long ignoreIndex) {
        input.checkAlive("cross_entropy");
        target.checkAlive("cross_entropy");
        if (smoothing < 0 || smoothing > 1) {
            throw new IllegalArgumentException("cross_entropy: label smoothing must be in [0, 1], got " + smoothing);
        }
        if (!input.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("cross_entropy: the input must be floating point logits, got " + input.dtype.pyName());
        }
        int classDim = input.shape.length == 1 ? 0 : 1;
        if (target.dtype.isFloatingPoint() && Arrays.equals(target.shape, input.shape)) {
            return softCrossEntropy(input, target, reduction, smoothing, classDim);
        }
        checkTarget("cross_entropy", input, target);
        Pointwise.checkSameDevice("cross_entropy", input, target);
        long valid = checkClasses("cross_entropy", target, input.shape[classDim], ignoreIndex);
        return CrossEntropyOps.withIndices(input, target, reduction, smoothing, ignoreIndex, valid);
    }

    private static Tensor softCrossEntropy(Tensor input, Tensor target, F.Reduction reduction, double smoothing, int classDim) {
        int classes = input.shape[classDim];
        try (Scope tmp = Scope.open()) {
            Tensor t = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
            Tensor loss = SoftmaxOps.softmax(input, classDim, true).mul(t).sum(new int[] {classDim}, false).neg();
            Tensor r = switch (reduction) {
                case NONE -> loss;
                case SUM -> loss.sum();
                case MEAN -> loss.sum().div((double) (loss.numel() == 0 ? 1 : loss.numel()));
            };
            return tmp.keep(r);
        }
    }

    /** Mean over the samples that count (PyTorch divides by the number of non-ignored targets). */
    private static Tensor reduceMasked(Tensor loss, Tensor valid, F.Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(valid.sum());
        };
    }

    /** -logp[target] per sample (0 where ignored). */
    private static Tensor nllRaw(Tensor logp, Tensor target, int classDim, long ignoreIndex) {
        Tensor safe = Tensor.where(target.eq((double) ignoreIndex), target.zerosLike(), target);
        Tensor picked;
        if (logp.shape.length == 1) {
            picked = logp.gather(0, safe.reshape(1)).reshape();
        } else {
            picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        }
        Tensor valid = target.ne((double) ignoreIndex).to(logp.dtype);
        return picked.neg().mul(valid);
    }

    static Tensor nllLoss(Tensor input, Tensor target, F.Reduction reduction, long ignoreIndex) {
        input.checkAlive("nll_loss");
        target.checkAlive("nll_loss");
        if (!input.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("nll_loss: the input must be floating point log-probabilities, got "
                    + input.dtype.pyName());
        }
        checkTarget("nll_loss", input, target);
        int classDim = input.shape.length == 1 ? 0 : 1;
        checkClasses("nll_loss", target, input.shape[classDim], ignoreIndex);
        try (Scope tmp = Scope.open()) {
            Tensor loss = nllRaw(input, target, classDim, ignoreIndex);
            Tensor valid = target.ne((double) ignoreIndex).to(input.dtype);
            return tmp.keep(reduceMasked(loss, valid, reduction));
        }
    }

    static Tensor embedding(Tensor ids, Tensor weight) {
        ids.checkAlive("embedding");
        weight.checkAlive("embedding");
        if (ids.dtype != DType.INT64) {
            throw new DTypeMismatchException("embedding: expected int64 ids, got " + ids.dtype.pyName()
                    + "; convert with to(DType.INT64)");
        }
        if (weight.shape.length != 2) {
            throw new ShapeMismatchException("embedding: the weight must be 2-D [num_embeddings, dim], got "
                    + Shapes.str(weight.shape));
        }
        int n = weight.shape[0];
        for (long v : ids.toLongArray()) {
            if (v < 0 || v >= n) {
                throw new IndexOutOfBoundsException("embedding: id " + v + " is out of range for " + n + " embeddings");
            }
        }
        try (Scope tmp = Scope.open()) {
            Tensor flat = ids.reshape(-1);
            Tensor rows = IndexOps.indexSelect(weight, 0, flat);
            return tmp.keep(rows.reshape(F.append(ids.shape, weight.shape[1])));
        }
    }
}
