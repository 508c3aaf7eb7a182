package dev.panagrad;

import java.util.Arrays;
import java.util.Comparator;

/** Sorting along a dimension (stable, NaN ordered as the largest value, as PyTorch) and random permutations. */
final class SortOps {
    private SortOps() {}

    static ValuesIndices sort(Tensor x, int dim, boolean descending) {
        x.checkAlive("sort");
        int nd = x.shape.length;
        int d = Shapes.wrapDim("sort", dim, nd);
        int len = nd == 0 ? 1 : x.shape[d];
        long rows = len == 0 ? 0 : x.numel / len;
        long[] order = new long[(int) x.numel];
        // Move the sorted dim last so each row is contiguous in the copy.
        Tensor moved = nd == 0 ? x : ViewOps.transpose(x, d, -1);
        double[] values;
        try (var g = GradMode.noGrad()) {
            values = moved.toDoubleArray();
        } finally {
            if (moved != x) moved.release(Tensor.RELEASED_BY_SCOPE);
        }
        Integer[] idx = new Integer[len];
        for (long r = 0; r < rows; r++) {
            int base = (int) (r * len);
            for (int i = 0; i < len; i++) idx[i] = i;
            Comparator<Integer> byValue = (a, b) -> Double.compare(key(values[base + a]), key(values[base + b]));
            Arrays.sort(idx, descending ? byValue.reversed() : byValue); // stable
            for (int i = 0; i < len; i++) order[base + i] = idx[i];
        }
        int[] movedShape = x.shape.clone();
        if (nd > 0) {
            movedShape[d] = x.shape[nd - 1];
            movedShape[nd - 1] = x.shape[d];
        }
        try (Scope tmp = Scope.open()) {
            Tensor indicesMoved = Tensor.of(order, movedShape.length == 0 ? new int[] {1} : movedShape).reshape(movedShape);
            Tensor indices = nd == 0 ? indicesMoved : ViewOps.contiguous(ViewOps.transpose(indicesMoved, d, -1));
            Tensor sorted = x.gather(nd == 0 ? 0 : d, nd == 0 ? indices.reshape(new int[0]) : indices);
            return new ValuesIndices(tmp.keep(sorted), tmp.keep(indices));
        }
    }

    /** NaN sorts above +inf. */
    private static double key(double v) {
        return v != v ? Double.POSITIVE_INFINITY : v;
    }

    static Tensor randperm(long n, Generator gen) {
        if (n < 0 || n > Integer.MAX_VALUE) throw new IllegalArgumentException("randperm: n must be in [0, 2^31), got " + n);
        try (Scope tmp = Scope.open()) {
            Tensor keys = Creation.random(DType.FLOAT64, new int[] {(int) n}, false, 0, 1, gen, "randperm");
            return tmp.keep(sort(keys, 0, false).indices());
        }
    }
}
