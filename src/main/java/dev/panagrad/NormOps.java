package dev.panagrad;

import java.util.Arrays;

/** Layer and batch normalisation, and dropout. */
final class NormOps {
    private NormOps() {}

    static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        x.checkAlive("layer_norm");
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

    static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                            boolean training, double momentum, double eps) {
        x.checkAlive("batch_norm");
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
        int nd = x.shape.length;
        int[] dims = new int[nd - 1];
        dims[0] = 0;
        for (int i = 2; i < nd; i++) dims[i - 1] = i;
        int[] bshape = new int[nd];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        long count = x.numel / Math.max(c, 1);
        boolean useBatch = training || runningMean == null;
        if (useBatch && count <= 1) {
            throw new IllegalArgumentException("batch_norm: expected more than 1 value per channel when training, got input of shape "
                    + Shapes.str(x.shape));
        }
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
