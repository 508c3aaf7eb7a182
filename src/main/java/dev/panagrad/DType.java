package dev.panagrad;

/**
 * Element types. {@link #FLOAT32} is the default and the workhorse, {@link #FLOAT64} serves
 * gradient checking, {@link #INT64} holds indices and labels, {@link #BOOL} masks (one byte
 * per element). Type promotion follows PyTorch: bool &lt; int64 &lt; float32 &lt; float64.
 */
public enum DType {
    FLOAT32(4, "float32", 2),
    FLOAT64(8, "float64", 3),
    INT64(8, "int64", 1),
    BOOL(1, "bool", 0);

    private final int byteSize;
    private final String pyName;
    private final int rank;

    DType(int byteSize, String pyName, int rank) {
        this.byteSize = byteSize;
        this.pyName = pyName;
        this.rank = rank;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for float32 and float64, the types gradients flow through. */
    public boolean isFloatingPoint() {
        return this == FLOAT32 || this == FLOAT64;
    }

    /** PyTorch's name ("float32", "int64", ...). */
    public String pyName() {
        return pyName;
    }

    /** The wider of two types (PyTorch's promotion among tensors of the same category rank). */
    public static DType promote(DType a, DType b) {
        return a.rank >= b.rank ? a : b;
    }

    /** Parses PyTorch's names ("float32", "float", "int64", "long", "bool", "float64", "double"). */
    public static DType of(String name) {
        return switch (name) {
            case "float32", "float" -> FLOAT32;
            case "float64", "double" -> FLOAT64;
            case "int64", "long" -> INT64;
            case "bool" -> BOOL;
            default -> throw new IllegalArgumentException("unknown dtype '" + name
                    + "': use float32, float64, int64 or bool");
        };
    }

    int rank() {
        return rank;
    }
}
