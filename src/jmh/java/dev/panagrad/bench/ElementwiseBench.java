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

import java.util.concurrent.TimeUnit;

/**
 * Elementwise ops on 16M float32 elements (64 MiB per tensor). GB/s of logical traffic =
 * bytes / time, with 12 bytes per element for add and mul (two reads, one write) and 8 for
 * the unary ops: at 16M elements, 201.3 MB / (ms per op) / 1000 for add/mul, 134.2 MB for
 * relu and exp (standard normal input). {@link UnaryMathBench} has the other transcendental
 * ops, on one thread. "new" makes a new result each call (from the caching allocator: no page faults
 * after the first); "inplace" writes into the first operand (PyTorch's existing-buffer case).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElementwiseBench {
    @Param({"1", "2"})
    public int threads;

    public static final int N = 1 << 24;
    private Tensor a, b;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(1);
        a = Tensor.randn(N).keep();
        b = Tensor.rand(N).add(0.5).keep();
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public void addNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.add(b));
        }
    }

    @Benchmark
    public void mulNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.mul(b));
        }
    }

    @Benchmark
    public void reluNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.relu());
        }
    }

    @Benchmark
    public void expNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.exp());
        }
    }

    private boolean subtract;

    /** a += b, then a -= b on the next call, so the values stay bounded (12 bytes per element either way). */
    @Benchmark
    public Tensor addInplace() {
        subtract = !subtract;
        return subtract ? a.sub_(b) : a.add_(b);
    }
}
