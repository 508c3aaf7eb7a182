package dev.panagrad.backend;

/** Reductions over a set of dimensions. */
public enum ReduceOp {
    SUM, PROD, MAX, MIN,
    /** Sum of squares: the core of var/std and the 2-norm in one pass. */
    SUM_SQUARES,
    /** Sum of absolute values (the 1-norm). */
    SUM_ABS,
    /** Max of absolute values (the inf-norm). */
    MAX_ABS
}
