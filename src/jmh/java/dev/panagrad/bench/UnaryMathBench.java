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
import java.util.function.UnaryOperator;

/**
 * The transcendental ops beyond {@link ElementwiseBench}'s exp, on 16M float32 elements into a
 * new result, on one thread (they have no peer figure in BENCHMARKS.md, so the suite spends no
 * two-thread runs on them): 134.2 MB of logical traffic (8 bytes per element) / (ms per op) /
 * 1000 = GB/s. log reads uniform values in [0.5, 1.5), the others standard normal ones.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UnaryMathBench {
    @Param({"log", "tanh", "sigmoid", "gelu", "silu", "sin"})
    public String op;

    private Tensor input;
    private UnaryOperator<Tensor> f;

    @Setup
    public void setup() {
        Parallelism.setThreads(1);
        Tensor.manualSeed(1);
        input = op.equals("log") ? Tensor.rand(ElementwiseBench.N).add(0.5).keep() : Tensor.randn(ElementwiseBench.N).keep();
        f = switch (op) {
            case "log" -> Tensor::log;
            case "tanh" -> Tensor::tanh;
            case "sigmoid" -> Tensor::sigmoid;
            case "gelu" -> Tensor::gelu;
            case "silu" -> Tensor::silu;
            case "sin" -> Tensor::sin;
            default -> throw new IllegalArgumentException("no such op: " + op);
        };
    }

    @TearDown
    public void tearDown() {
        input.close();
    }

    /** {@code op} of the input into a new result. */
    @Benchmark
    public void apply(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(f.apply(input));
        }
    }
}
