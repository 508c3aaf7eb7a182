package dev.panagrad.bench;

import dev.panagrad.Autograd;
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
 * Reductions and softmax on a 4096 x 4096 float32 tensor (16M elements, 64 MiB): the sum of
 * everything, the sum along dim 1, softmax and log-softmax along dim 1 into a new result, and
 * the softmax gradient (backward only: the output and the incoming gradient are made once).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ReductionBench {
    @Param({"1", "2"})
    public int threads;

    private Tensor x, leaf, y, gy;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(2);
        x = Tensor.randn(4096, 4096).keep();
        gy = Tensor.randn(4096, 4096).keep();
        leaf = x.detach().requiresGrad_().keep();
        y = leaf.softmax(1).keep();
    }

    @TearDown
    public void tearDown() {
        x.close();
        y.close();
        leaf.close();
        gy.close();
    }

    @Benchmark
    public double sumAll() {
        try (Scope s = Scope.open()) {
            return x.sum().item();
        }
    }

    @Benchmark
    public void sumDim1(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(x.sum(1));
        }
    }

    @Benchmark
    public void softmaxDim1(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(x.softmax(1));
        }
    }

    @Benchmark
    public void logSoftmaxDim1(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(x.logSoftmax(1));
        }
    }

    @Benchmark
    public void softmaxBackwardDim1(Blackhole bh) {
        try (Scope s = Scope.open()) {
            bh.consume(Autograd.grad(new Tensor[] {y}, new Tensor[] {gy}, new Tensor[] {leaf},
                    true, false, false));
        }
    }
}
