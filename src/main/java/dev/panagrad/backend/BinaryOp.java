package dev.panagrad.backend;

/**
 * Elementwise functions of two operands. The comparisons write bool; the others write the
 * operands' type. The {@code *_BACKWARD} ops fuse an activation's gradient into one pass:
 * their first operand is the incoming gradient, the second what the forward saved.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    /** g * (y &gt; 0), y the relu output. */
    RELU_BACKWARD,
    /** g * y * (1 - y), y the sigmoid output. */
    SIGMOID_BACKWARD,
    /** g * (1 - y^2), y the tanh output. */
    TANH_BACKWARD,
    /** g * gelu'(x), x the gelu input. */
    GELU_BACKWARD,
    /** g * silu'(x), x the silu input. */
    SILU_BACKWARD,
    /** Python's %: a - floor(a / b) * b (the sign of b). */
    REMAINDER,
    EQ, NE, LT, LE, GT, GE;

    /** True for the six comparisons, whose result is bool. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
