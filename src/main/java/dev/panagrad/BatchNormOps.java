package dev.panagrad;

import java.util.Arrays;

/**
 * Batch normalisation over dimension 1 as one fused op (node {@code NativeBatchNormBackward0}).
 * Training (or no running statistics): per-channel batch mean and biased variance, then the
 * normalised, scaled and shifted write, and the running statistics updated in place as
 * PyTorch does (unbiased variance). Eval: the running statistics normalise. The node keeps
 * the input, the weight and the statistics used; its backward computes dx, dweight and dbias
 * in two sweeps per channel. Under createGraph the gradients are spelled out in
 * differentiable ops.
 */
final class BatchNormOps {
    private BatchNormOps() {}

    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        x.checkAlive("batch_norm");
        for (Tensor p : new Tensor[] {runningMean, runningVar, weight, bias}) if (p != null) p.checkAlive("batch_norm");
        if (x.shape.length < 2) {
            throw new ShapeMismatchException("batch_norm: expects an input [N, C, ...], got " + Shapes.str(x.shape));
        }
        int c = x.shape[1];
        for (Tensor p : new Tensor[] {runningMean, runningVar, weight, bias}) {
            if (p != null && (p.shape.length != 1 || p.shape[0] != c)) {
                throw new ShapeMismatchException("batch_norm: per-channel tensors must have shape [" + c + "], got "
                        + Shapes.str(p.shape) + " for input " + Shapes.str(x.shape));
            }
        }
        long count = x.numel / Math.max(c, 1);
        boolean useBatch = training || runningMean == null;
        if (useBatch && count <= 1) {
            throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input of shape "
                    + Shapes.str(x.shape));
        }
        if (!x.dtype.isFloatingPoint() || !useBatch && runningVar == null
                || !sameKind(x, runningMean) || !sameKind(x, runningVar) || !sameKind(x, weight) || !sameKind(x, bias)) {
            // Integer input, mixed dtypes or devices: the composite reports or promotes as before.
            return NormOps.batchNormComposite(x, runningMean, runningVar, weight, bias, training, momentum, eps);
        }
        long outer = x.shape[0], inner = outer * c == 0 ? 0 : x.numel / (outer * c);
        DType dt = x.dtype;
        int[] cs = {c};
        Tensor xc = RawTensors.contiguous(x, dt);
        Tensor wc = weight == null ? null : RawTensors.contiguous(weight, dt);
        Tensor bc = bias == null ? null : RawTensors.contiguous(bias, dt);
        Tensor mean, var;
        if (useBatch) {
            mean = Tensor.allocate(x.backend, dt, cs);
            var = Tensor.allocate(x.backend, dt, cs);
        } else {
            // Copies: the running statistics may change in place before backward, as they could before.
            mean = Pointwise.castRaw(runningMean, dt);
            var = Pointwise.castRaw(runningVar, dt);
        }
        Tensor y = Tensor.allocate(x.backend, dt, x.shape);
        try {
            if (useBatch) {
                x.backend.batchNormStats(dt, outer, c, inner, xc.storage.segment(), xc.offset,
                        mean.storage.segment(), mean.offset, var.storage.segment(), var.offset);
            }
            x.backend.batchNormApply(dt, outer, c, inner, xc.storage.segment(), xc.offset, mean.storage.segment(),
                    mean.offset, var.storage.segment(), var.offset, eps, RawTensors.segment(wc), RawTensors.offset(wc),
                    RawTensors.segment(bc), RawTensors.offset(bc), y.storage.segment(), y.offset);
            if (training && runningMean != null) {
                try (var g = GradMode.noGrad()) {
                    runningMean.mul_(1 - momentum).add_(mean, momentum);
                    Tensor unbiased = var.mul((double) count / (count - 1));
                    runningVar.mul_(1 - momentum).add_(unbiased, momentum);
                    unbiased.release(Tensor.RELEASED_BY_SCOPE);
                }
            }
        } catch (RuntimeException e) {
            for (Tensor t : new Tensor[] {y, mean, var}) t.release(Tensor.RELEASED_BY_SCOPE);
            throw e;
        } finally {
            RawTensors.releaseTemp(xc, x);
            RawTensors.releaseTemp(wc, weight);
            RawTensors.releaseTemp(bc, bias);
        }
        if (Record.needed(new Tensor[] {x, weight, bias})) {
            boolean hasWeight = weight != null, hasBias = bias != null;
            Record.nodeN(y, "NativeBatchNormBackward0",
                    (g, n) -> backward(g, n, useBatch, hasWeight, hasBias, outer, c, inner, eps),
                    new Tensor[] {x, weight, bias}, SavedTensor.input(x), hasWeight ? SavedTensor.input(weight) : null,
                    SavedTensor.input(mean), SavedTensor.input(var));
        }
        mean.release(Tensor.RELEASED_BY_SCOPE);
        var.release(Tensor.RELEASED_BY_SCOPE);
        return y;
    }

    private static boolean sameKind(Tensor x, Tensor p) {
        return p == null || (p.dtype == x.dtype && p.backend == x.backend);
    }

    private static Tensor[] backward(Tensor g, FnNode node, boolean batchStats, boolean hasWeight, boolean hasBias,
                                     long outer, int c, long inner, double eps) {
        Tensor x = node.saved(0), w = hasWeight ? node.saved(1) : null;
        Tensor mean = node.saved(2), var = node.saved(3);
        boolean needX = node.needsInputGrad(0), needW = hasWeight && node.needsInputGrad(1);
        boolean needB = hasBias && node.needsInputGrad(2);
        if (Record.recording()) return differentiable(g, x, w, mean, var, batchStats, eps, needX, needW, needB);
        DType dt = x.dtype;
        int[] cs = {c};
        Tensor xc = RawTensors.contiguous(x, dt), wc = w == null ? null : RawTensors.contiguous(w, dt);
        Tensor gc = RawTensors.contiguous(g, dt);
        Tensor dx = needX ? Tensor.allocate(x.backend, dt, x.shape) : null;
        Tensor dw = needW ? Tensor.allocate(x.backend, dt, cs) : null;
        Tensor db = needB ? Tensor.allocate(x.backend, dt, cs) : null;
        try {
            x.backend.batchNormBackward(dt, batchStats, outer, c, inner, gc.storage.segment(), gc.offset,
                    xc.storage.segment(), xc.offset, mean.storage.segment(), mean.offset, var.storage.segment(),
                    var.offset, eps, RawTensors.segment(wc), RawTensors.offset(wc), RawTensors.segment(dx),
                    RawTensors.offset(dx), RawTensors.segment(dw), RawTensors.offset(dw), RawTensors.segment(db),
                    RawTensors.offset(db));
        } catch (RuntimeException e) {
            for (Tensor t : new Tensor[] {dx, dw, db}) RawTensors.releaseTemp(t, null);
            throw e;
        } finally {
            RawTensors.releaseTemp(xc, x);
            RawTensors.releaseTemp(wc, w);
            RawTensors.releaseTemp(gc, g);
        }
        return new Tensor[] {dx, dw, db};
    }

    /**
     * The gradients in differentiable ops. With batch statistics (recomputed from x, so their
     * dependence on x is part of the second derivative):
     * {@code dx = rstd*(gw - mean(gw) - xhat*mean(gw*xhat))}; with running statistics
     * {@code dx = gw*rstd}; {@code gw = g*w}, {@code dw = sum(g*xhat)}, {@code db = sum(g)}.
     */
    private static Tensor[] differentiable(Tensor g, Tensor x, Tensor w, Tensor mean, Tensor var, boolean batchStats,
                                           double eps, boolean needX, boolean needW, boolean needB) {
        int nd = x.shape.length, c = x.shape[1];
        int[] dims = new int[nd - 1];
        for (int i = 2; i < nd; i++) dims[i - 1] = i;
        int[] bshape = new int[nd];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        try (Scope tmp = Scope.open()) {
            Tensor centered, rstd;
            if (batchStats) {
                centered = x.sub(x.mean(dims, true));
                rstd = centered.square().mean(dims, true).add(eps).rsqrt();
            } else {
                centered = x.sub(mean.reshape(bshape));
                rstd = var.reshape(bshape).add(eps).rsqrt();
            }
            Tensor xhat = centered.mul(rstd);
            Tensor dx = null, dw = null, db = null;
            if (needX) {
                Tensor gw = w == null ? g : g.mul(w.reshape(bshape));
                Tensor inner = batchStats ? gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true))) : gw;
                dx = tmp.keep(inner.mul(rstd));
            }
            if (needW) dw = tmp.keep(g.mul(xhat).sum(dims, false));
            if (needB) db = tmp.keep(g.sum(dims, false));
            return new Tensor[] {dx, dw, db};
        }
    }
}
