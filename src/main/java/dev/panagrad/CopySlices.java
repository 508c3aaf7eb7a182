package dev.panagrad;

/**
 * The grad_fn a base tensor gets when an in-place op changes one of its views (PyTorch's
 * CopySlices): the base's gradient passes through unchanged outside the view; inside it,
 * the in-place op's own backward ({@code fn}) decides, and fn's other inputs get theirs.
 */
final class CopySlices extends Node {
    private final Node fn;
    private final int[] baseShape;
    private final int[] viewShape;
    private final long[] viewStrides;
    private final long viewOffset;

    /** {@code viewOffset} is relative to the (contiguous) base. */
    CopySlices(Node baseEdge, Node fn, int[] baseShape, int[] viewShape, long[] viewStrides, long viewOffset) {
        super(edges(baseEdge, fn));
        this.fn = fn;
        fn.retainRef();
        this.baseShape = baseShape;
        this.viewShape = viewShape;
        this.viewStrides = viewStrides;
        this.viewOffset = viewOffset;
    }

    private static Node[] edges(Node base, Node fn) {
        Node[] e = fn.next.clone();
        e[0] = base;
        return e;
    }

    @Override
    public String name() {
        return "CopySlices";
    }

    @Override
    Tensor[] apply(Tensor grad) {
        Tensor g = ViewOps.contiguous(grad);
        Tensor result = ViewOps.cloneTensor(g);
        Tensor gView = g.view(viewShape, viewStrides, g.offset + viewOffset);
        Tensor[] fg = fn.apply(gView);
        Tensor region = result.view(viewShape, viewStrides, result.offset + viewOffset);
        if (fg[0] != null) {
            result.backend.copy(Pointwise.iter2(region, fg[0]), result.dtype, fg[0].dtype);
        } else {
            InPlace.fillStrided(region, 0);
        }
        Tensor[] out = fg.clone();
        out[0] = result;
        return out;
    }

    @Override
    void releaseSaved() {
        fn.releaseSaved();
    }

    @Override
    void onFree() {
        fn.releaseRef();
    }
}
