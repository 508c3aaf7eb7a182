package dev.panagrad.nn;

import dev.panagrad.Tensor;

/** {@code x * sigmoid(x)}, elementwise. */
public class SiLU extends Activation {
    public SiLU() {
        super(Tensor::silu);
    }
}
