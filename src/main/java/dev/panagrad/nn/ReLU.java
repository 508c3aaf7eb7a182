package dev.panagrad.nn;

import dev.panagrad.Tensor;

/** {@code max(x, 0)}, elementwise. */
public class ReLU extends Activation {
    public ReLU() {
        super(Tensor::relu);
    }
}
