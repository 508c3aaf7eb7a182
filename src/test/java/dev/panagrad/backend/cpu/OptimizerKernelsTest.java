package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The fused optimizer steps of the vector kernels (whole vectors, then the scalar tail)
 * against the scalar definitions, bit for bit: every SGD and Adam variant, lengths below a
 * vector, at whole vectors and with tails, at element offsets that are not vector-aligned.
 */
class OptimizerKernelsTest {
    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (long n : new long[] {5, 16, 37, 1000, 1003}) out.add(Arguments.of(dt, n));
        }
        return out.stream();
    }

    private static Kernels1D vector(DType dt) {
        return dt == DType.FLOAT32 ? KernelSelection.F32 : KernelSelection.F64;
    }

    private static Kernels1D scalar(DType dt) {
        return dt == DType.FLOAT32 ? new FloatScalarKernels() : new DoubleScalarKernels();
    }

    /** Five random segments of n + 3 elements (p, g, and three state buffers), the same for both kernels. */
    private static MemorySegment[] state(Arena a, DType dt, long n, long seed) {
        Random rnd = new Random(seed);
        MemorySegment[] s = new MemorySegment[5];
        for (int i = 0; i < s.length; i++) {
            s[i] = a.allocate((n + 3) * dt.byteSize(), 64);
            for (long j = 0; j < n + 3; j++) {
                double v = i >= 3 ? rnd.nextDouble() : rnd.nextGaussian(); // v and vmax non-negative
                if (dt == DType.FLOAT32) s[i].setAtIndex(ValueLayout.JAVA_FLOAT, j, (float) v);
                else s[i].setAtIndex(ValueLayout.JAVA_DOUBLE, j, v);
            }
        }
        return s;
    }

    private static MemorySegment[] copy(Arena a, MemorySegment[] s) {
        MemorySegment[] c = new MemorySegment[s.length];
        for (int i = 0; i < s.length; i++) c[i] = a.allocate(s[i].byteSize(), 64).copyFrom(s[i]);
        return c;
    }

    private static void same(String what, MemorySegment[] want, MemorySegment[] got) {
        for (int i = 0; i < want.length; i++) {
            assertEquals(-1, want[i].mismatch(got[i]), what + ": buffer " + i + " differs at byte " + want[i].mismatch(got[i]));
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void sgdMatchesTheScalarDefinition(DType dt, long n) {
        double[][] variants = {{0, 0, 0}, {0.9, 0, 0}, {0.9, 0.1, 1e-2}, {0.9, 0, 0}}; // momentum, dampening, decay
        try (Arena a = Arena.ofConfined()) {
            for (int v = 0; v < variants.length; v++) {
                for (boolean first : new boolean[] {true, false}) {
                    boolean nesterov = v == 3;
                    MemorySegment[] want = state(a, dt, n, 7 * n + v), got = copy(a, want);
                    double[] o = variants[v];
                    scalar(dt).sgd(n, want[0], 3, want[1], 3, want[2], 3, 0.05, o[0], o[1], o[2], nesterov, first);
                    vector(dt).sgd(n, got[0], 3, got[1], 3, got[2], 3, 0.05, o[0], o[1], o[2], nesterov, first);
                    same("sgd variant " + v + (first ? " first step" : ""), want, got);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void adamMatchesTheScalarDefinition(DType dt, long n) {
        try (Arena a = Arena.ofConfined()) {
            for (int v = 0; v < 4; v++) {
                boolean decoupled = v == 1 || v == 3, amsgrad = v >= 2;
                double wd = v == 0 ? 0 : 0.01;
                MemorySegment[] want = state(a, dt, n, 11 * n + v), got = copy(a, want);
                for (MemorySegment[] s : new MemorySegment[][] {want, got}) {
                    Kernels1D k = s == want ? scalar(dt) : vector(dt);
                    k.adam(n, s[0], 3, s[1], 3, s[2], 3, s[3], 3, amsgrad ? s[4] : null, 3, 1e-3, 0.9, 0.999, 1e-8,
                            wd, decoupled, 1 - 0.9 * 0.9, Math.sqrt(1 - 0.999 * 0.999));
                }
                same("adam variant " + v, want, got);
            }
        }
    }
}
