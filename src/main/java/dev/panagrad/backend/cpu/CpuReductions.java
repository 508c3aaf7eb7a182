package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.ReduceOp;
import dev.panagrad.backend.Reduction;

import java.lang.foreign.ValueLayout;

/**
 * Reduction drivers. Two shapes of work: reducing along contiguous rows (each output is a
 * vector reduction of its rows), and reducing over an outer dimension while the kept
 * dimension is contiguous (output rows accumulate input rows with vector ops).
 */
final class CpuReductions {
    private CpuReductions() {}

    static double identity(ReduceOp op) {
        return switch (op) {
            case SUM, SUM_SQUARES, SUM_ABS, MAX_ABS -> 0;
            case PROD -> 1;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
        };
    }

    static double combine(ReduceOp op, double a, double b) {
        return switch (op) {
            case SUM, SUM_SQUARES, SUM_ABS -> a + b;
            case PROD -> a * b;
            case MAX, MAX_ABS -> (a != a || b != b) ? Double.NaN : Math.max(a, b);
            case MIN -> (a != a || b != b) ? Double.NaN : Math.min(a, b);
        };
    }

    static void reduce(Kernels1D k, ReduceOp op, DType dt, Reduction r) {
        long outer = r.outerCount;
        int ni = r.innerSizes.length;
        if (r.innerCount == 0) {
            for (long o = 0; o < outer; o++) Elem.set(dt, r.out, r.outOffset + o, identity(op));
            return;
        }
        boolean columnwise = ni > 0 && r.outerSizes.length > 0
                && r.inOuterStrides[r.outerSizes.length - 1] == 1
                && r.inInnerStrides[ni - 1] != 1
                && r.outerSizes[r.outerSizes.length - 1] >= 16;
        if (columnwise) {
            reduceColumns(k, op, r);
            return;
        }
        if (outer == 1) {
            // One output (a full reduction): split the inner rows over the threads.
            double v = reduceRange(k, op, r, r.inOffset, true);
            Elem.set(dt, r.out, r.outOffset, v);
            return;
        }
        CpuParallel.forRange(outer, Math.max(1, CpuBackend.GRAIN / Math.max(1, r.innerCount)), (o0, o1) -> {
            for (long o = o0; o < o1; o++) {
                Elem.set(dt, r.out, r.outOffset + o, reduceRange(k, op, r, r.outerOffset(o), false));
            }
        });
    }

    /** Reduces all inner positions starting at input offset {@code base}. */
    private static double reduceRange(Kernels1D k, ReduceOp op, Reduction r, long base, boolean parallel) {
        int ni = r.innerSizes.length;
        if (ni == 0) return k.reduce(op, 1, r.in, base, 1);
        long len = r.innerSizes[ni - 1], stride = r.inInnerStrides[ni - 1];
        long rows = r.innerCount / len;
        if (rows == 1) {
            if (!parallel || len <= CpuBackend.GRAIN * 4L) return k.reduce(op, len, r.in, base, stride);
            int t = CpuParallel.threads();
            double[] parts = new double[t];
            CpuParallel.forRange(t, 1, (c0, c1) -> {
                for (long c = c0; c < c1; c++) {
                    long s = len * c / t, e = len * (c + 1) / t;
                    parts[(int) c] = k.reduce(op, e - s, r.in, base + s * stride, stride);
                }
            });
            double acc = identity(op);
            for (double p : parts) acc = combine(op, acc, p);
            return acc;
        }
        if (parallel && rows >= 2 && r.innerCount > CpuBackend.GRAIN * 4L) {
            int t = (int) Math.min(CpuParallel.threads(), rows);
            double[] parts = new double[t];
            CpuParallel.forRange(t, 1, (c0, c1) -> {
                for (long c = c0; c < c1; c++) {
                    parts[(int) c] = reduceRows(k, op, r, base, rows * c / t, rows * (c + 1) / t);
                }
            });
            double acc = identity(op);
            for (double p : parts) acc = combine(op, acc, p);
            return acc;
        }
        return reduceRows(k, op, r, base, 0, rows);
    }

