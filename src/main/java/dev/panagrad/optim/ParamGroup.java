package dev.panagrad.optim;

import dev.panagrad.Tensor;

import java.util.List;

/**
 * Parameters that share hyperparameters, as PyTorch's param groups: a backbone at a small
 * learning rate and a head at a larger one in the same optimizer.
 *
 * @param <O> the optimizer's options type
 */
public final class ParamGroup<O extends OptimizerOptions<O>> {
    private final List<Tensor> params;
    private O options;

    ParamGroup(List<Tensor> params, O options) {
        this.params = List.copyOf(params);
        this.options = options;
    }

    /** A group over {@code params} with its own options. */
    public static <O extends OptimizerOptions<O>> ParamGroup<O> of(List<Tensor> params, O options) {
        return new ParamGroup<>(params, options);
    }

    public List<Tensor> params() {
        return params;
    }

    public O options() {
        return options;
    }

    /** The group's learning rate. */
    public double lr() {
        return options.lr();
    }

    /** Changes the group's learning rate (what schedulers do). */
    public void setLr(double lr) {
        options = options.withLr(lr);
    }
}
