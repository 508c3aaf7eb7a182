package dev.panagrad;

/**
 * One item of Python-style indexing for {@link Tensor#index}: an integer, a slice, a new
 * axis, an ellipsis, or an int64 (or bool mask) tensor.
 * <pre>{@code
 * x.index(Index.at(0), Index.slice(1, null))      // x[0, 1:]
 * x.index(Index.ellipsis(), Index.tensor(idx))    // x[..., idx]
 * }</pre>
 */
public final class Index {
    enum Kind { INT, SLICE, NONE, ELLIPSIS, TENSOR }

    final Kind kind;
    final int value;
    final Integer start, stop;
    final int step;
    final Tensor tensor;

    private Index(Kind kind, int value, Integer start, Integer stop, int step, Tensor tensor) {
        this.kind = kind;
        this.value = value;
        this.start = start;
        this.stop = stop;
        this.step = step;
        this.tensor = tensor;
    }

    /** {@code x[i]}: selects index i (negative counts from the end), removing the dimension. */
    public static Index at(int i) {
        return new Index(Kind.INT, i, null, null, 1, null);
    }

    /** {@code x[start:stop]}; null bounds mean the ends. */
    public static Index slice(Integer start, Integer stop) {
        return new Index(Kind.SLICE, 0, start, stop, 1, null);
    }

    /** {@code x[start:stop:step]}; null bounds mean the ends, a null step is 1. */
    public static Index slice(Integer start, Integer stop, Integer step) {
        return new Index(Kind.SLICE, 0, start, stop, step == null ? 1 : step, null);
    }

    /** {@code x[:]}. */
    public static Index all() {
        return slice(null, null);
    }

    /** {@code x[None]}: a new dimension of size 1. */
    public static Index none() {
        return new Index(Kind.NONE, 0, null, null, 1, null);
    }

    /** {@code x[...]}. */
    public static Index ellipsis() {
        return new Index(Kind.ELLIPSIS, 0, null, null, 1, null);
    }

    /** {@code x[idx]} with an int64 index tensor (or a bool mask). */
    public static Index tensor(Tensor t) {
        return new Index(Kind.TENSOR, 0, null, null, 1, t);
    }
}
