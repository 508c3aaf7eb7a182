package dev.panagrad;

import java.util.concurrent.atomic.LongAdder;

/**
 * Gradients without touching {@code .grad()}: PyTorch's {@code torch.autograd.grad}.
 * <pre>{@code
 * Tensor[] g = Autograd.grad(new Tensor[] {loss}, null, new Tensor[] {w}, true, true, false);
 * Tensor penalty = g[0].square().sum();   // differentiable, since createGraph was true
 * }</pre>
 */
public final class Autograd {
    private Autograd() {}

    /**
     * The gradients of {@code outputs} with respect to {@code inputs}.
     *
     * @param gradOutputs  the vector of the vector-Jacobian product for each output (null
     *                     entries, or a null array, for one-element outputs)
     * @param retainGraph  keep saved tensors for another backward through the same graph
     * @param createGraph  record the backward so the results can be differentiated again
     * @param allowUnused  return null for inputs the outputs do not depend on, instead of failing
     * @return one gradient per input (null only for unused inputs with allowUnused), owned by
     *         the current scope
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] gradOutputs, Tensor[] inputs,
                                boolean retainGraph, boolean createGraph, boolean allowUnused) {
        return Engine.grad(outputs, gradOutputs, inputs, retainGraph || createGraph, createGraph, allowUnused);
    }

    /** {@code grad(outputs, null, inputs, false, false, false)}. */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return Engine.grad(new Tensor[] {output}, null, inputs, false, false, false);
    }

    /** How many backward nodes this JVM has executed (a diagnostic: frozen layers add nothing). */
    public static long nodesExecuted() {
        LongAdder a = Engine.EXECUTED;
        return a.sum();
    }
}
