package dev.panagrad;

import java.util.Arrays;

/**
 * Layer normalisation as one fused op (node {@code NativeLayerNormBackward0}): per row of the
 * normalised trailing dimensions, mean and variance then the affine write; the node keeps the
 * input, the weight and each row's mean and rstd, and its backward computes dx, dweight and
 * dbias in two sweeps per row. When the backward is itself recorded (createGraph) the
 * gradients are spelled out in differentiable ops.
 */
final class LayerNormOps {
    private LayerNormOps() {}

    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        x.checkAlive("layer_norm");
        if (weight != null) weight.checkAlive("layer_norm");
        if (bias != null) bias.checkAlive("layer_norm");
        int k = normalizedShape.length, nd = x.shape.length;
        if (k == 0 || k > nd || !Arrays.equals(Arrays.copyOfRange(x.shape, nd - k, nd), normalizedShape)) {
            throw new ShapeMismatchException("layer_norm: normalized_shape " + Arrays.toString(normalizedShape)
                    + " must match the last dimensions of the input, got input of shape " + Shapes.str(x.shape));
        }
        for (Tensor p : new Tensor[] {weight, bias}) {
            if (p != null && !Arrays.equals(p.shape, normalizedShape)) {
                throw new ShapeMismatchException("layer_norm: weight and bias must have shape "
                        + Arrays.toString(normalizedShape) + ", got " + Shapes.str(p.shape));
            }
        }
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("layer_norm: expects a floating point input, got " + x.dtype.pyName());
        }
        if (!sameKind(x, weight) || !sameKind(x, bias)) {
            // Mixed dtypes or devices: the composite promotes (or reports the device) as before.
            return NormOps.layerNormComposite(x, normalizedShape, weight, bias, eps);
        }
        long n = Shapes.numel(normalizedShape), rows = n == 0 ? 0 : x.numel / n;
        boolean record = Record.needed(new Tensor[] {x, weight, bias});
        Tensor xc = RawTensors.contiguous(x, x.dtype);
        Tensor wc = weight == null ? null : RawTensors.contiguous(weight, x.dtype);
        Tensor bc = bias == null ? null : RawTensors.contiguous(bias, x.dtype);
        int[] rowShape = {(int) rows};
        Tensor y = Tensor.allocate(x.backend, x.dtype, x.shape);
        Tensor mean = record ? Tensor.allocate(x.backend, x.dtype, rowShape) : null;
        Tensor rstd = record ? Tensor.allocate(x.backend, x.dtype, rowShape) : null;
        try {
            x.backend.layerNorm(x.dtype, rows, n, xc.storage.segment(), xc.offset,
                    RawTensors.segment(wc), RawTensors.offset(wc), RawTensors.segment(bc), RawTensors.offset(bc), eps,
                    y.storage.segment(), y.offset, RawTensors.segment(mean), RawTensors.offset(mean),
                    RawTensors.segment(rstd), RawTensors.offset(rstd));
        } catch (RuntimeException e) {
            y.release(Tensor.RELEASED_BY_SCOPE);
            RawTensors.releaseTemp(mean, null);
            RawTensors.releaseTemp(rstd, null);
            throw e;
        } finally {
            RawTensors.releaseTemp(xc, x);
            RawTensors.releaseTemp(wc, weight);
            RawTensors.releaseTemp(bc, bias);
        }
        if (record) {
            Record.nodeN(y, "NativeLayerNormBackward0", (g, node) -> backward(g, node, normalizedShape, eps,
                    weight != null, bias != null, rows, n), new Tensor[] {x, weight, bias},
                    SavedTensor.input(x), weight == null ? null : SavedTensor.input(weight),
                    SavedTensor.input(mean), SavedTensor.input(rstd));
            mean.release(Tensor.RELEASED_BY_SCOPE);
            rstd.release(Tensor.RELEASED_BY_SCOPE);
        }
        return y;
    }

    private static boolean sameKind(Tensor x, Tensor p) {
        return p == null || (p.dtype == x.dtype && p.backend == x.backend);
    }

    private static Tensor[] backward(Tensor g, FnNode node, int[] normalizedShape, double eps, boolean hasWeight,
                                     boolean hasBias, long rows, long n) {
        Tensor x = node.saved(0), w = hasWeight ? node.saved(1) : null;
        boolean needX = node.needsInputGrad(0), needW = hasWeight && node.needsInputGrad(1);
        boolean needB = hasBias && node.needsInputGrad(2);
        if (Record.recording()) return differentiable(g, x, w, normalizedShape, eps, needX, needW, needB);
        Tensor mean = node.saved(2), rstd = node.saved(3);
        DType dt = x.dtype;
        Tensor xc = RawTensors.contiguous(x, dt), wc = w == null ? null : RawTensors.contiguous(w, dt);
        Tensor gc = RawTensors.contiguous(g, dt);
        Tensor dx = needX ? Tensor.allocate(x.backend, dt, x.shape) : null;
        Tensor dw = needW ? Tensor.allocate(x.backend, dt, normalizedShape) : null;
        Tensor db = needB ? Tensor.allocate(x.backend, dt, normalizedShape) : null;
        try {
            x.backend.layerNormBackward(dt, rows, n, gc.storage.segment(), gc.offset, xc.storage.segment(), xc.offset,
                    mean.storage.segment(), mean.offset, rstd.storage.segment(), rstd.offset,
                    RawTensors.segment(wc), RawTensors.offset(wc), RawTensors.segment(dx), RawTensors.offset(dx),
                    RawTensors.segment(dw), RawTensors.offset(dw), RawTensors.segment(db), RawTensors.offset(db));
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
     * The gradients in differentiable ops (mean and rstd recomputed from x, so that their
     * dependence on x is part of the second derivative): with {@code xhat = (x - mean)*rstd}
     * and {@code gw = g*w}, {@code dx = rstd*(gw - mean(gw) - xhat*mean(gw*xhat))},
     * {@code dw = sum(g*xhat)}, {@code db = sum(g)} over the leading dimensions.
     */
    private static Tensor[] differentiable(Tensor g, Tensor x, Tensor w, int[] normalizedShape, double eps,
                                           boolean needX, boolean needW, boolean needB) {
        int k = normalizedShape.length, nd = x.shape.length;
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = nd - k + i;
        try (Scope tmp = Scope.open()) {
            Tensor centered = x.sub(x.mean(dims, true));
            Tensor rstd = centered.square().mean(dims, true).add(eps).rsqrt();
            Tensor xhat = centered.mul(rstd);
            Tensor dx = null, dw = null, db = null;
            if (needX) {
                Tensor gw = w == null ? g : g.mul(w);
                dx = tmp.keep(gw.sub(gw.mean(dims, true)).sub(xhat.mul(gw.mul(xhat).mean(dims, true))).mul(rstd));
            }
            if (needW) dw = tmp.keep(Record.sumTo(g.mul(xhat), normalizedShape));
            if (needB) db = tmp.keep(Record.sumTo(g, normalizedShape));
            return new Tensor[] {dx, dw, db};
        }
    }
}
