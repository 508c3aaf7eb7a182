package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** {@code y = x @ weight.T + bias}, weight [out, in] and bias [out] initialised as PyTorch does. */
public class Linear extends Module {
    private final int inFeatures, outFeatures;

    public Linear(int inFeatures, int outFeatures) {
        this(inFeatures, outFeatures, true);
    }

    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: feature counts must be non-negative, got " + inFeatures + ", " + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        registerParameter("weight", Init.kaimingUniform(inFeatures, outFeatures, inFeatures));
        registerParameter("bias", bias ? Init.kaimingUniform(inFeatures, outFeatures) : null);
    }

    public Tensor weight() {
        return parameter("weight");
    }

    public Tensor bias() {
        return parameter("bias");
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.linear(x, weight(), bias());
    }

    @Override
    protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", bias=" + pyBool(bias() != null);
    }
}
