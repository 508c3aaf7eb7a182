package dev.panagrad;

import java.util.Arrays;

/** Composite layer and batch normalisation (fallbacks of the fused ops), dropout, binary cross-entropy. */
final class NormOps {
    private NormOps() {}

    /**
     * Layer norm as a composite of elementwise ops and reductions, for arguments the fused op
     * does not take (weight or bias of another dtype or device); checked by {@link LayerNormOps}.
     */
    static Tensor layerNormComposite(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length, nd = x.shape.length;
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = nd - k + i;
        try (Scope tmp = Scope.open()) {
            Tensor mean = x.mean(dims, true);
            Tensor centered = x.sub(mean);
            Tensor var = centered.square().mean(dims, true);
            Tensor y = centered.mul(var.add(eps).rsqrt());
            if (weight != null) y = y.mul(weight);
            if (bias != null) y = y.add(bias);
            return tmp.keep(y);
        }
    }

    /**
     * Batch norm as a composite, for arguments the fused op does not take (integer input,
     * per-channel tensors of another dtype or device); checked by {@link BatchNormOps}.
     */
    static Tensor batchNormComposite(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                     boolean training, double momentum, double eps) {
        int c = x.shape[1];
        int nd = x.shape.length;
        int[] dims = new int[nd - 1];
        dims[0] = 0;
        for (int i = 2; i < nd; i++) dims[i - 1] = i;
        int[] bshape = new int[nd];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        long count = x.numel / Math.max(c, 1);
        boolean useBatch = training || runningMean == null;
        try (Scope tmp = Scope.open()) {
            Tensor mean, var;
            if (useBatch) {
                mean = x.mean(dims, true);
                var = x.sub(mean).square().mean(dims, true);
                if (training && runningMean != null) {
                    try (var g = GradMode.noGrad()) {
                        runningMean.mul_(1 - momentum).add_(mean.reshape(c).detach(), momentum);
                        Tensor unbiased = var.reshape(c).detach().mul((double) count / (count - 1));
                        runningVar.mul_(1 - momentum).add_(unbiased, momentum);
                    }
                }
            } else {
                mean = runningMean.reshape(bshape);
                var = runningVar.reshape(bshape);
            }
            Tensor y = x.sub(mean).mul(var.add(eps).rsqrt());
            if (weight != null) y = y.mul(weight.reshape(bshape));
            if (bias != null) y = y.add(bias.reshape(bshape));
            return tmp.keep(y);
        }
    }

    static Tensor dropout(Tensor x, double p, boolean training) {
        x.checkAlive("dropout");
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        if (!x.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("dropout: expects a floating point input, got " + x.dtype.pyName());
        }
        try (Scope tmp = Scope.open()) {
            Tensor keep = Creation.random(x.dtype, x.shape, false, 0, 1, Generator.DEFAULT, "dropout").ge(p).to(x.dtype);
            Tensor scale = p == 1 ? keep : keep.div(1 - p);
            return tmp.keep(x.mul(scale));
        }
    }

    static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor y, Tensor weight, Tensor posWeight, F.Reduction reduction) {
        x.checkAlive("binary_cross_entropy_with_logits");
        y.checkAlive("binary_cross_entropy_with_logits");
        if (!Arrays.equals(x.shape, y.shape)) {
            throw new ShapeMismatchException("binary_cross_entropy_with_logits: target size " + Shapes.str(y.shape)
                    + " must be the same as input size " + Shapes.str(x.shape));
        }
        if (!x.dtype.isFloatingPoint() || !y.dtype.isFloatingPoint()) {
            throw new DTypeMismatchException("binary_cross_entropy_with_logits: expects floating point input and target, got "
                    + x.dtype.pyName() + " and " + y.dtype.pyName());
        }
        try (Scope tmp = Scope.open()) {
            // log(1 + exp(-|x|)) + max(-x, 0): the stable softplus(-x).
            Tensor softplusNeg = x.abs().neg().exp().add(1.0).log().add(x.neg().clampMin(0));
            Tensor loss;
            if (posWeight != null) {
                Tensor lw = posWeight.sub(1.0).mul(y).add(1.0);
                loss = y.rsub(1.0).mul(x).add(lw.mul(softplusNeg));
            } else {
                loss = y.rsub(1.0).mul(x).add(softplusNeg);
            }
            if (weight != null) loss = loss.mul(weight);
            Tensor r = switch (reduction) {
                case NONE -> loss;
                case SUM -> loss.sum();
                case MEAN -> loss.mean();
            };
            return tmp.keep(r);
        }
    }
}
