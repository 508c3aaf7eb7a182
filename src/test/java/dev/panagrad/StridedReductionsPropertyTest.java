package dev.panagrad;

import dev.panagrad.StridedCases.Domain;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.panagrad.StridedCases.assertClose;
import static dev.panagrad.StridedCases.describe;
import static dev.panagrad.StridedCases.numel;
import static dev.panagrad.StridedCases.ravel;
import static dev.panagrad.StridedCases.unravel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reductions over random dim sets (with keepdim), softmax/log_softmax, matmul, cat/stack and
 * gather/index_select on non-contiguous inputs, seeded: each result must match a plain Java
 * computation over the input's values and the same op on {@code contiguous()} copies.
 */
class StridedReductionsPropertyTest {
    private static final long SEED = 0x5eed_0100L;
    /** Full reductions split over threads above 4 grains (2^17 elements); per-row ones above 2 grains. */
    private static final int[][] LARGE = {{140001}, {3, 50000}, {260, 257}};

    private static List<int[]> shapes(StridedCases c, int randomCount, boolean large) {
        List<int[]> out = new ArrayList<>(List.of(StridedCases.TAIL_SHAPES));
        if (large) out.addAll(List.of(LARGE));
        for (int i = 0; i < randomCount; i++) out.add(c.randomShape(3000));
        return out;
    }

