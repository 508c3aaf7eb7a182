package dev.panagrad;

/**
 * Shapes that do not fit together: operands that cannot broadcast, a matmul's inner
 * dimensions, a view or reshape to a different number of elements, tensors to cat or stack,
 * an in-place result that does not fit its tensor, a gradient of the wrong shape. The
 * message names the op and the shapes; no tensor was changed.
 */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeMismatchException(String message) {
        super(message);
    }
}
