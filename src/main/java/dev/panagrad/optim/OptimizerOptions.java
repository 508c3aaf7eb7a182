package dev.panagrad.optim;

/** Hyperparameters of an optimizer; every kind has a learning rate that schedulers can change. */
public interface OptimizerOptions<O extends OptimizerOptions<O>> {
    double lr();

    /** A copy with another learning rate. */
    O withLr(double lr);
}
