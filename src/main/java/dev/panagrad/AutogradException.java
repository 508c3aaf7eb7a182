package dev.panagrad;

/**
 * A misuse of autograd that PyTorch also rejects, with its {@link Kind}. The message says
 * what to do instead (for example "pass retainGraph=true to the first backward").
 */
public class AutogradException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Kind {
        /** Backward through a graph whose saved tensors were already freed. */
        BACKWARD_TWICE,
        /** A tensor saved for backward was modified in place after it was saved. */
        INPLACE_MODIFIED,
        /** An in-place op on a leaf that requires grad, outside noGrad. */
        LEAF_INPLACE,
        /** backward() without a gradient on an output with more than one element. */
        GRAD_NON_SCALAR,
        /** backward or grad from a tensor that does not require grad. */
        NO_GRAD_FN,
        /** An input of Autograd.grad not reached from the outputs, with allowUnused false. */
        UNUSED_INPUT
    }

    private final Kind kind;

    public AutogradException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
