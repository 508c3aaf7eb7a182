package dev.panagrad.bench;

import dev.panagrad.Parallelism;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.optim.Adam;
import dev.panagrad.optim.AdamW;
import dev.panagrad.optim.Optimizer;
import dev.panagrad.optim.SGD;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One fused optimizer step over 4M float32 parameters (16 MiB per tensor, out of cache), in
 * ms per step. Bytes moved per parameter: SGD with momentum reads p, g and the momentum
 * buffer and writes p and the buffer (20 B); Adam and AdamW read p, g, m, v and write p, m,
 * v (28 B). {@code bench/table.py} turns the time into GB/s, to set beside
 * {@code ElementwiseBench.addInplace} (12 B, the in-place memory speed of the same run) and
 * PyTorch's step on the same tensor. The gradient is ones and the learning rate 1e-6, so
 * the parameters stay normal numbers over any number of steps.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OptimizerBench {
    /** Parameters per step. */
    public static final int N = 1 << 22;

    @Param({"sgd-momentum", "adam", "adamw"})
    public String optimizer;

    @Param({"1", "2"})
    public int threads;

    private Tensor p;
    private Optimizer<?> opt;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(5);
        p = Tensor.randn(N).requiresGrad_().keep();
        try (Scope s = Scope.open()) {
            p.sum().backward();
        }
        List<Tensor> params = List.of(p);
        opt = switch (optimizer) {
            case "sgd-momentum" -> new SGD(params, SGD.options(1e-6).momentum(0.9));
            case "adam" -> new Adam(params, Adam.options(1e-6));
            case "adamw" -> new AdamW(params, AdamW.options(1e-6));
            default -> throw new IllegalArgumentException("unknown optimizer " + optimizer);
        };
    }

    @TearDown
    public void tearDown() {
        opt.close();
        p.close();
    }

    @Benchmark
    public void step() {
        opt.step();
    }
}
