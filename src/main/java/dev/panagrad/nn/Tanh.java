package dev.panagrad.nn;

import dev.panagrad.Tensor;

/** {@code tanh(x)}, elementwise. */
public class Tanh extends Activation {
    public Tanh() {
        super(Tensor::tanh);
    }
}
