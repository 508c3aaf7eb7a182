package dev.panagrad.backend;

import java.lang.foreign.MemorySegment;

/**
 * The iteration space of an elementwise kernel: a shape and, for each operand, a segment,
 * an element offset and element strides over that shape (0 where the operand broadcasts).
 * Operand 0 is the output. Dimensions of size one are dropped and neighbouring dimensions
 * that every operand walks contiguously are merged, so a contiguous op of any rank arrives
 * as one flat loop and a row-broadcast as two. The innermost dimension is last.
 */
public final class Iter {
    public final int ndim;
    public final long[] sizes;
    public final MemorySegment[] segs;
    public final long[] offsets;
    public final long[][] strides;
    public final long numel;

    private Iter(long[] sizes, MemorySegment[] segs, long[] offsets, long[][] strides, long numel) {
        this.ndim = sizes.length;
        this.sizes = sizes;
        this.segs = segs;
        this.offsets = offsets;
        this.strides = strides;
        this.numel = numel;
    }

    /**
     * Builds and coalesces an iteration space.
     *
     * @param shape   the output shape (every operand is viewed at this shape)
     * @param segs    the operands' memory, output first
     * @param offsets element offsets of each operand
     * @param strides element strides of each operand over {@code shape}
     */
    public static Iter of(int[] shape, MemorySegment[] segs, long[] offsets, long[][] strides) {
        int nops = segs.length;
        long numel = 1;
        for (int s : shape) numel *= s;
        int nd = shape.length;
        long[] sz = new long[Math.max(nd, 1)];
        long[][] st = new long[nops][Math.max(nd, 1)];
        // Walk from the innermost dimension outwards, merging where strides line up.
        int k = -1; // index (from the inner end) of the last kept dimension
        for (int d = nd - 1; d >= 0; d--) {
            if (shape[d] == 1) continue;
            if (k >= 0 && mergeable(strides, d, st, k, sz[k])) {
                sz[k] *= shape[d];
                continue;
            }
            k++;
            sz[k] = shape[d];
            for (int o = 0; o < nops; o++) st[o][k] = strides[o][d];
        }
        int n = k + 1;
        if (n == 0 || numel == 0) { // a scalar, or nothing to do: one flat dimension
            long[][] flat = new long[nops][1];
            for (int o = 0; o < nops; o++) flat[o][0] = 1;
            return new Iter(new long[] {numel}, segs, offsets, flat, numel);
        }
        // Reverse so that the innermost dimension is last.
        long[] sizes = new long[n];
        long[][] strd = new long[nops][n];
        for (int i = 0; i < n; i++) {
            sizes[i] = sz[n - 1 - i];
            for (int o = 0; o < nops; o++) strd[o][i] = st[o][n - 1 - i];
        }
        return new Iter(sizes, segs, offsets, strd, numel);
    }

    private static boolean mergeable(long[][] strides, int d, long[][] st, int k, long innerSize) {
        for (int o = 0; o < strides.length; o++) {
            if (strides[o][d] != st[o][k] * innerSize) return false;
        }
        return true;
    }

    /** A flat contiguous iteration of {@code n} elements over the given operands. */
    public static Iter contiguous(long n, MemorySegment[] segs, long[] offsets) {
        long[][] st = new long[segs.length][1];
        for (long[] s : st) s[0] = 1;
        return new Iter(new long[] {n}, segs, offsets, st, n);
    }

    /** Size of the innermost dimension. */
    public long inner() {
        return sizes[ndim - 1];
    }

    /** Number of innermost rows (the product of all but the innermost size). */
    public long rows() {
        return numel == 0 ? 0 : numel / sizes[ndim - 1];
    }

    /**
     * Fills {@code out[o]} with the element offset of every operand at the start of row
     * {@code row} (rows numbered in row-major order over the outer dimensions).
     */
    public void rowOffsets(long row, long[] out) {
        for (int o = 0; o < segs.length; o++) out[o] = offsets[o];
        for (int d = ndim - 2; d >= 0 && row > 0; d--) {
            long i = row % sizes[d];
            row /= sizes[d];
            for (int o = 0; o < segs.length; o++) out[o] += i * strides[o][d];
        }
    }

    /** Advances {@code off} (per operand) by one row, carrying through {@code idx} (outer indices). */
    public void nextRow(long[] idx, long[] off) {
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++;
            for (int o = 0; o < segs.length; o++) off[o] += strides[o][d];
            if (idx[d] < sizes[d]) return;
            for (int o = 0; o < segs.length; o++) off[o] -= strides[o][d] * sizes[d];
            idx[d] = 0;
        }
    }

    /** The outer indices of row {@code row}, for {@link #nextRow}. */
    public long[] rowIndex(long row) {
        long[] idx = new long[Math.max(ndim - 1, 0)];
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d] = row % sizes[d];
            row /= sizes[d];
        }
        return idx;
    }
}
