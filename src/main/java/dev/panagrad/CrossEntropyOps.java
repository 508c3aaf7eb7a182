package dev.panagrad;

/**
 * Cross-entropy against class indices as one fused op: the forward reads the logits once
 * per row (running max and sum of exponentials, the picked logit, and the row sum for label
 * smoothing) and keeps only each sample's logsumexp; the backward writes
 * {@code (softmax - (1-s)*onehot - s/C) * g / count} in one pass. One node,
 * {@code NllLossBackward0} as PyTorch names the last node of {@code F.cross_entropy}.
 *
 * <p>Saving the logsumexp (one value per sample) instead of the log-probabilities costs the
 * backward one exponential per logit, but spares the forward a write of the whole [N, C]
 * matrix and the graph a buffer of that size; the logits themselves are the input, saved
 * without a copy.
 */
final class CrossEntropyOps {
    private CrossEntropyOps() {}

    /**
     * The loss of checked arguments: logits {@code input} ([C], or [N, C, d...]) and int64
     * {@code target} of the sample shape, {@code valid} of them not equal to {@code ignoreIndex}.
     */
    static Tensor withIndices(Tensor input, Tensor target, F.Reduction reduction, double smoothing, long ignoreIndex,
                              long valid) {
        DType dt = input.dtype;
        int classDim = input.shape.length == 1 ? 0 : 1;
        long[] odi = RawTensors.outerDimInner(input.shape, classDim);
        Tensor x = RawTensors.contiguous(input, dt), t = RawTensors.contiguous(target, DType.INT64);
        Tensor loss = Tensor.allocate(input.backend, dt, target.shape);
        Tensor lse = Tensor.allocate(input.backend, dt, target.shape);
        Tensor out = loss;
        try {
            input.backend.crossEntropy(dt, odi[0], odi[1], odi[2], x.storage.segment(), x.offset,
                    t.storage.segment(), t.offset, ignoreIndex, smoothing, loss.storage.segment(), loss.offset,
                    lse.storage.segment(), lse.offset);
            if (reduction != F.Reduction.NONE) {
                boolean[] all = new boolean[loss.shape.length];
                java.util.Arrays.fill(all, true);
                out = Reductions.reduceRaw(dev.panagrad.backend.ReduceOp.SUM, loss, all, false, dt);
                if (reduction == F.Reduction.MEAN) {
                    // 0 / 0 = NaN when every target is ignored, as in PyTorch.
                    Tensor mean = Pointwise.scalarRaw(dev.panagrad.backend.BinaryOp.DIV, out, (double) valid, false, dt);
                    out.release(Tensor.RELEASED_BY_SCOPE);
                    out = mean;
                }
            }
        } catch (RuntimeException e) {
            if (out != loss) out.release(Tensor.RELEASED_BY_SCOPE);
            loss.release(Tensor.RELEASED_BY_SCOPE);
            lse.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            RawTensors.releaseTemp(x, input);
            RawTensors.releaseTemp(t, target);
        }
        if (out != loss) loss.release(Tensor.RELEASED_BY_SCOPE);
        if (Record.needed(input)) {
            // With every target ignored the mean is NaN but the gradient zero, as in PyTorch.
            double scale = reduction != F.Reduction.MEAN ? 1.0 : valid == 0 ? 0.0 : 1.0 / valid;
            Record.node(out, "NllLossBackward0", (g, n) -> {
                Tensor xs = n.saved(0), ts = n.saved(1);
                if (Record.recording()) {
                    return new Tensor[] {differentiable(xs, ts, g, classDim, reduction, smoothing, ignoreIndex, scale)};
                }
                return new Tensor[] {backwardRaw(xs, ts, n.saved(2), g, odi, reduction, smoothing, ignoreIndex, scale)};
            }, input, SavedTensor.input(input), SavedTensor.input(target), SavedTensor.input(lse));
        }
        lse.release(Tensor.RELEASED_BY_SCOPE);
        return out;
    }

    /** The fused gradient kernel (no autograd). */
    private static Tensor backwardRaw(Tensor input, Tensor target, Tensor lse, Tensor g, long[] odi,
                                      F.Reduction reduction, double smoothing, long ignoreIndex, double scale) {
        DType dt = input.dtype;
        Tensor x = RawTensors.contiguous(input, dt), t = RawTensors.contiguous(target, DType.INT64);
        Tensor gc = RawTensors.contiguous(g, dt);
        Tensor gx = Tensor.allocate(input.backend, dt, input.shape);
        try {
            input.backend.crossEntropyBackward(dt, odi[0], odi[1], odi[2], x.storage.segment(), x.offset,
                    lse.storage.segment(), lse.offset, t.storage.segment(), t.offset, ignoreIndex, smoothing,
                    gc.storage.segment(), gc.offset, reduction == F.Reduction.NONE ? 1 : 0, scale,
                    gx.storage.segment(), gx.offset);
        } catch (RuntimeException e) {
            gx.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            RawTensors.releaseTemp(x, input);
            RawTensors.releaseTemp(t, target);
            RawTensors.releaseTemp(gc, g);
        }
        return gx;
    }

    /**
     * The same gradient in differentiable ops, for createGraph: {@code (softmax(x) - q) * w}
     * with the smoothed target distribution {@code q = (1-s)*onehot + s/C} and the per-sample
     * weight {@code w = g * valid * scale}.
     */
    private static Tensor differentiable(Tensor x, Tensor target, Tensor g, int classDim, F.Reduction reduction,
                                         double smoothing, long ignoreIndex, double scale) {
        try (Scope tmp = Scope.open()) {
            int classes = x.shape[classDim];
            Tensor ignored = target.eq((double) ignoreIndex);
            Tensor safe = Tensor.where(ignored, target.zerosLike(), target);
            Tensor index = x.shape.length == 1 ? safe.reshape(1) : safe.unsqueeze(classDim);
            Tensor ones = Creation.full(x.dtype, 1 - smoothing, index.shape, "cross_entropy");
            Tensor q = IndexOps.scatterAddFrom(ones, index, index.strides, x.shape, classDim).add(smoothing / classes);
            Tensor w = g.mul(ignored.logicalNot().to(x.dtype));
            if (scale != 1) w = w.mul(scale);
            if (x.shape.length > 1) w = w.unsqueeze(classDim);
            return tmp.keep(SoftmaxOps.softmax(x, classDim, false).sub(q).mul(w));
        }
    }
}
