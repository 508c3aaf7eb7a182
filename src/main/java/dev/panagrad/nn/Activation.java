package dev.panagrad.nn;

import dev.panagrad.Tensor;

import java.util.function.UnaryOperator;

/** A stateless elementwise layer (the base of ReLU, GELU, Tanh, Sigmoid, SiLU). */
public abstract class Activation extends Module {
    private final UnaryOperator<Tensor> fn;

    Activation(UnaryOperator<Tensor> fn) {
        this.fn = fn;
    }

    @Override
    public Tensor forward(Tensor x) {
        return fn.apply(x);
    }
}
