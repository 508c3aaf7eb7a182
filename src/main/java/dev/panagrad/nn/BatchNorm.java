package dev.panagrad.nn;

import dev.panagrad.DType;
import dev.panagrad.F;
import dev.panagrad.GradMode;
import dev.panagrad.ShapeMismatchException;
import dev.panagrad.Tensor;

/**
 * Batch normalisation over dimension 1, shared by {@link BatchNorm1d} and {@link BatchNorm2d}:
 * learnable weight and bias, and the buffers running_mean, running_var and
 * num_batches_tracked (int64), updated in training mode and used in eval mode.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final double eps, momentum;
    private final boolean affine, track;
    private final int[] ranks;

    BatchNorm(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats, int... ranks) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.track = trackRunningStats;
        this.ranks = ranks;
        if (affine) {
            registerParameter("weight", Tensor.ones(numFeatures));
            registerParameter("bias", Tensor.zeros(numFeatures));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(numFeatures));
            registerBuffer("running_var", Tensor.ones(numFeatures));
            registerBuffer("num_batches_tracked", Tensor.scalar(DType.INT64, 0));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        boolean rankOk = false;
        for (int r : ranks) rankOk |= x.dim() == r;
        if (!rankOk) {
            throw new ShapeMismatchException(getClass().getSimpleName() + ": expected an input of rank "
                    + java.util.Arrays.toString(ranks) + ", got shape " + java.util.Arrays.toString(x.shape()));
        }
        if (x.size(1) != numFeatures) {
            throw new ShapeMismatchException(getClass().getSimpleName() + ": expected " + numFeatures
                    + " channels in dimension 1, got shape " + java.util.Arrays.toString(x.shape()));
        }
        boolean training = isTraining();
        Tensor rm = buffer("running_mean"), rv = buffer("running_var");
        if (training && track) {
            try (var g = GradMode.noGrad()) {
                buffer("num_batches_tracked").add_(1);
            }
        }
        // Without running statistics, eval mode normalises with the batch's own (as PyTorch).
        return F.batchNorm(x, track ? rm : null, track ? rv : null, parameter("weight"), parameter("bias"),
                training, momentum, eps);
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + pyFloat(eps) + ", momentum=" + pyFloat(momentum) + ", affine=" + pyBool(affine)
                + ", track_running_stats=" + pyBool(track);
    }

    static String pyFloat(double v) {
        String s = Double.toString(v);
        if (s.contains("E")) {
            // Python prints 1e-05, Java 1.0E-5.
            double mant = v / Math.pow(10, Math.floor(Math.log10(Math.abs(v))));
            int exp = (int) Math.floor(Math.log10(Math.abs(v)));
            String m = mant == Math.rint(mant) ? Long.toString((long) mant) : Double.toString(mant);
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return s;
    }
}
