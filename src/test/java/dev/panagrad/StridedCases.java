package dev.panagrad;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Seeded random shapes and non-contiguous tensors for the property tests, and plain-Java
 * index arithmetic to compute expected results from {@code toDoubleArray()} (row-major
 * values, whatever the layout) without going through panagrad's kernels.
 */
final class StridedCases {
    /** What values a tensor holds. */
    enum Domain {
        /** standard normal */
        ANY,
        /** uniform in [0.1, 2.1) */
        POSITIVE,
        /** integers in [-3, 3], so that comparisons see ties */
        SMALL_INT
    }

    /** Sizes that end vector loops with tails (1, 15, 17, 33 elements) and a longer row. */
    static final int[][] TAIL_SHAPES = {{1}, {15}, {17}, {33}, {1000}, {3, 17}, {17, 15}, {2, 1, 33}, {4, 3, 5, 2}, {33, 1}};
    /** Above two parallel grains (2^15 elements each), so kernels split over threads. */
    static final int[][] LARGE_SHAPES = {{70001}, {3, 33000}, {260, 257}};

    private static final int[] SIZES = {1, 2, 3, 4, 5, 7, 15, 17, 33};

    final Random rnd;
    final Generator gen;

    StridedCases(long seed) {
        rnd = new Random(seed);
        gen = new Generator(seed);
    }

    /** A random shape of 1 to 4 dims with at most {@code maxNumel} elements. */
    int[] randomShape(int maxNumel) {
        int nd = 1 + rnd.nextInt(4);
        int[] s = new int[nd];
        for (int i = 0; i < nd; i++) s[i] = SIZES[rnd.nextInt(SIZES.length)];
        while (numel(s) > maxNumel) {
            int d = rnd.nextInt(nd);
            s[d] = Math.max(1, s[d] / 2);
        }
        return s;
    }

    /** A shape that broadcasts to {@code shape}: some leading dims dropped, some sizes set to 1. */
    int[] broadcastable(int[] shape) {
        int nd = shape.length;
        int drop = nd > 1 && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(nd - 1) : 0;
        int[] s = Arrays.copyOfRange(shape, drop, nd);
        for (int i = 0; i < s.length; i++) if (rnd.nextInt(3) == 0) s[i] = 1;
        return s;
    }

    /** A contiguous tensor of random values. */
    Tensor base(int[] shape, DType dt, Domain dom) {
        Tensor f = switch (dom) {
            case ANY -> Tensor.randn(gen, DType.FLOAT64, shape);
            case POSITIVE -> Tensor.rand(gen, DType.FLOAT64, shape).mul(2.0).add(0.1);
            case SMALL_INT -> Creation.randint(-3, 4, shape, gen).to(DType.FLOAT64);
        };
        return f.to(dt);
    }

    /**
     * A tensor of {@code shape} that is a non-contiguous view of a larger random tensor: its
     * dims permuted, sliced with steps 1 to 3 from offsets 0 or 1, some size-1 dims expanded.
     */
    Tensor strided(int[] shape, DType dt, Domain dom) {
        return stridedOf(shape, b -> base(b, dt, dom));
    }

    /** A strided int64 tensor of {@code shape} holding indices in [0, high). */
    Tensor stridedIndex(int[] shape, int high) {
        return stridedOf(shape, b -> Creation.randint(0, high, b, gen));
    }

