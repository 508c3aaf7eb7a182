package dev.panagrad.backend.cpu;

/** Scalar formulas the fused kernels of both element types share. */
final class FusedMath {
    private FusedMath() {}

    /**
     * One sample's cross-entropy from its row's logsumexp, the picked logit and the sum of
     * the row's logits: {@code (1-s)*(lse - picked) + s*(lse - sumX/n)}, PyTorch's label
     * smoothing (the smoothed term only when s > 0, so a -inf logit elsewhere in the row
     * does not turn an unsmoothed loss into NaN); 0 for an ignored sample.
     */
    static double crossEntropyLoss(boolean ignored, double lse, double picked, double sumX, long n, double smoothing) {
        if (ignored) return 0;
        double nll = lse - picked;
        if (smoothing == 0) return nll;
        return (1 - smoothing) * nll + smoothing * (lse - sumX / n);
    }
}
