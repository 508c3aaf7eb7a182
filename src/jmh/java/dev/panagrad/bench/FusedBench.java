package dev.panagrad.bench;

import dev.panagrad.Autograd;
import dev.panagrad.F;
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
 * Forward + backward of the normalisation and loss ops, in µs per call: cross-entropy of
 * [256, 1000] float32 logits against class indices (mean), layer norm of [256, 1024] with
 * weight and bias, and training-mode batch norm of [64, 16, 28, 28] (the demo CNN's shape).
 * Each runs as the library's op ({@code impl=op}) and as a composite of public elementwise
 * and reduction ops written out here ({@code impl=composite}), the way these ops were built
 * before they had fused kernels, so one run compares both.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FusedBench {
    @Param({"1", "2"})
    public int threads;

    @Param({"op", "composite"})
    public String impl;

    private Tensor logits, target, lnX, lnW, lnB, bnX, bnW, bnB;

    @Setup
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(3);
        logits = Tensor.randn(256, 1000).requiresGrad_().keep();
        target = Tensor.randint(0, 1000, 256).keep();
        lnX = Tensor.randn(256, 1024).requiresGrad_().keep();
        lnW = Tensor.randn(1024).requiresGrad_().keep();
        lnB = Tensor.randn(1024).requiresGrad_().keep();
        bnX = Tensor.randn(64, 16, 28, 28).requiresGrad_().keep();
        bnW = Tensor.randn(16).requiresGrad_().keep();
        bnB = Tensor.randn(16).requiresGrad_().keep();
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {logits, target, lnX, lnW, lnB, bnX, bnW, bnB}) t.close();
    }

    private boolean composite() {
        return impl.equals("composite");
    }

    @Benchmark
    public void crossEntropy(Blackhole bh) {
        try (Scope s = Scope.open()) {
            Tensor loss = composite()
                    ? logits.logSoftmax(1).gather(1, target.unsqueeze(1)).neg().mean()
                    : F.crossEntropy(logits, target);
            bh.consume(Autograd.grad(loss, logits));
        }
    }

    @Benchmark
    public void layerNorm(Blackhole bh) {
        try (Scope s = Scope.open()) {
            Tensor y;
            if (composite()) {
                Tensor centered = lnX.sub(lnX.mean(new int[] {1}, true));
                Tensor var = centered.square().mean(new int[] {1}, true);
                y = centered.mul(var.add(1e-5).rsqrt()).mul(lnW).add(lnB);
            } else {
                y = F.layerNorm(lnX, new int[] {1024}, lnW, lnB);
            }
            bh.consume(Autograd.grad(new Tensor[] {y}, new Tensor[] {y.onesLike()}, new Tensor[] {lnX, lnW, lnB},
                    false, false, false));
        }
    }

    @Benchmark
    public void batchNorm(Blackhole bh) {
        try (Scope s = Scope.open()) {
            Tensor y;
            int[] dims = {0, 2, 3};
            if (composite()) {
                Tensor centered = bnX.sub(bnX.mean(dims, true));
                Tensor var = centered.square().mean(dims, true);
                y = centered.mul(var.add(1e-5).rsqrt()).mul(bnW.reshape(1, 16, 1, 1)).add(bnB.reshape(1, 16, 1, 1));
            } else {
                y = F.batchNorm(bnX, null, null, bnW, bnB, true, 0.1, 1e-5);
            }
            bh.consume(Autograd.grad(new Tensor[] {y}, new Tensor[] {y.onesLike()}, new Tensor[] {bnX, bnW, bnB},
                    false, false, false));
        }
    }
}
