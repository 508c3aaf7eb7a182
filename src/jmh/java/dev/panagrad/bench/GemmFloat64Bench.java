package dev.panagrad.bench;

import dev.panagrad.DType;
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
 * Square float64 {@code C = A @ B} at N = 1024 through the public API, in µs per product
 * (GFLOP/s = 2147.5 MFLOP / (µs per op) x 1000; the fp64 FMA peak is half of fp32's).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmFloat64Bench {
    @Param({"1024"})
    public int n;

    @Param({"1", "2"})
    public int threads;

    private Tensor a, b;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(1);
        a = Tensor.randn(DType.FLOAT64, n, n).keep();
        b = Tensor.randn(DType.FLOAT64, n, n).keep();
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.matmul(b));
        }
    }
}
