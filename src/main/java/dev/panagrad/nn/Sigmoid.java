package dev.panagrad.nn;

import dev.panagrad.Tensor;

/** {@code 1 / (1 + exp(-x))}, elementwise. */
public class Sigmoid extends Activation {
    public Sigmoid() {
        super(Tensor::sigmoid);
    }
}
