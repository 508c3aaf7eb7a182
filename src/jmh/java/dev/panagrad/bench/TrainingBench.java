package dev.panagrad.bench;

import dev.panagrad.F;
import dev.panagrad.Memory;
import dev.panagrad.Parallelism;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import dev.panagrad.nn.Conv2d;
import dev.panagrad.nn.Flatten;
import dev.panagrad.nn.Linear;
import dev.panagrad.nn.MaxPool2d;
import dev.panagrad.nn.ReLU;
import dev.panagrad.nn.Sequential;
import dev.panagrad.optim.Adam;
import dev.panagrad.optim.Optimizer;
import dev.panagrad.optim.SGD;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Training steps of BENCHMARKS.md (zeroGrad + forward + backward + optimizer step), in ms
 * per step: the MLP 784-512-512-10 with ReLU and cross-entropy (SGD momentum 0.9 or Adam)
 * at batch 64 and 256, and the small CNN (conv 1-16 3x3 pad 1, relu, maxpool 2, conv 16-32
 * 3x3 pad 1, relu, maxpool 2, linear 1568-10) at batch 64 of 28x28. The auxiliary counter
 * {@code nativeAllocs} counts blocks obtained from the OS during the measured steps (the
 * goal is 0 after warm-up); {@code -prof gc} gives the Java heap allocated per step.
 */
@State(org.openjdk.jmh.annotations.Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainingBench {
    @Param({"mlp-sgd-64", "mlp-sgd-256", "mlp-adam-64", "mlp-adam-256", "cnn-sgd-64"})
    public String config;

    @Param({"1", "2"})
    public int threads;

    private Sequential model;
    private Optimizer<?> opt;
    private Tensor x, y;

    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(org.openjdk.jmh.annotations.Scope.Thread)
    public static class Allocations {
        public long nativeAllocs;
    }

    @Setup(Level.Trial)
    public void setup() {
        Parallelism.setThreads(threads);
        Tensor.manualSeed(4);
        String[] c = config.split("-");
        int batch = Integer.parseInt(c[2]);
        if (c[0].equals("mlp")) {
            model = new Sequential(new Linear(784, 512), new ReLU(), new Linear(512, 512), new ReLU(), new Linear(512, 10));
            x = Tensor.randn(batch, 784).keep();
        } else {
            model = new Sequential(new Conv2d(1, 16, 3, 1, 1), new ReLU(), new MaxPool2d(2),
                    new Conv2d(16, 32, 3, 1, 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(1568, 10));
            x = Tensor.randn(batch, 1, 28, 28).keep();
        }
        y = Tensor.randint(0, 10, batch).keep();
        opt = c[1].equals("sgd") ? new SGD(model.parameters(), SGD.options(0.01).momentum(0.9))
                : new Adam(model.parameters(), Adam.options(1e-3));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        opt.close();
        model.close();
        x.close();
        y.close();
    }

    @Benchmark
    public void step(Allocations a) {
        long before = Memory.stats().nativeAllocations();
        try (Scope s = Scope.open()) {
            opt.zeroGrad();
            F.crossEntropy(model.forward(x), y).backward();
            opt.step();
        }
        a.nativeAllocs += Memory.stats().nativeAllocations() - before;
    }
}
