package dev.panagrad.optim;

import dev.panagrad.GradMode;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;

import java.util.List;

/** Gradient clipping, as PyTorch's {@code torch.nn.utils.clip_grad_norm_}. */
public final class ClipGrad {
    private ClipGrad() {}

    /**
     * Scales every gradient in place so that their joint p-norm is at most {@code maxNorm}.
     * Returns the norm before clipping. Parameters without a gradient are ignored.
     */
    public static double clipGradNorm_(List<Tensor> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm_: maxNorm must be >= 0, got " + maxNorm);
        double total = 0;
        boolean inf = Double.isInfinite(normType);
        try (Scope s = Scope.open(); var g = GradMode.noGrad()) {
            for (Tensor p : params) {
                Tensor gr = Optimizer.T.ownGrad(p);
                if (gr == null) continue;
                double n = gr.norm(normType).item();
                total = inf ? Math.max(total, n) : total + Math.pow(n, normType);
            }
            if (!inf) total = Math.pow(total, 1.0 / normType);
            double coef = maxNorm / (total + 1e-6);
            if (coef < 1) {
                for (Tensor p : params) {
                    Tensor gr = Optimizer.T.ownGrad(p);
                    if (gr != null) gr.mul_(coef);
                }
            }
        }
        return total;
    }

    /** 2-norm clipping. */
    public static double clipGradNorm_(List<Tensor> params, double maxNorm) {
        return clipGradNorm_(params, maxNorm, 2.0);
    }
}