    /** A random non-empty set of dims, each written as positive or negative. */
    private static int[] randomDims(StridedCases c, int nd) {
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < nd; d++) if (c.rnd.nextBoolean()) dims.add(d);
        if (dims.isEmpty()) dims.add(c.rnd.nextInt(nd));
        java.util.Collections.shuffle(dims, c.rnd);
        return dims.stream().mapToInt(d -> c.rnd.nextBoolean() ? d : d - nd).toArray();
    }

    /** The values of x grouped by output position: groups[o] lists the reduced elements in row-major order. */
    private record Groups(double[][] values, int[] keptShape, int[] keepdimShape) {
        static Groups of(double[] x, int[] shape, boolean[] mask) {
            int nd = shape.length;
            int[] kept = java.util.stream.IntStream.range(0, nd).filter(d -> !mask[d]).map(d -> shape[d]).toArray();
            int[] keep = new int[nd];
            for (int d = 0; d < nd; d++) keep[d] = mask[d] ? 1 : shape[d];
            int outN = (int) numel(kept), per = outN == 0 ? 0 : x.length / outN;
            double[][] g = new double[outN][per];
            int[] fill = new int[outN];
            for (int i = 0; i < x.length; i++) {
                int[] idx = unravel(i, shape);
                int[] k = new int[kept.length];
                for (int d = 0, j = 0; d < nd; d++) if (!mask[d]) k[j++] = idx[d];
                int o = ravel(k, kept);
                g[o][fill[o]++] = x[i];
            }
            return new Groups(g, kept, keep);
        }
    }

    private static boolean[] mask(int[] dims, int nd) {
        boolean[] m = new boolean[nd];
        for (int d : dims) m[d < 0 ? d + nd : d] = true;
        return m;
    }

    @FunctionalInterface
    private interface GroupFn {
        double apply(double[] g);
    }

    /** Checks one reduction: shape with and without keepdim, values against {@code truth} within {@code tol} per group. */
    private static void checkReduction(String what, Tensor x, int[] dims, boolean keepdim, Groups groups,
                                       java.util.function.BiFunction<Tensor, Boolean, Tensor> op, GroupFn truth, GroupFn tol) {
        Tensor out = op.apply(x, keepdim);
        assertArrayEquals(keepdim ? groups.keepdimShape() : groups.keptShape(), out.shape(), what + " shape");
        int n = groups.values().length;
        double[] expected = new double[n], tols = new double[n];
        for (int o = 0; o < n; o++) {
            expected[o] = truth.apply(groups.values()[o]);
            tols[o] = tol.apply(groups.values()[o]);
        }
        assertClose(what, expected, out.toDoubleArray(), tols);
        Tensor outC = op.apply(x.contiguous(), keepdim);
        assertClose(what + " (contiguous)", expected, outC.toDoubleArray(), tols);
    }

    private static double sum(double[] g) {
        double s = 0;
        for (double v : g) s += v;
        return s;
    }

    private static double sumAbs(double[] g) {
        double s = 0;
        for (double v : g) s += Math.abs(v);
        return s;
    }

    private static double max(double[] g) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : g) m = Math.max(m, v);
        return m;
    }

    private static double min(double[] g) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : g) m = Math.min(m, v);
        return m;
    }

    private static double var(double[] g, boolean unbiased) {
        double mean = sum(g) / g.length, s = 0;
        for (double v : g) s += (v - mean) * (v - mean);
        return s / (g.length - (unbiased ? 1 : 0));
    }

    private static double logsumexp(double[] g) {
        double m = max(g), s = 0;
        for (double v : g) s += Math.exp(v - m);
        return Math.log(s) + m;
    }

    private static double pnorm(double[] g, double p) {
        double s = 0;
        for (double v : g) s += Math.pow(Math.abs(v), p);
        return Math.pow(s, 1 / p);
    }

    @Test
    void reductionsOverRandomDimSetsMatchAPlainLoop() {
        StridedCases c = new StridedCases(SEED);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double r = dt == DType.FLOAT64 ? 1e-10 : 1e-5;
            for (int[] shape : shapes(c, 8, dt == DType.FLOAT32)) {
                try (Scope s = Scope.open()) {
                    Tensor x = c.strided(shape, dt, Domain.ANY);
                    int nd = shape.length;
                    int[] dims = randomDims(c, nd);
                    boolean keepdim = c.rnd.nextBoolean();
                    Groups g = Groups.of(x.toDoubleArray(), shape, mask(dims, nd));
                    String what = " over " + Arrays.toString(dims) + (keepdim ? " keepdim" : "") + " of " + describe(x);
                    checkReduction("sum" + what, x, dims, keepdim, g, (t, k) -> t.sum(dims, k), StridedReductionsPropertyTest::sum,
                            v -> r * sumAbs(v) + 1e-12);
                    checkReduction("mean" + what, x, dims, keepdim, g, (t, k) -> t.mean(dims, k), v -> sum(v) / v.length,
                            v -> r * sumAbs(v) / v.length + 1e-12);
                    checkReduction("amax" + what, x, dims, keepdim, g, (t, k) -> t.amax(dims, k), StridedReductionsPropertyTest::max, v -> 0);
                    checkReduction("amin" + what, x, dims, keepdim, g, (t, k) -> t.amin(dims, k), StridedReductionsPropertyTest::min, v -> 0);
                    boolean unbiased = c.rnd.nextBoolean();
                    if (numel(shape) / g.values().length > 1) {
                        checkReduction("var" + what, x, dims, keepdim, g, (t, k) -> t.var(dims, unbiased, k), v -> var(v, unbiased),
                                v -> 10 * r * (var(v, false) + sumAbs(v) * sumAbs(v) / v.length / v.length) + 1e-12);
                        checkReduction("std" + what, x, dims, keepdim, g, (t, k) -> t.std(dims, unbiased, k),
                                v -> Math.sqrt(var(v, unbiased)), v -> 10 * r * (Math.sqrt(var(v, false)) + sumAbs(v) / v.length) + 1e-12);
                    }
                    checkReduction("logsumexp" + what, x, dims, keepdim, g, (t, k) -> t.logsumexp(dims, k),
                            StridedReductionsPropertyTest::logsumexp, v -> r * (Math.abs(logsumexp(v)) + 1));
                    checkReduction("norm" + what, x, dims, keepdim, g, (t, k) -> t.norm(2, dims, k), v -> pnorm(v, 2),
                            v -> r * pnorm(v, 2) + 1e-12);
                    checkReduction("norm(1)" + what, x, dims, keepdim, g, (t, k) -> t.norm(1, dims, k), StridedReductionsPropertyTest::sumAbs,
                            v -> r * sumAbs(v) + 1e-12);
                    checkReduction("norm(3)" + what, x, dims, keepdim, g, (t, k) -> t.norm(3, dims, k), v -> pnorm(v, 3),
                            v -> 10 * r * pnorm(v, 3) + 1e-12);
                    checkReduction("norm(inf)" + what, x, dims, keepdim, g, (t, k) -> t.norm(Double.POSITIVE_INFINITY, dims, k),
                            v -> max(Arrays.stream(v).map(Math::abs).toArray()), v -> 0);
                    // Full reductions.
                    Groups all = Groups.of(x.toDoubleArray(), shape, mask(java.util.stream.IntStream.range(0, nd).toArray(), nd));
                    double[] every = all.values()[0];
                    assertEquals(sum(every), x.sum().item(), r * sumAbs(every) + 1e-12, "sum() of " + describe(x));
                    assertEquals(sum(every) / every.length, x.mean().item(), r * sumAbs(every) / every.length + 1e-12, "mean() of " + describe(x));
                    assertEquals(max(every), x.amax().item(), 0, "amax() of " + describe(x));
                    assertEquals(min(every), x.min().item(), 0, "min() of " + describe(x));
                    assertEquals(pnorm(every, 2), x.norm().item(), r * pnorm(every, 2) + 1e-12, "norm() of " + describe(x));
                    if (every.length > 1) assertEquals(var(every, true), x.var().item(), 10 * r * (var(every, false) + 1), "var() of " + describe(x));
                }
            }
        }
    }

    @Test
    void maxMinArgmaxAlongADimReturnTheFirstOfTies() {
        StridedCases c = new StridedCases(SEED + 1);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (int[] shape : shapes(c, 10, dt == DType.FLOAT32)) {
                try (Scope s = Scope.open()) {
                    // Small integers: ties are common, and PyTorch returns the first maximal index.
                    Tensor x = c.strided(shape, dt, Domain.SMALL_INT);
                    int nd = shape.length, dim = c.rnd.nextInt(nd), d = c.rnd.nextBoolean() ? dim : dim - nd;
                    boolean keepdim = c.rnd.nextBoolean();
                    Groups g = Groups.of(x.toDoubleArray(), shape, mask(new int[] {dim}, nd));
                    String what = " along " + d + (keepdim ? " keepdim" : "") + " of " + describe(x);
                    int n = g.values().length;
                    double[] mx = new double[n], mn = new double[n], amx = new double[n], amn = new double[n];
                    for (int o = 0; o < n; o++) {
                        double[] v = g.values()[o];
                        int bi = 0, si = 0;
                        for (int i = 1; i < v.length; i++) {
                            if (v[i] > v[bi]) bi = i;
                            if (v[i] < v[si]) si = i;
                        }
                        mx[o] = v[bi];
                        mn[o] = v[si];
                        amx[o] = bi;
                        amn[o] = si;
                    }
                    int[] outShape = keepdim ? g.keepdimShape() : g.keptShape();
                    for (Tensor t : new Tensor[] {x, x.contiguous()}) {
                        String w = what + (t == x ? "" : " (contiguous)");
                        ValuesIndices vmax = t.max(d, keepdim), vmin = t.min(d, keepdim);
                        assertArrayEquals(outShape, vmax.values().shape(), "max" + w);
                        assertArrayEquals(outShape, vmax.indices().shape(), "max indices" + w);
                        assertClose("max values" + w, mx, vmax.values().toDoubleArray(), 0, 0);
                        assertClose("max indices" + w, amx, vmax.indices().toDoubleArray(), 0, 0);
                        assertClose("min values" + w, mn, vmin.values().toDoubleArray(), 0, 0);
                        assertClose("min indices" + w, amn, vmin.indices().toDoubleArray(), 0, 0);
                        assertClose("argmax" + w, amx, t.argmax(d, keepdim).toDoubleArray(), 0, 0);
                        assertClose("argmin" + w, amn, t.argmin(d, keepdim).toDoubleArray(), 0, 0);
                    }
                    double[] all = x.toDoubleArray();
                    int first = 0;
                    for (int i = 1; i < all.length; i++) if (all[i] > all[first]) first = i;
                    assertEquals(first, x.argmax().itemLong(), "argmax() of " + describe(x));
                    assertEquals(all[first], x.max().item(), "max() of " + describe(x));
                }
            }
        }
    }

    @Test
    void softmaxAndLogSoftmaxAlongEachDim() {
        StridedCases c = new StridedCases(SEED + 2);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : shapes(c, 8, dt == DType.FLOAT32)) {
                try (Scope s = Scope.open()) {
                    Tensor v = c.strided(shape, dt, Domain.ANY);
                    int nd = shape.length, dim = c.rnd.nextInt(nd), d = c.rnd.nextBoolean() ? dim : dim - nd;
                    double[] in = v.toDoubleArray();
                    double[] sm = new double[in.length], lsm = new double[in.length];
                    boolean[] m = mask(new int[] {dim}, nd);
                    Groups g = Groups.of(in, shape, m);
                    double[] lse = new double[g.values().length];
                    for (int o = 0; o < lse.length; o++) lse[o] = logsumexp(g.values()[o]);
                    for (int i = 0; i < in.length; i++) {
                        int[] idx = unravel(i, shape);
                        int[] k = new int[nd - 1];
                        for (int a = 0, j = 0; a < nd; a++) if (a != dim) k[j++] = idx[a];
                        double l = lse[ravel(k, g.keptShape())];
                        lsm[i] = in[i] - l;
                        sm[i] = Math.exp(in[i] - l);
                    }
                    String what = " along " + d + " of " + describe(v);
                    double rt = StridedCases.rtol(dt) * 10, at = StridedCases.atol(dt) * 10;
                    assertClose("softmax" + what, sm, v.softmax(d).toDoubleArray(), rt, at);
                    assertClose("log_softmax" + what, lsm, v.logSoftmax(d).toDoubleArray(), rt, at);
                    assertClose("softmax (contiguous)" + what, sm, v.contiguous().softmax(d).toDoubleArray(), rt, at);
                    assertClose("log_softmax (contiguous)" + what, lsm, v.contiguous().logSoftmax(d).toDoubleArray(), rt, at);
                }
            }
        }
    }

    @Test
    void matmulOfStridedOperandsMatchesATripleLoop() {
        StridedCases c = new StridedCases(SEED + 3);
        int[] sizes = {1, 2, 3, 5, 8, 17, 33};
        for (int trial = 0; trial < 60; trial++) {
            DType dt = trial % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            int n = sizes[c.rnd.nextInt(sizes.length)], k = sizes[c.rnd.nextInt(sizes.length)], m = sizes[c.rnd.nextInt(sizes.length)];
            int form = trial % 6;
            int[] sa, sb;
            switch (form) {
                case 0 -> { sa = new int[] {n, k}; sb = new int[] {k, m}; }
                case 1 -> { sa = new int[] {k}; sb = new int[] {k, m}; }
                case 2 -> { sa = new int[] {n, k}; sb = new int[] {k}; }
                case 3 -> { sa = new int[] {k}; sb = new int[] {k}; }
                case 4 -> { sa = new int[] {3, n, k}; sb = new int[] {k, m}; }
                default -> { sa = new int[] {2, 1, n, k}; sb = new int[] {3, k, m}; }
            }
            try (Scope s = Scope.open()) {
                Tensor a = c.strided(sa, dt, Domain.ANY), b = c.strided(sb, dt, Domain.ANY);
                String what = "matmul of " + describe(a) + " and " + describe(b);
                Tensor out = a.matmul(b);
                // Expected: promote 1-D operands, broadcast batches, loop.
                int[] pa = sa.length == 1 ? new int[] {1, sa[0]} : sa, pb = sb.length == 1 ? new int[] {sb[0], 1} : sb;
                int[] batch = StridedCases.broadcastShapes(Arrays.copyOf(pa, pa.length - 2), Arrays.copyOf(pb, pb.length - 2));
                int rn = pa[pa.length - 2], rm = pb[pb.length - 1];
                double[] va = a.toDoubleArray(), vb = b.toDoubleArray();
                int nb = (int) numel(batch);
                double[] expected = new double[nb * rn * rm], tol = new double[expected.length];
                int[] ba = Arrays.copyOf(pa, pa.length - 2), bbs = Arrays.copyOf(pb, pb.length - 2);
                for (int bi = 0; bi < nb; bi++) {
                    int[] bidx = unravel(bi, batch);
                    int oa = StridedCases.broadcastFlat(bidx, ba) * rn * k, ob = StridedCases.broadcastFlat(bidx, bbs) * k * rm;
                    for (int i = 0; i < rn; i++) {
                        for (int j = 0; j < rm; j++) {
                            double acc = 0, mag = 0;
                            for (int p = 0; p < k; p++) {
                                double prod = va[oa + i * k + p] * vb[ob + p * rm + j];
                                acc += prod;
                                mag += Math.abs(prod);
                            }
                            expected[(bi * rn + i) * rm + j] = acc;
                            tol[(bi * rn + i) * rm + j] = (dt == DType.FLOAT64 ? 1e-12 : 1e-5) * (mag + 1);
                        }
                    }
                }
                int[] outShape = new int[batch.length + (sa.length == 1 ? 0 : 1) + (sb.length == 1 ? 0 : 1)];
                System.arraycopy(batch, 0, outShape, 0, batch.length);
                int o = batch.length;
                if (sa.length > 1) outShape[o++] = rn;
                if (sb.length > 1) outShape[o] = rm;
                assertArrayEquals(outShape, out.shape(), what);
                assertClose(what, expected, out.toDoubleArray(), tol);
                assertClose(what + " (contiguous)", expected, a.contiguous().matmul(b.contiguous()).toDoubleArray(), tol);
                if (form == 0) assertClose("mm: " + what, expected, a.mm(b).toDoubleArray(), tol);
                if (form == 4) {
                    Tensor bb = b.unsqueeze(0).expand(3, k, m);
                    assertClose("bmm: " + what, expected, a.bmm(bb).toDoubleArray(), tol);
                }
            }
        }
    }

    @Test
    void catAndStackOfStridedTensors() {
        StridedCases c = new StridedCases(SEED + 4);
        for (int trial = 0; trial < 40; trial++) {
            try (Scope s = Scope.open()) {
                int[] shape = trial < 3 ? new int[] {3, 33000} : c.randomShape(2000);
                int nd = shape.length, dim = c.rnd.nextInt(nd), d = c.rnd.nextBoolean() ? dim : dim - nd;
                int count = 2 + c.rnd.nextInt(2);
                List<Tensor> parts = new ArrayList<>();
                DType[] types = {DType.FLOAT32, DType.FLOAT64, DType.INT64};
                DType common = DType.INT64; // promotion: int64 < float32 < float64
                for (int i = 0; i < count; i++) {
                    int[] ps = shape.clone();
                    ps[dim] = 1 + c.rnd.nextInt(4);
                    DType dt = trial % 4 == 0 ? types[c.rnd.nextInt(3)] : DType.FLOAT32;
                    if (dt == DType.FLOAT64 || dt == DType.FLOAT32 && common == DType.INT64) common = dt;
                    parts.add(c.strided(ps, dt, Domain.ANY));
                }
                StringBuilder what = new StringBuilder("cat along " + d + " of");
                for (Tensor p : parts) what.append(' ').append(describe(p));
                int total = parts.stream().mapToInt(p -> p.shape()[dim]).sum();
                int[] outShape = shape.clone();
                outShape[dim] = total;
                double[] expected = new double[(int) numel(outShape)];
                double[][] vals = parts.stream().map(Tensor::toDoubleArray).toArray(double[][]::new);
                for (int i = 0; i < expected.length; i++) {
                    int[] idx = unravel(i, outShape);
                    int pos = idx[dim], which = 0;
                    while (pos >= parts.get(which).shape()[dim]) pos -= parts.get(which++).shape()[dim];
                    idx[dim] = pos;
                    expected[i] = vals[which][ravel(idx, parts.get(which).shape())];
                }
                Tensor out = Tensor.cat(parts, d);
                assertArrayEquals(outShape, out.shape(), what.toString());
                assertEquals(common, out.dtype(), what.toString());
                assertClose(what.toString(), expected, out.toDoubleArray(), 0, 0);
                assertClose(what + " (contiguous)", expected,
                        Tensor.cat(parts.stream().map(Tensor::contiguous).toList(), d).toDoubleArray(), 0, 0);

                // stack: equal shapes, a new dim anywhere in [-(nd+1), nd].
                int sdim = c.rnd.nextInt(nd + 1);
                List<Tensor> eq = List.of(c.strided(shape, DType.FLOAT32, Domain.ANY), c.strided(shape, DType.FLOAT32, Domain.ANY));
                int[] st = new int[nd + 1];
                for (int i = 0, j = 0; i <= nd; i++) st[i] = i == sdim ? 2 : shape[j++];
                double[][] ev = {eq.get(0).toDoubleArray(), eq.get(1).toDoubleArray()};
                double[] e2 = new double[(int) numel(st)];
                for (int i = 0; i < e2.length; i++) {
                    int[] idx = unravel(i, st);
                    int[] src = new int[nd];
                    for (int a = 0, j = 0; a <= nd; a++) if (a != sdim) src[j++] = idx[a];
                    e2[i] = ev[idx[sdim]][ravel(src, shape)];
                }
                int sd = c.rnd.nextBoolean() ? sdim : sdim - nd - 1;
                Tensor stacked = Tensor.stack(eq, sd);
                assertArrayEquals(st, stacked.shape(), "stack along " + sd);
                assertClose("stack along " + sd + " of " + describe(eq.get(0)) + " and " + describe(eq.get(1)), e2,
                        stacked.toDoubleArray(), 0, 0);
            }
        }
    }

    @Test
    void gatherAndIndexSelectWithStridedInputsAndIndices() {
        StridedCases c = new StridedCases(SEED + 5);
        for (int trial = 0; trial < 60; trial++) {
            try (Scope s = Scope.open()) {
                DType dt = trial % 3 == 0 ? DType.INT64 : trial % 3 == 1 ? DType.FLOAT32 : DType.FLOAT64;
                int[] shape = trial < 2 ? new int[] {70001} : trial < 4 ? new int[] {260, 257} : c.randomShape(2000);
                int nd = shape.length, dim = c.rnd.nextInt(nd), d = c.rnd.nextBoolean() ? dim : dim - nd;
                Tensor x = c.strided(shape, dt, Domain.ANY);
                double[] vx = x.toDoubleArray();

                // gather: index no larger than x outside dim, any length along dim.
                int[] is = new int[nd];
                for (int i = 0; i < nd; i++) is[i] = i == dim ? 1 + c.rnd.nextInt(trial < 4 ? 70000 : 6) : 1 + c.rnd.nextInt(shape[i]);
                if (trial < 4 && nd == 2) is[dim] = Math.min(is[dim], 300);
                Tensor idx = c.stridedIndex(is, shape[dim]);
                long[] vi = idx.toLongArray();
                double[] expected = new double[vi.length];
                for (int i = 0; i < vi.length; i++) {
                    int[] p = unravel(i, is);
                    p[dim] = (int) vi[i];
                    expected[i] = vx[ravel(p, shape)];
                }
                String what = "gather along " + d + " of " + describe(x) + " at " + describe(idx);
                Tensor g = x.gather(d, idx);
                assertArrayEquals(is, g.shape(), what);
                assertEquals(dt, g.dtype());
                assertClose(what, expected, g.toDoubleArray(), 0, 0);
                assertClose(what + " (contiguous)", expected, x.contiguous().gather(d, idx.contiguous()).toDoubleArray(), 0, 0);

                // index_select with a strided 1-D index.
                int len = 1 + c.rnd.nextInt(trial < 4 ? 500 : 8);
                Tensor sel = c.stridedIndex(new int[] {len}, shape[dim]);
                long[] vs = sel.toLongArray();
                int[] os = shape.clone();
                os[dim] = len;
                double[] e2 = new double[(int) numel(os)];
                for (int i = 0; i < e2.length; i++) {
                    int[] p = unravel(i, os);
                    p[dim] = (int) vs[p[dim]];
                    e2[i] = vx[ravel(p, shape)];
                }
                String w2 = "index_select along " + d + " of " + describe(x) + " at " + describe(sel);
                Tensor r = x.indexSelect(d, sel);
                assertArrayEquals(os, r.shape(), w2);
                assertClose(w2, e2, r.toDoubleArray(), 0, 0);
                assertClose(w2 + " (contiguous)", e2, x.contiguous().indexSelect(d, sel.contiguous()).toDoubleArray(), 0, 0);
                Index[] items = new Index[dim + 1];
                for (int i = 0; i < dim; i++) items[i] = Index.all();
                items[dim] = Index.tensor(sel);
                assertClose("x[..., idx] as " + w2, e2, x.index(items).toDoubleArray(), 0, 0);
            }
        }
    }
}
