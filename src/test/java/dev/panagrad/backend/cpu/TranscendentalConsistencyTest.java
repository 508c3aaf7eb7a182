package dev.panagrad.backend.cpu;

import dev.panagrad.DType;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.backend.BinaryOp;
import dev.panagrad.backend.UnaryOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transcendental kernels give the same bits whatever path computes them: the Vector API
 * rows and the scalar definitions (strided and short rows, and the no-Vector-API fallback),
 * contiguous and strided tensors, cold code (interpreter, Vector API Java fallback) and
 * C2-compiled code (intrinsics).
 */
class TranscendentalConsistencyTest {
    private static final int[] LENGTHS = {1, 5, 15, 16, 17, 33, 1023, 1024, 1025, 2048 + 7, 5000};

    /** Vector kernels against the scalar kernels they extend, row by row, lengths around vector and block sizes. */
    @Test
    void vectorRowsEqualScalarDefinitions() {
        assertTrue(KernelSelection.VECTOR_API, "the tests run with jdk.incubator.vector");
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Kernels1D vec = KernelSelection.of(dt);
            Kernels1D scalar = dt == DType.FLOAT32 ? new FloatScalarKernels() : new DoubleScalarKernels();
            try (Arena arena = Arena.ofConfined()) {
                for (int n : LENGTHS) {
                    MemorySegment x = TranscendentalFingerprint.segment(arena, dt, TranscendentalFingerprint.data(n, n));
                    MemorySegment g = TranscendentalFingerprint.segment(arena, dt, TranscendentalFingerprint.data(n, n + 1));
                    MemorySegment a = arena.allocate(n * 8L, 64), b = arena.allocate(n * 8L, 64);
                    for (UnaryOp op : TranscendentalFingerprint.UNARY) {
                        vec.unary(op, n, x, 0, 1, a, 0, 1, 2.5, 0);
                        scalar.unary(op, n, x, 0, 1, b, 0, 1, 2.5, 0);
                        assertSame(dt, a, b, n, op + " " + dt + " n=" + n);
                        MemorySegment inPlace = arena.allocate(n * 8L, 64);
                        MemorySegment.copy(x, 0, inPlace, 0, n * 8L);
                        vec.unary(op, n, inPlace, 0, 1, inPlace, 0, 1, 2.5, 0);
                        assertSame(dt, inPlace, b, n, op + " in place " + dt + " n=" + n);
                    }
                    for (BinaryOp op : TranscendentalFingerprint.BINARY) {
                        vec.binary(op, n, g, 0, 1, x, 0, 1, a, 0, 1);
                        scalar.binary(op, n, g, 0, 1, x, 0, 1, b, 0, 1);
                        assertSame(dt, a, b, n, op + " " + dt + " n=" + n);
                    }
                }
            }
        }
    }

    private static void assertSame(DType dt, MemorySegment a, MemorySegment b, int n, String what) {
        for (int i = 0; i < n; i++) {
            long x = dt == DType.FLOAT32 ? Float.floatToIntBits((float) Elem.get(dt, a, i)) : Double.doubleToLongBits(Elem.get(dt, a, i));
            long y = dt == DType.FLOAT32 ? Float.floatToIntBits((float) Elem.get(dt, b, i)) : Double.doubleToLongBits(Elem.get(dt, b, i));
            if (x != y) throw new AssertionError(what + ": element " + i + ": " + Elem.get(dt, a, i) + " != " + Elem.get(dt, b, i));
        }
    }

    /** Through the public API: a contiguous tensor and strided views of the same values. */
    @Test
    void stridedTensorsEqualContiguous() {
        List<Function<Tensor, Tensor>> ops = List.of(Tensor::exp, Tensor::log, Tensor::tanh, Tensor::sigmoid, Tensor::silu,
                Tensor::gelu, Tensor::erf, Tensor::sin, Tensor::cos, t -> t.pow(1.5));
        int n = 3000 + 5;
        double[] d = TranscendentalFingerprint.data(n, 9);
        float[] contiguous = new float[n], interleaved = new float[2 * n];
        for (int i = 0; i < n; i++) {
            contiguous[i] = (float) d[i];
            interleaved[2 * i] = (float) d[i];
            interleaved[2 * i + 1] = -1;
        }
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(contiguous, n);
            Tensor strided = Tensor.of(interleaved, 2 * n).slice(0, 0, 2 * n, 2);
            Tensor transposed = Tensor.of(contiguous, 5, n / 5).t().contiguous().t();
            for (Function<Tensor, Tensor> op : ops) {
                float[] want = op.apply(x).toFloatArray();
                assertArrayEquals(want, op.apply(strided).toFloatArray());
                assertArrayEquals(want, op.apply(transposed).reshape(n).toFloatArray());
            }
        }
    }

    /** The fused backward kernels of gelu and silu, contiguous against strided input. */
    @Test
    void stridedBackwardEqualsContiguous() {
        int n = 2000 + 3;
        double[] d = TranscendentalFingerprint.data(n, 11);
        float[] contiguous = new float[n], interleaved = new float[2 * n];
        for (int i = 0; i < n; i++) {
            contiguous[i] = (float) d[i];
            interleaved[2 * i] = (float) d[i];
        }
        for (Function<Tensor, Tensor> op : List.<Function<Tensor, Tensor>>of(Tensor::gelu, Tensor::silu)) {
            try (Scope s = Scope.open()) {
                Tensor x = Tensor.of(contiguous, n).requiresGrad_();
                op.apply(x).sum().backward();
                Tensor big = Tensor.of(interleaved, 2 * n).requiresGrad_();
                op.apply(big.slice(0, 0, 2 * n, 2)).sum().backward();
                assertArrayEquals(x.grad().toFloatArray(), big.grad().slice(0, 0, 2 * n, 2).toFloatArray());
            }
        }
    }

    /**
     * Cold against warm: this JVM, after every kernel has run for seconds (C2, intrinsics),
     * against child JVMs that never compile (-Xint: the Vector API's per-lane Java fallback),
     * use the scalar fallback (-Dpanagrad.vector=false), or lack the Vector API module.
     */
    @Test
    void coldInterpretedAndFallbackEqualWarm() throws Exception {
        List<Process> children = new ArrayList<>();
        String[][] flags = {{"-Xint", "--add-modules", "jdk.incubator.vector"},
            {"-Dpanagrad.vector=false", "--add-modules", "jdk.incubator.vector"}, {}};
        for (String[] f : flags) children.add(child(f));
        // Warm up: C2 takes a while over the vector passes (tenths of a second each), so run
        // for a few seconds or 20000 rounds, whichever comes first, while the children work.
        long until = System.nanoTime() + 4_000_000_000L;
        for (int i = 0; i < 20_000 && System.nanoTime() < until; i++) TranscendentalFingerprint.compute(64);
        Map<String, Long> warm = TranscendentalFingerprint.compute(TranscendentalFingerprint.N);
        for (int c = 0; c < children.size(); c++) {
            Process p = children.get(c);
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child timed out");
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            Map<String, Long> cold = new LinkedHashMap<>();
            for (String line : stdout.strip().split("\n")) {
                int sp = line.lastIndexOf(' ');
                cold.put(line.substring(0, sp), Long.parseUnsignedLong(line.substring(sp + 1), 16));
            }
            assertEquals(warm, cold, "child JVM " + String.join(" ", flags[c]));
        }
    }

    private static Process child(String... flags) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), TranscendentalFingerprint.class.getName()));
        return new ProcessBuilder(cmd).start();
    }
}
