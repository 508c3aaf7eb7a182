package dev.panagrad.optim;

import dev.panagrad.Tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam, and AdamW (decoupled weight decay) through {@link AdamW}, with PyTorch's update
 * rule including bias correction and optional AMSGrad.
 */
public class Adam extends Optimizer<Adam.Options> {
    /**
     * @param lr          learning rate (default 1e-3)
     * @param beta1       decay of the first moment (0.9)
     * @param beta2       decay of the second moment (0.999)
     * @param eps         added to the denominator (1e-8)
     * @param weightDecay L2 penalty (Adam) or decoupled decay (AdamW)
     * @param amsgrad     use the running maximum of the second moment
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad)
            implements OptimizerOptions<Options> {
        public Options {
            if (lr < 0) throw new IllegalArgumentException("Adam: invalid learning rate " + lr);
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
                throw new IllegalArgumentException("Adam: betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (eps < 0) throw new IllegalArgumentException("Adam: invalid epsilon " + eps);
            if (weightDecay < 0) throw new IllegalArgumentException("Adam: invalid weight decay " + weightDecay);
        }

        @Override
        public Options withLr(double lr) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad);
        }

        public Options betas(double b1, double b2) {
            return new Options(lr, b1, b2, eps, weightDecay, amsgrad);
        }

        public Options eps(double e) {
            return new Options(lr, beta1, beta2, e, weightDecay, amsgrad);
        }

        public Options weightDecay(double wd) {
            return new Options(lr, beta1, beta2, eps, wd, amsgrad);
        }

        public Options amsgrad(boolean a) {
            return new Options(lr, beta1, beta2, eps, weightDecay, a);
        }
    }

    /** Adam's defaults with a learning rate. */
    public static Options options(double lr) {
        return new Options(lr, 0.9, 0.999, 1e-8, 0, false);
    }

    private final boolean decoupled;
    private final Map<Tensor, long[]> steps = new IdentityHashMap<>();

    public Adam(List<Tensor> params, Options options) {
        this(List.of(ParamGroup.of(params, options)), false);
    }

    public Adam(List<Tensor> params, double lr) {
        this(params, options(lr));
    }

    public Adam(List<ParamGroup<Options>> groups) {
        this(groups, false);
    }

    Adam(List<ParamGroup<Options>> groups, boolean decoupled) {
        super(groups);
        this.decoupled = decoupled;
    }

    @Override
    void update(Tensor p, Tensor grad, Options o) {
        requireContiguous(p);
        Tensor[] s = state(p, o.amsgrad() ? 3 : 2);
        long[] step = steps.computeIfAbsent(p, k -> new long[1]);
        long t = ++step[0];
        double bc1 = 1 - Math.pow(o.beta1(), t);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(o.beta2(), t));
        Tensor vmax = o.amsgrad() ? s[2] : null;
        T.backend(p).adamUpdate(p.dtype(), p.numel(), T.segment(p), T.offset(p), T.segment(grad), T.offset(grad),
                T.segment(s[0]), T.offset(s[0]), T.segment(s[1]), T.offset(s[1]),
                vmax == null ? null : T.segment(vmax), vmax == null ? 0 : T.offset(vmax),
                o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), decoupled, bc1, bc2Sqrt);
    }

    /** The number of steps taken for p. */
    public long stepCount(Tensor p) {
        long[] s = steps.get(p);
        return s == null ? 0 : s[0];
    }
}
