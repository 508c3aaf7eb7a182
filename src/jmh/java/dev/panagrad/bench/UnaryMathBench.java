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
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The transcendental ops beyond {@link ElementwiseBench}'s exp, on 16M float32 elements into a
 * new result, on one thread (they have no peer figure in BENCHMARKS.md, so the suite spends no
 * two-thread runs on them): 134.2 MB of logical traffic (8 bytes per element) / (ms per op) /
 * 1000 = GB/s. log reads b (in [0.5, 1.5)), the others a (standard normal).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UnaryMathBench {
    private Tensor a, b;

    @Setup
    public void setup() {
        Parallelism.setThreads(1);
        Tensor.manualSeed(1);
        a = Tensor.randn(ElementwiseBench.N).keep();
        b = Tensor.rand(ElementwiseBench.N).add(0.5).keep();
    }

    @TearDown
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public void logNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(b.log());
        }
    }

    @Benchmark
    public void tanhNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.tanh());
        }
    }

    @Benchmark
    public void sigmoidNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.sigmoid());
        }
    }

    @Benchmark
    public void geluNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.gelu());
        }
    }

    @Benchmark
    public void siluNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.silu());
        }
    }

    @Benchmark
    public void sinNew(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(a.sin());
        }
    }
}
