package dev.panagrad;

/**
 * The node most ops record: a name, the backward formula as a lambda written next to the
 * op's forward, and the tensors that formula reads.
 */
final class FnNode extends Node {
    /** The backward formula: input gradients from the output gradient. */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor grad, FnNode node);
    }

    private static final SavedTensor[] NONE = new SavedTensor[0];

    private final String name;
    private final Backward fn;
    private SavedTensor[] saved;

    FnNode(String name, Node[] next, Backward fn, SavedTensor[] saved) {
        super(next);
        this.name = name;
        this.fn = fn;
        this.saved = saved == null ? NONE : saved;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    Tensor[] apply(Tensor grad) {
        return fn.apply(grad, this);
    }

    /** Saved tensor {@code i}, checked for freeing and in-place changes. */
    Tensor saved(int i) {
        return saved[i].unpack(this);
    }

    @Override
    void releaseSaved() {
        for (SavedTensor s : saved) if (s != null) s.release();
    }
}
