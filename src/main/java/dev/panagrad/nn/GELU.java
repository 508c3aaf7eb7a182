package dev.panagrad.nn;

import dev.panagrad.Tensor;

/** The exact GELU, {@code x * Phi(x)}, elementwise. */
public class GELU extends Activation {
    public GELU() {
        super(Tensor::gelu);
    }

    @Override
    protected String extraRepr() {
        return "approximate='none'";
    }
}