    /** Reduces inner rows [row0, row1) (rows over all but the innermost reduced dimension). */
    private static double reduceRows(Kernels1D k, ReduceOp op, Reduction r, long base, long row0, long row1) {
        int ni = r.innerSizes.length;
        long len = r.innerSizes[ni - 1], stride = r.inInnerStrides[ni - 1];
        double acc = identity(op);
        for (long row = row0; row < row1; row++) {
            long off = base, rem = row;
            for (int d = ni - 2; d >= 0 && rem > 0; d--) {
                off += (rem % r.innerSizes[d]) * r.inInnerStrides[d];
                rem /= r.innerSizes[d];
            }
            acc = combine(op, acc, k.reduce(op, len, r.in, off, stride));
        }
        return acc;
    }

    /**
     * The kept innermost dimension is contiguous: accumulate whole input rows into the
     * output row with vector ops, in parallel over blocks of the output.
     */
    private static void reduceColumns(Kernels1D k, ReduceOp op, Reduction r) {
        int no = r.outerSizes.length;
        long cols = r.outerSizes[no - 1];
        long outerRows = r.outerCount / cols;
        long innerCount = r.innerCount;
        int ni = r.innerSizes.length;
        // Work items: (outer row, column block).
        long block = Math.max(64, Math.min(cols, 4096));
        long blocksPerRow = (cols + block - 1) / block;
        long items = outerRows * blocksPerRow;
        long grain = Math.max(1, CpuBackend.GRAIN / Math.max(1, block * innerCount));
        CpuParallel.forRange(items, grain, (i0, i1) -> {
            for (long item = i0; item < i1; item++) {
                long orow = item / blocksPerRow, c0 = (item % blocksPerRow) * block;
                long n = Math.min(block, cols - c0);
                long inBase = r.outerOffset(orow * cols) + c0;
                long outBase = r.outOffset + orow * cols + c0;
                k.fill(n, r.out, outBase, 1, identity(op));
                for (long j = 0; j < innerCount; j++) {
                    long off = inBase, rem = j;
                    for (int d = ni - 1; d >= 0 && rem > 0; d--) {
                        off += (rem % r.innerSizes[d]) * r.inInnerStrides[d];
                        rem /= r.innerSizes[d];
                    }
                    k.accumulate(op, n, r.in, off, 1, r.out, outBase, 1);
                }
            }
        });
    }

    static void argReduce(Kernels1D k, boolean max, DType dt, Reduction r) {
        int ni = r.innerSizes.length;
        CpuParallel.forRange(r.outerCount, Math.max(1, CpuBackend.GRAIN / Math.max(1, r.innerCount)), (o0, o1) -> {
            for (long o = o0; o < o1; o++) {
                long base = r.outerOffset(o);
                long bestIdx;
                double bestVal;
                if (ni <= 1) {
                    long len = ni == 0 ? 1 : r.innerSizes[0], stride = ni == 0 ? 1 : r.inInnerStrides[0];
                    bestIdx = k.argReduce(max, len, r.in, base, stride);
                    bestVal = Elem.get(dt, r.in, base + bestIdx * stride);
                } else {
                    bestIdx = 0;
                    bestVal = Double.NaN;
                    for (long j = 0; j < r.innerCount; j++) {
                        long off = base, rem = j;
                        for (int d = ni - 1; d >= 0 && rem > 0; d--) {
                            off += (rem % r.innerSizes[d]) * r.inInnerStrides[d];
                            rem /= r.innerSizes[d];
                        }
                        double v = Elem.get(dt, r.in, off);
                        if (j == 0 || (bestVal == bestVal && (v != v || (max ? v > bestVal : v < bestVal)))) {
                            bestVal = v;
                            bestIdx = j;
                        }
                    }
                }
                if (r.out != null) Elem.set(dt, r.out, r.outOffset + o, bestVal);
                if (r.indices != null) r.indices.setAtIndex(ValueLayout.JAVA_LONG, r.indicesOffset + o, bestIdx);
            }
        });
    }
}
