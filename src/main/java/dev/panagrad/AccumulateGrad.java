package dev.panagrad;

/**
 * The node of a leaf that requires grad: adds the incoming gradient into the leaf's
 * {@code grad()}. Owned by its leaf (one per leaf, made on first use), not reference counted.
 */
final class AccumulateGrad extends Node {
    private static final Node[] NONE = new Node[0];
    final Tensor leaf;

    AccumulateGrad(Tensor leaf) {
        super(NONE);
        this.leaf = leaf;
    }

    @Override
    public String name() {
        return "AccumulateGrad";
    }

    @Override
    boolean counted() {
        return false;
    }

    @Override
    Tensor[] apply(Tensor grad) {
        throw new AssertionError("the engine accumulates leaves itself");
    }
}
