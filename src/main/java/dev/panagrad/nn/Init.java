package dev.panagrad.nn;

import dev.panagrad.DType;
import dev.panagrad.GradMode;
import dev.panagrad.Tensor;

/**
 * Parameter initialisation as PyTorch's defaults, drawn from the default generator (seed it
 * with {@link Tensor#manualSeed} for repeatable models).
 */
public final class Init {
    private Init() {}

    /** Uniform in [-bound, bound). */
    public static Tensor uniform(double bound, int... shape) {
        try (var g = GradMode.noGrad()) {
            Tensor u = Tensor.rand(DType.FLOAT32, shape);
            u.mul_(2 * bound).sub_(bound);
            return u;
        }
    }

    /**
     * PyTorch's default for Linear and Conv weights: kaiming_uniform with a = sqrt(5), which
     * is uniform in ±1/sqrt(fanIn); the same bound serves their biases.
     */
    public static Tensor kaimingUniform(int fanIn, int... shape) {
        return uniform(fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0, shape);
    }

    /** Normal with the given standard deviation. */
    public static Tensor normal(double std, int... shape) {
        try (var g = GradMode.noGrad()) {
            Tensor n = Tensor.randn(DType.FLOAT32, shape);
            if (std != 1) n.mul_(std);
            return n;
        }
    }

    /** kaiming_normal with fan_out and ReLU gain (torchvision's ResNet convolutions): std = sqrt(2 / fanOut). */
    public static Tensor kaimingNormalFanOut(int fanOut, int... shape) {
        return normal(Math.sqrt(2.0 / fanOut), shape);
    }
}
