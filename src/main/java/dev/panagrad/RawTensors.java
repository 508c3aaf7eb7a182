package dev.panagrad;

/**
 * Helpers for ops that call fused kernels directly: contiguous operands without autograd
 * wiring, the [outer, dim, inner] view of a shape, and releasing temporaries.
 */
final class RawTensors {
    private RawTensors() {}

    /**
     * {@code t} itself when it is contiguous and of type {@code dt}, else a contiguous
     * converted copy that records no node (release it with {@link #releaseTemp}).
     */
    static Tensor contiguous(Tensor t, DType dt) {
        if (t.dtype == dt && t.isContiguous()) return t;
        return Pointwise.castRaw(t, dt);
    }

    /** Releases {@code temp} if it is a copy made for {@code original}. */
    static void releaseTemp(Tensor temp, Tensor original) {
        if (temp != null && temp != original) temp.release(Tensor.RELEASED_BY_SCOPE);
    }

    /** The storage segment of {@code t}, or null for an absent (null) operand. */
    static java.lang.foreign.MemorySegment segment(Tensor t) {
        return t == null ? null : t.storage.segment();
    }

    /** The element offset of {@code t}, 0 for an absent operand. */
    static long offset(Tensor t) {
        return t == null ? 0 : t.offset;
    }

    /** [outer, dim, inner] of a shape around dimension d (a 0-d shape is [1, 1, 1]). */
    static long[] outerDimInner(int[] shape, int d) {
        long outer = 1, inner = 1, size = shape.length == 0 ? 1 : shape[d];
        for (int i = 0; i < d; i++) outer *= shape[i];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        return new long[] {outer, size, inner};
    }
}
