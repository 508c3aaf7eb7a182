package dev.panagrad.bench;

import dev.panagrad.F;
import dev.panagrad.Memory;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.nn.Linear;
import dev.panagrad.nn.ReLU;
import dev.panagrad.nn.Sequential;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Peak native memory of forward + backward through 50 x (Linear(1024, 1024) + ReLU) at batch
 * 256, as in BENCHMARKS.md: the growth of the allocator's peak live bytes over the live
 * bytes before the step (parameters and their already-allocated gradients), in MiB, beside
 * the ideal: the 49 activations of 1 MiB that backward needs (a ReLU's output is the next
 * Linear's input, one buffer) plus the 1 MiB input. Reported as auxiliary counters
 * {@code peakGrowthMiB} and {@code ratioToIdeal}.
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(1)
public class MemoryBench {
    static final int LAYERS = 50, WIDTH = 1024, BATCH = 256;
    static final double MIB = 1 << 20;
    /** 49 saved activations + the saved input of the first layer. */
    static final double IDEAL_MIB = LAYERS * (double) BATCH * WIDTH * 4 / MIB;

    private Sequential model;
    private Tensor x, target;

    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Peak {
        public double peakGrowthMiB;
        public double ratioToIdeal;
    }

    @Setup(Level.Trial)
    public void setup() {
        Tensor.manualSeed(3);
        model = new Sequential();
        for (int i = 0; i < LAYERS; i++) model.add(new Linear(WIDTH, WIDTH)).add(new ReLU());
        x = Tensor.randn(BATCH, WIDTH).keep();
        target = Tensor.randn(BATCH, WIDTH).keep();
        step(); // gradients exist from here on; later steps reuse them (zeroGrad without setting to none)
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
        x.close();
        target.close();
    }

    private void step() {
        try (Scope s = Scope.open()) {
            for (Tensor p : model.parameters()) {
                Tensor g = p.grad();
                if (g != null) g.zero_();
            }
            F.mseLoss(model.forward(x), target).backward();
        }
    }

    /**
     * JMH adds up EVENTS counters over the measurement iterations, so each iteration reports
     * its share (value / iterations) and the printed score is the mean peak, not a sum.
     */
    @Benchmark
    public void forwardBackward(Peak peak, BenchmarkParams params) {
        Memory.resetPeak();
        long before = Memory.stats().liveBytes();
        step();
        long grown = Memory.stats().peakBytes() - before;
        int iterations = params.getMeasurement().getCount();
        peak.peakGrowthMiB = grown / MIB / iterations;
        peak.ratioToIdeal = grown / MIB / IDEAL_MIB / iterations;
    }
}
