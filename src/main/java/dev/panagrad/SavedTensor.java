package dev.panagrad;

/**
 * A tensor kept for backward: an alias sharing the tensor's storage (so the buffer lives on
 * even if the user's scope releases the original), and the storage version at save time, so
 * an in-place change made afterwards is caught instead of silently giving a wrong gradient.
 * An op's own output is saved without its grad_fn, to avoid a reference cycle; unpacking
 * re-attaches it, which second derivatives (createGraph) need.
 */
final class SavedTensor {
    private Tensor data;
    private final int version;
    private final boolean isOutput;
    private final String what;

    private SavedTensor(Tensor data, int version, boolean isOutput, String what) {
        this.data = data;
        this.version = version;
        this.isOutput = isOutput;
        this.what = what;
    }

    /** Saves an input of the op (keeping its autograd identity). */
    static SavedTensor input(Tensor t) {
        return new SavedTensor(t.savedAlias(true), t.storage.version(), false, "an input");
    }

    /** Saves the op's output (its grad_fn is re-attached on unpack). */
    static SavedTensor output(Tensor t) {
        return new SavedTensor(t.savedAlias(false), t.storage.version(), true, "its output");
    }

    /** The saved tensor, checked: not freed, not modified in place since it was saved. */
    Tensor unpack(Node node) {
        Tensor d = data;
        if (d == null) {
            throw new AutogradException(AutogradException.Kind.BACKWARD_TWICE,
                    "Trying to backward through the graph a second time (or to use saved tensors after they were "
                            + "freed): " + node.name() + " saved " + what + " and it was freed by the first backward. "
                            + "Pass retainGraph=true to the first backward if you need to backward through the graph "
                            + "again or to read saved tensors after it.");
        }
        int now = d.storage.version();
        if (now != version) {
            throw new AutogradException(AutogradException.Kind.INPLACE_MODIFIED,
                    "one of the variables needed for gradient computation has been modified by an in-place "
                            + "operation: " + node.name() + " saved " + what + " of shape " + Shapes.str(d.shape)
                            + " (" + d.dtype.pyName() + ") at version " + version + ", and it is now at version " + now
                            + ". Use an out-of-place op (e.g. x = x.add(y) instead of x.add_(y)) or clone() the tensor "
                            + "before modifying it.");
        }
        if (isOutput && d.gradFn == null && node.counted()) d.attachGradFn(node);
        return d;
    }

    boolean isFreed() {
        return data == null;
    }

    void release() {
        Tensor d = data;
        if (d != null) {
            data = null;
            d.release(Tensor.RELEASED_BY_BACKWARD);
        }
    }
}
