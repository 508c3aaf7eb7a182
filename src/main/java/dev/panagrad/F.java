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

    static int[] append(int[] shape, int last) {
        int[] r = Arrays.copyOf(shape, shape.length + 1);
        r[shape.length] = last;
        return r;
    }
}
