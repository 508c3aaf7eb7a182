package dev.panagrad.backend;

/**
 * Elementwise functions of one operand that every backend provides. Two optional scalar
 * parameters {@code p0, p1} serve {@link #CLAMP} (bounds) and {@link #POW_SCALAR}
 * (the exponent). Their meaning is defined once, by the scalar kernels.
 */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, RSQRT, SIN, COS, TANH, SIGMOID, RELU, GELU, SILU,
    RECIPROCAL, SQUARE,
    /** min(max(x, p0), p1); pass -inf / +inf for a missing bound. */
    CLAMP,
    /** x^p0. */
    POW_SCALAR,
    /** -1, 0 or 1 (NaN stays NaN). */
    SIGN,
    ERF,
    /** x, or 0 where x is +-infinity (logsumexp's guard for an infinite max). */
    INF_TO_ZERO
}
