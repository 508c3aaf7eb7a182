package dev.panagrad.bench;

import dev.panagrad.GradMode;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The cost of the autograd tape per op: a chain of 1000 ops (x + 0.5 and x * 0.999
 * alternating) on a tensor of 1 or 16 elements that requires grad, as in BENCHMARKS.md.
 * Scores are per op (OperationsPerInvocation = 1000): {@code forward} records the chain,
 * {@code backward} runs backward through a chain recorded in the invocation's setup,
 * {@code forwardNoGrad} is the same chain under noGrad. With {@code -prof gc},
 * gc.alloc.rate.norm is the Java heap allocated per op.
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TapeBench {
    static final int CHAIN = 1000;

    @Param({"1", "16"})
    public int elements;

    private Tensor x;

    @Setup(Level.Trial)
    public void setup() {
        x = Tensor.ones(elements).requiresGrad_().keep();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
    }

    static Tensor chain(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < CHAIN; i++) y = (i & 1) == 0 ? y.add(0.5) : y.mul(0.999);
        return y;
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Tensor forward() {
        try (Scope s = Scope.open()) {
            return chain(x);
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public Tensor forwardNoGrad() {
        try (Scope s = Scope.open(); var g = GradMode.noGrad()) {
            return chain(x);
        }
    }

    /** State for backward: a fresh chain per invocation, summed to a scalar. */
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Recorded {
        Scope scope;
        Tensor loss;

        @Setup(Level.Invocation)
        public void record(TapeBench b) {
            b.x.setGrad(null);
            scope = Scope.open();
            Tensor y = chain(b.x);
            // backward from a 1-element tensor: the chain end itself when it has one element.
            loss = y.numel() == 1 ? y : y.sum();
        }

        @TearDown(Level.Invocation)
        public void release() {
            scope.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(CHAIN)
    public void backward(Recorded r) {
        r.loss.backward();
    }
}
