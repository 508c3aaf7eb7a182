package dev.panagrad.optim;

import dev.panagrad.Tensor;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and
 * weight decay, with PyTorch's exact update rule.
 * <pre>{@code
 * var opt = new SGD(model.parameters(), SGD.options(0.05).momentum(0.9));
 * }</pre>
 */
public final class SGD extends Optimizer<SGD.Options> {
    /**
     * @param lr          learning rate
     * @param momentum    momentum factor (0 = plain SGD)
     * @param dampening   dampening of the momentum
     * @param weightDecay L2 penalty
     * @param nesterov    Nesterov momentum (needs momentum &gt; 0 and no dampening)
     */
    public record Options(double lr, double momentum, double dampening, double weightDecay, boolean nesterov)
            implements OptimizerOptions<Options> {
        public Options {
            if (lr < 0) throw new IllegalArgumentException("SGD: invalid learning rate " + lr);
            if (momentum < 0) throw new IllegalArgumentException("SGD: invalid momentum " + momentum);
            if (weightDecay < 0) throw new IllegalArgumentException("SGD: invalid weight decay " + weightDecay);
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening");
            }
        }

        @Override
        public Options withLr(double lr) {
            return new Options(lr, momentum, dampening, weightDecay, nesterov);
        }

        public Options momentum(double m) {
            return new Options(lr, m, dampening, weightDecay, nesterov);
        }

        public Options dampening(double d) {
            return new Options(lr, momentum, d, weightDecay, nesterov);
        }

        public Options weightDecay(double wd) {
            return new Options(lr, momentum, dampening, wd, nesterov);
        }

        public Options nesterov(boolean n) {
            return new Options(lr, momentum, dampening, weightDecay, n);
        }
    }

    /** Options with a learning rate and every other setting at PyTorch's default. */
    public static Options options(double lr) {
        return new Options(lr, 0, 0, 0, false);
    }

    public SGD(List<Tensor> params, Options options) {
        this(List.of(ParamGroup.of(params, options)));
    }

    public SGD(List<Tensor> params, double lr) {
        this(params, options(lr));
    }

    /** An optimizer over several groups, each with its own options. */
    public SGD(List<ParamGroup<Options>> groups) {
        super(groups);
    }

    @Override
    void update(Tensor p, Tensor grad, Options o) {
        requireContiguous(p);
        boolean first = false;
        Tensor buf = null;
        if (o.momentum() != 0) {
            first = !state.containsKey(p);
            buf = state(p, 1)[0];
        }
        T.backend(p).sgdUpdate(p.dtype(), p.numel(), T.segment(p), T.offset(p), T.segment(grad), T.offset(grad),
                buf == null ? null : T.segment(buf), buf == null ? 0 : T.offset(buf),
                o.lr(), o.momentum(), o.dampening(), o.weightDecay(), o.nesterov(), first);
    }
}
