package dev.panagrad.nn;

import dev.panagrad.F;
import dev.panagrad.Tensor;

/** Layer normalisation over the trailing {@code normalizedShape}, with learnable weight and bias. */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final boolean affine;

    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true);
    }

    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine) {
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.affine = elementwiseAffine;
        if (elementwiseAffine) {
            registerParameter("weight", Tensor.ones(normalizedShape));
            registerParameter("bias", Tensor.zeros(normalizedShape));
        }
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.layerNorm(x, normalizedShape, parameter("weight"), parameter("bias"), eps);
    }

    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < normalizedShape.length; i++) sb.append(normalizedShape[i]).append(i == 0 && normalizedShape.length == 1 ? "," : i < normalizedShape.length - 1 ? ", " : "");
        return sb.append("), eps=").append(BatchNorm.pyFloat(eps)).append(", elementwise_affine=").append(pyBool(affine)).toString();
    }
}
