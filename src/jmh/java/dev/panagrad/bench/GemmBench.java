package dev.panagrad.bench;

import dev.panagrad.Parallelism;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

/**
 * Square float32 {@code C = A @ B} through the public API ({@code a.matmul(b)} inside a
 * {@link Scope}, the result from the caching allocator), in µs per product. GFLOP/s =
 * 2 N^3 / time: at N = 1024, 2147.5 MFLOP / (µs per op) x 1000, e.g. 9000 µs = 238.6 GFLOP/s
 * ({@code bench/table.py} prints the GFLOP/s beside OpenBLAS's). {@code GemmFloat64Bench}
 * is the float64 row.
 * <p>
 * {@code variant = openblas} runs the same product with OpenBLAS ({@link OpenBlas}) on the
 * same tensors' memory, into a kept result: the peer measured in the same run, in the fork
 * right after ours (JMH varies the last parameter by name fastest), so the ratio of the two is
 * not skewed by this shared machine's drift over minutes. Without OpenBLAS, pass
 * {@code -p variant=panagrad}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBench {
    @Param({"64", "128", "256", "512", "1024", "2048"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    /** {@code panagrad}, or {@code openblas} for the peer. */
    @Param({"panagrad", "openblas"})
    public String variant;

    private Tensor a, b, c;
    private boolean openblas;
    private MemorySegment as, bs, cs;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(1);
        a = Tensor.randn(n, n).keep();
        b = Tensor.randn(n, n).keep();
        openblas = variant.equals("openblas");
        if (openblas) {
            OpenBlas.load(threads);
            c = Tensor.zeros(n, n).keep();
            as = a.segment();
            bs = b.segment();
            cs = c.segment();
        } else if (!variant.equals("panagrad")) {
            throw new IllegalArgumentException("variant must be panagrad or openblas, not " + variant);
        }
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        if (c != null) c.close();
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        if (openblas) {
            OpenBlas.sgemm(n, as, bs, cs);
            return;
        }
        try (Scope s = Scope.open()) {
            bh.consume(a.matmul(b));
        }
    }
}
