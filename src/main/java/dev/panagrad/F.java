package dev.panagrad;

import java.util.Arrays;

/**
 * Functional neural-network ops, as PyTorch's {@code torch.nn.functional}: layers without
 * state, activations and losses, all differentiable.
 */
public final class F {
    private F() {}

    /** How a loss reduces over the batch. */
    public enum Reduction {
        /** One value per element (or per sample). */
        NONE,
        /** The mean (the default). */
        MEAN,
        /** The sum. */
        SUM;

        /** Parses PyTorch's names: "none", "mean", "sum". */
        public static Reduction of(String name) {
            return switch (name) {
                case "none" -> NONE;
                case "mean" -> MEAN;
                case "sum" -> SUM;
                default -> throw new IllegalArgumentException("unknown reduction '" + name + "': use none, mean or sum");
            };
        }
    }

    /** {@code x @ weight.T + bias} over the last dimension of x; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        return NnOps.linear(x, weight, bias);
    }

    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    public static Tensor gelu(Tensor x) {
        return x.gelu();
    }

    public static Tensor silu(Tensor x) {
        return x.silu();
    }

    public static Tensor sigmoid(Tensor x) {
        return x.sigmoid();
    }

    public static Tensor tanh(Tensor x) {
        return x.tanh();
    }

    public static Tensor softmax(Tensor x, int dim) {
        return SoftmaxOps.softmax(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return SoftmaxOps.softmax(x, dim, true);
    }

    /** Mean squared error. */
    public static Tensor mseLoss(Tensor input, Tensor target) {
        return NnOps.mseLoss(input, target, Reduction.MEAN);
    }

    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        return NnOps.mseLoss(input, target, reduction);
    }

    /**
     * Cross-entropy of logits {@code input} ([N, C], or [C] for one sample) against int64 class
     * indices {@code target} ([N] or []), or against class probabilities of input's shape.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target) {
        return NnOps.crossEntropy(input, target, Reduction.MEAN, 0.0, -100);
    }

    /** Cross-entropy with a reduction and label smoothing in [0, 1]. */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction, double labelSmoothing) {
        return NnOps.crossEntropy(input, target, reduction, labelSmoothing, -100);
    }

    /** Cross-entropy skipping targets equal to {@code ignoreIndex}. */
    public static Tensor crossEntropy(Tensor input, Tensor target, Reduction reduction, double labelSmoothing,
                                      long ignoreIndex) {
        return NnOps.crossEntropy(input, target, reduction, labelSmoothing, ignoreIndex);
    }

    /** Negative log-likelihood of log-probabilities {@code input} at int64 class indices. */
    public static Tensor nllLoss(Tensor input, Tensor target) {
        return NnOps.nllLoss(input, target, Reduction.MEAN, -100);
    }

    public static Tensor nllLoss(Tensor input, Tensor target, Reduction reduction) {
        return NnOps.nllLoss(input, target, reduction, -100);
    }

    public static Tensor nllLoss(Tensor input, Tensor target, Reduction reduction, long ignoreIndex) {
        return NnOps.nllLoss(input, target, reduction, ignoreIndex);
    }

    /** Rows of {@code weight} at the int64 ids (any shape); the result has shape ids.shape + [D]. */
    public static Tensor embedding(Tensor ids, Tensor weight) {
        return NnOps.embedding(ids, weight);
    }

    /** 2-D convolution over [N, C, H, W] (or unbatched [C, H, W]); bias may be null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
                                int groups) {
        return ConvOps.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /** 2-D convolution with stride 1, no padding, no dilation, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return ConvOps.conv2d(x, weight, bias, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1);
    }

    /** Max pooling with a square kernel and stride = kernel. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return PoolOps.pool2d(true, x, new int[] {kernel, kernel}, null, new int[] {0, 0}, new int[] {1, 1}, false, true);
    }

    /** Max pooling; a null or empty stride means stride = kernel. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return PoolOps.pool2d(true, x, kernel, stride, padding, dilation, ceilMode, true);
    }

    /** Average pooling with a square kernel and stride = kernel. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return PoolOps.pool2d(false, x, new int[] {kernel, kernel}, null, new int[] {0, 0}, new int[] {1, 1}, false, true);
    }

    /** Average pooling; {@code countIncludePad} counts padding in the divisor (PyTorch's default). */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad) {
        return PoolOps.pool2d(false, x, kernel, stride, padding, new int[] {1, 1}, ceilMode, countIncludePad);
    }

    /** Average pooling to a fixed output size. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        return PoolOps.adaptiveAvgPool2d(x, outH, outW);
    }

    /** Layer normalisation over the trailing {@code normalizedShape}; weight and bias may be null. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        return LayerNormOps.layerNorm(x, normalizedShape, weight, bias, eps);
    }

    /** Layer normalisation with eps 1e-5. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias) {
        return LayerNormOps.layerNorm(x, normalizedShape, weight, bias, 1e-5);
    }

    /**
     * Batch normalisation over dimension 1. In training the batch statistics normalise and the
     * running statistics (if given) are updated in place with {@code momentum}; otherwise the
     * running statistics normalise.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        return BatchNormOps.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps);
    }

    /** Zeroes elements with probability p and scales the rest by 1/(1-p) when training; else returns x. */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        return NormOps.dropout(x, p, training);
    }

    /** Binary cross-entropy of logits, computed stably. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target) {
        return NormOps.binaryCrossEntropyWithLogits(x, target, null, null, Reduction.MEAN);
    }

    /** Binary cross-entropy of logits with optional element weights and positive-class weights. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor x, Tensor target, Tensor weight, Tensor posWeight,
                                                      Reduction reduction) {
        return NormOps.binaryCrossEntropyWithLogits(x, target, weight, posWeight, reduction);
    }

    static int[] append(int[] shape, int last) {
        int[] r = Arrays.copyOf(shape, shape.length + 1);
        r[shape.length] = last;
        return r;
    }
}
