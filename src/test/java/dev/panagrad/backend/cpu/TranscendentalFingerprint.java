package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.UnaryOp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A hash of the result bits of every transcendental kernel on fixed data, in float32 and
 * float64, through whatever kernels {@link KernelSelection} chose. Run as a program (one line
 * "op dtype hash" each) it lets a test compare a child JVM (-Xint, no Vector API, the scalar
 * fallback) with the warmed-up test JVM. Uses no Vector API class itself.
 */
public final class TranscendentalFingerprint {
    static final UnaryOp[] UNARY = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH, UnaryOp.SIGMOID, UnaryOp.SILU,
        UnaryOp.GELU, UnaryOp.ERF, UnaryOp.SIN, UnaryOp.COS, UnaryOp.POW_SCALAR};
    static final BinaryOp[] BINARY = {BinaryOp.GELU_BACKWARD, BinaryOp.SILU_BACKWARD, BinaryOp.POW};
    /** Not a multiple of any vector length: the tail path runs too. */
    static final int N = 2048 + 13;

    private TranscendentalFingerprint() {}

    /**
     * Test data (a fixed LCG): a first block of 1024 moderate values (|x| &lt; 40, with a NaN and
     * a -0), where the narrow vector forms run, then specials and values whose magnitude
     * changes every 16 elements (1e-3 to 1e4), so that whole vectors fall in fast and in
     * clamped ranges.
     */
    static double[] data(int n, long seed) {
        double[] specials = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e-40, -1e-40,
            88.7, -87.4, -103.9, 0.6, -0.6, 0.9, 0.5493, 1e5, -3e6};
        double[] d = new double[n];
        long s = seed;
        for (int i = 0; i < n; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            double u = ((s >>> 11) * 0x1p-53) * 2 - 1;
            if (i < 1024) {
                d[i] = i == 40 ? Double.NaN : i == 41 ? -0.0 : u * Math.pow(10, ((i >> 4) & 1) - 1) * 40;
            } else {
                int j = i - 1024;
                d[i] = j < specials.length ? specials[j] : u * Math.pow(10, ((i >> 4) & 7) - 3) * 4;
            }
        }
        return d;
    }

    static MemorySegment segment(Arena arena, DType dt, double[] d) {
        MemorySegment m = arena.allocate((long) d.length * 8, 64);
        for (int i = 0; i < d.length; i++) Elem.set(dt, m, i, d[i]);
        return m;
    }

    /** FNV-1a over the result bits (NaNs canonical). */
    static long hash(DType dt, MemorySegment m, int n) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < n; i++) {
            long bits = dt == DType.FLOAT32
                    ? Float.floatToIntBits(m.getAtIndex(ValueLayout.JAVA_FLOAT, i))
                    : Double.doubleToLongBits(m.getAtIndex(ValueLayout.JAVA_DOUBLE, i));
            h = (h ^ bits) * 0x100000001b3L;
        }
        return h;
    }

    /** op name + dtype to result hash, computed with rows of n elements. */
    static Map<String, Long> compute(int n) {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Kernels1D k = KernelSelection.of(dt);
                MemorySegment x = segment(arena, dt, data(n, 1));
                MemorySegment y = segment(arena, dt, data(n, 2));
                MemorySegment r = arena.allocate((long) n * 8, 64);
                for (UnaryOp op : UNARY) {
                    k.unary(op, n, x, 0, 1, r, 0, 1, 2.5, 0);
                    out.put(op + " " + dt, hash(dt, r, n));
                }
                for (BinaryOp op : BINARY) {
                    k.binary(op, n, y, 0, 1, x, 0, 1, r, 0, 1);
                    out.put(op + " " + dt, hash(dt, r, n));
                }
            }
        }
        return out;
    }

    public static void main(String[] args) {
        compute(N).forEach((k, v) -> System.out.println(k + " " + Long.toHexString(v)));
    }
}