    private Tensor stridedOf(int[] shape, java.util.function.Function<int[], Tensor> baseOf) {
        int nd = shape.length;
        long n = numel(shape);
        for (int attempt = 0; ; attempt++) {
            int[] perm = new int[nd];
            for (int i = 0; i < nd; i++) perm[i] = i;
            if (nd > 1 && rnd.nextInt(3) > 0) {
                for (int i = nd - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    int t = perm[i];
                    perm[i] = perm[j];
                    perm[j] = t;
                }
            }
            int[] q = new int[nd]; // the shape before permuting: permute(perm) puts q[perm[i]] at i
            for (int i = 0; i < nd; i++) q[perm[i]] = shape[i];
            boolean[] expand = new boolean[nd];
            int[] step = new int[nd], start = new int[nd], b = new int[nd];
            for (int j = 0; j < nd; j++) {
                expand[j] = q[j] > 1 && rnd.nextInt(6) == 0;
                step[j] = expand[j] || attempt > 5 && j < nd - 1 ? 1 : 1 + rnd.nextInt(3);
                start[j] = expand[j] ? 0 : rnd.nextInt(2);
            }
            if (attempt > 5) step[nd - 1] = 2; // guarantees a gap
            for (int guard = 0; guard < 3 * nd; guard++) {
                for (int j = 0; j < nd; j++) b[j] = expand[j] ? 1 : start[j] + (q[j] - 1) * step[j] + 1 + (j == 0 ? rnd.nextInt(2) : 0);
                if (numel(b) <= 4 * n + 64) break;
                int big = 0;
                for (int j = 1; j < nd; j++) if (step[j] > step[big]) big = j;
                step[big] = 1;
            }
            Tensor v = baseOf.apply(b);
            for (int j = 0; j < nd; j++) {
                if (!expand[j]) v = v.slice(j, start[j], start[j] + (q[j] - 1) * step[j] + 1, step[j]);
            }
            v = v.expand(q);
            v = v.permute(perm);
            assertArrayEquals(shape, v.shape());
            if (!v.isContiguous() || v.storageOffset() > 0 || attempt > 10) return v;
        }
    }

    static String describe(Tensor t) {
        return t.dtype().pyName() + " shape " + Arrays.toString(t.shape()) + " strides " + Arrays.toString(t.stride())
                + " offset " + t.storageOffset();
    }

    // ------------------------------------------------------------------ index arithmetic

    static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    static int[] unravel(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }

    static int ravel(int[] idx, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) f = f * shape[d] + idx[d];
        return f;
    }

    /** The row-major position in a tensor of {@code in} shape that broadcasting reads for output index {@code out}. */
    static int broadcastFlat(int[] out, int[] in) {
        int off = out.length - in.length, f = 0;
        for (int d = 0; d < in.length; d++) f = f * in[d] + (in[d] == 1 ? 0 : out[d + off]);
        return f;
    }

    static int[] broadcastShapes(int[] a, int[] b) {
        int nd = Math.max(a.length, b.length);
        int[] out = new int[nd];
        for (int i = 0; i < nd; i++) {
            int da = i - (nd - a.length) >= 0 ? a[i - (nd - a.length)] : 1;
            int db = i - (nd - b.length) >= 0 ? b[i - (nd - b.length)] : 1;
            out[i] = Math.max(da, db) == 1 ? 1 : (da == 1 ? db : da);
        }
        return out;
    }

    // ------------------------------------------------------------------ comparison

    static double rtol(DType dt) {
        return dt == DType.FLOAT64 ? 1e-11 : 1e-5;
    }

    static double atol(DType dt) {
        return dt == DType.FLOAT64 ? 1e-12 : 1e-6;
    }

    /** Elementwise closeness, NaN equal to NaN, infinities equal by sign. */
    static void assertClose(String what, double[] expected, double[] actual, double rtol, double atol) {
        assertEquals(expected.length, actual.length, what + ": number of elements");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) continue;
            if (!(Math.abs(e - a) <= atol + rtol * Math.abs(e))) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (difference " + Math.abs(e - a) + ")");
            }
        }
    }

    /** Elementwise closeness with a tolerance per element (for reductions, scaled by what was summed). */
    static void assertClose(String what, double[] expected, double[] actual, double[] tol) {
        assertEquals(expected.length, actual.length, what + ": number of elements");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a) || e == a) continue;
            if (!(Math.abs(e - a) <= tol[i])) {
                fail(what + ": element " + i + " expected " + e + " but was " + a + " (difference " + Math.abs(e - a)
                        + ", tolerance " + tol[i] + ")");
            }
        }
    }

    /** Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): an erf independent of the library's. */
    static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
                * Math.exp(-x * x);
        return Math.copySign(y, x);
    }
}
