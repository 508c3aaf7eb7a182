package dev.panagrad;

/**
 * An op was given a dtype it does not accept (an int64 tensor where gradients are asked, a
 * float index, mixed dtypes in place). The message names the op and the dtypes; no tensor
 * was changed.
 */
public class DTypeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DTypeMismatchException(String message) {
        super(message);
    }
}
