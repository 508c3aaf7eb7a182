package dev.panagrad.backend;

import java.lang.foreign.MemorySegment;

/**
 * A reduction's iteration space: the input viewed as kept ("outer") dimensions, which
 * index the output, and reduced ("inner") dimensions. Each group is coalesced where the
 * input's strides allow. The output (and the optional int64 index output of arg-reductions)
 * is contiguous over the outer dimensions in row-major order.
 */
public final class Reduction {
    public final long[] outerSizes;
    public final long[] innerSizes;
    public final long outerCount;
    public final long innerCount;
    public final MemorySegment in;
    public final long inOffset;
    public final long[] inOuterStrides;
    public final long[] inInnerStrides;
    public final MemorySegment out;
    public final long outOffset;
    public final MemorySegment indices;
    public final long indicesOffset;

    private Reduction(long[] outerSizes, long[] inOuterStrides, long[] innerSizes, long[] inInnerStrides,
                      MemorySegment in, long inOffset, MemorySegment out, long outOffset,
                      MemorySegment indices, long indicesOffset) {
        this.outerSizes = outerSizes;
        this.innerSizes = innerSizes;
        this.inOuterStrides = inOuterStrides;
        this.inInnerStrides = inInnerStrides;
        this.outerCount = product(outerSizes);
        this.innerCount = product(innerSizes);
        this.in = in;
        this.inOffset = inOffset;
        this.out = out;
        this.outOffset = outOffset;
        this.indices = indices;
        this.indicesOffset = indicesOffset;
    }

    private static long product(long[] a) {
        long p = 1;
        for (long v : a) p *= v;
        return p;
    }

    /**
     * @param shape    the input's shape
     * @param strides  the input's element strides
     * @param reduced  which dimensions are reduced
     * @param indices  int64 output for arg-reductions, or null
     */
    public static Reduction of(int[] shape, long[] strides, boolean[] reduced,
                               MemorySegment in, long inOffset, MemorySegment out, long outOffset,
                               MemorySegment indices, long indicesOffset) {
        long[][] outer = coalesce(shape, strides, reduced, false);
        long[][] inner = coalesce(shape, strides, reduced, true);
        return new Reduction(outer[0], outer[1], inner[0], inner[1], in, inOffset, out, outOffset,
                indices, indicesOffset);
    }

    /** The sizes and strides of the dimensions with {@code reduced[d] == which}, merged where contiguous. */
    private static long[][] coalesce(int[] shape, long[] strides, boolean[] reduced, boolean which) {
        long[] sz = new long[shape.length];
        long[] st = new long[shape.length];
        int n = 0;
        for (int d = 0; d < shape.length; d++) {
            if (reduced[d] != which || shape[d] == 1) continue;
            if (n > 0 && st[n - 1] == strides[d] * shape[d]) {
                sz[n - 1] *= shape[d];
                st[n - 1] = strides[d];
                continue;
            }
            sz[n] = shape[d];
            st[n] = strides[d];
            n++;
        }
        return new long[][] {java.util.Arrays.copyOf(sz, n), java.util.Arrays.copyOf(st, n)};
    }

    /** Element offset into the input of outer index {@code o} (row-major over outerSizes). */
    public long outerOffset(long o) {
        long off = inOffset;
        for (int d = outerSizes.length - 1; d >= 0 && o > 0; d--) {
            off += (o % outerSizes[d]) * inOuterStrides[d];
            o /= outerSizes[d];
        }
        return off;
    }
}
