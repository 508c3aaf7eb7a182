package dev.panagrad;

import dev.panagrad.nn.Linear;
import dev.panagrad.nn.ReLU;
import dev.panagrad.nn.Sequential;
import dev.panagrad.optim.SGD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Autograd's behaviour beyond single-op values: error messages that say what to do, graphs
 * that cost nothing where nothing requires grad, buffers freed after backward, a steady
 * loop that stops allocating, inference mode, hooks, and threads training side by side.
 */
class AutogradBehaviourTest {
    static long live() {
        return Memory.stats().liveBytes();
    }

    @Test
    void secondBackwardFailsAndSaysToRetainTheGraph() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad_();
            Tensor y = x.exp().sum();
            y.backward();
            float[] first = x.grad().toFloatArray();
            AutogradException e = assertThrows(AutogradException.class, y::backward);
            assertEquals(AutogradException.Kind.BACKWARD_TWICE, e.kind());
            assertTrue(e.getMessage().contains("retainGraph=true"), e.getMessage());
            assertTrue(e.getMessage().contains("ExpBackward0"), e.getMessage());
            assertArrayEquals(first, x.grad().toFloatArray(), "the failed backward changed nothing");
        }
    }

    @Test
    void retainGraphAllowsASecondBackwardAndGradsAccumulate() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad_();
            Tensor y = x.mul(x).sum();
            y.backward(null, true, false);
            y.backward();
            assertArrayEquals(new float[] {4, 8}, x.grad().toFloatArray()); // 2x twice
        }
    }

    @Test
    void inPlaceChangeOfASavedTensorIsCaughtWithBothVersions() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad_();
            Tensor h = x.mul(2.0);
            Tensor y = h.mul(h).sum();
            h.add_(1.0);
            AutogradException e = assertThrows(AutogradException.class, y::backward);
            assertEquals(AutogradException.Kind.INPLACE_MODIFIED, e.kind());
            assertTrue(e.getMessage().contains("MulBackward0") && e.getMessage().contains("version 0")
                    && e.getMessage().contains("version 1"), e.getMessage());
            assertNull(x.grad());
        }
    }

    @Test
    void leafInPlaceFailsOutsideNoGradAndWorksInside() {
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.of(new float[] {1, 2}).requiresGrad_();
            AutogradException e = assertThrows(AutogradException.class, () -> w.sub_(1.0));
            assertEquals(AutogradException.Kind.LEAF_INPLACE, e.kind());
            assertTrue(e.getMessage().contains("noGrad"), e.getMessage());
            assertEquals(0, w.version());
            try (var g = GradMode.noGrad()) {
                w.sub_(1.0);
            }
            assertArrayEquals(new float[] {0, 1}, w.toFloatArray());
            assertEquals(1, w.version());
        }
    }

    @Test
    void nonScalarBackwardNeedsAGradient() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(2, 2).requiresGrad_();
            Tensor y = x.mul(3.0);
            AutogradException e = assertThrows(AutogradException.class, y::backward);
            assertEquals(AutogradException.Kind.GRAD_NON_SCALAR, e.kind());
            assertTrue(e.getMessage().contains("[2, 2]"), e.getMessage());
            y.backward(Tensor.full(2.0, 2, 2));
            assertArrayEquals(new float[] {6, 6, 6, 6}, x.grad().toFloatArray());
            assertThrows(ShapeMismatchException.class, () -> y.backward(Tensor.ones(4)));
        }
    }

    @Test
    void noGradAndDetachRecordNothing() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(3).requiresGrad_();
            Tensor y;
            try (var g = GradMode.noGrad()) {
                y = x.mul(2.0);
                try (var on = GradMode.enableGrad()) {
                    assertTrue(x.mul(2.0).requiresGrad(), "enableGrad inside noGrad records again");
                }
            }
            assertFalse(y.requiresGrad());
            assertNull(y.gradFn());
            Tensor d = x.detach();
            assertFalse(d.requiresGrad());
            assertTrue(d.isLeaf());
            d.add_(1.0); // shares storage and version counter with x
            assertEquals(1, x.version());
            assertEquals(2.0, x.toFloatArray()[0]);
            assertEquals(AutogradException.Kind.NO_GRAD_FN,
                    assertThrows(AutogradException.class, () -> y.sum().backward()).kind());
        }
    }

    @Test
    void inferenceModeRecordsNothingAndSkipsVersionCounting() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.ones(3).requiresGrad_();
            Tensor t = Tensor.zeros(3);
            try (var g = GradMode.inferenceMode()) {
                Tensor y = x.mul(2.0).exp();
                assertNull(y.gradFn());
                assertFalse(y.requiresGrad());
                t.add_(1.0);
                assertTrue(GradMode.isInferenceMode());
            }
            assertEquals(0, t.version(), "inference mode skips version bookkeeping");
            assertFalse(GradMode.isInferenceMode());
        }
    }

    @Test
    void frozenSubgraphsRecordNoNodeAndRunNoBackwardWork() {
        try (Scope s = Scope.open()) {
            Tensor frozen = Tensor.randn(8, 8); // does not require grad
            Tensor w = Tensor.randn(8, 2).requiresGrad_();
            Tensor x = Tensor.randn(4, 8);
            Tensor features = x.matmul(frozen).relu().matmul(frozen).tanh();
            assertNull(features.gradFn(), "nothing upstream requires grad: no node recorded");
            Tensor loss = features.matmul(w).sum();
            long before = Autograd.nodesExecuted();
            loss.backward();
            assertEquals(2, Autograd.nodesExecuted() - before, "only the matmul with w and the sum run backward");
            assertNotNull(w.grad());
        }
    }

    @Test
    void opsSaveOnlyWhatBackwardNeeds() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(4).requiresGrad_();
            Tensor y = Tensor.randn(4).requiresGrad_();
            int before = x.storage.refCount();
            Tensor sum = x.add(y);
            assertEquals(before, x.storage.refCount(), "add saves no tensor (its backward needs only shapes)");
            Tensor e = x.exp();
            assertEquals(before, x.storage.refCount(), "exp saves its output, not its input");
            assertEquals(2, e.storage.refCount(), "exp's output is saved once");
            Tensor m = x.mul(Tensor.randn(4)); // the other factor does not require grad
            assertEquals(before, x.storage.refCount(), "mul saves x only if the other side needs a gradient");
            assertNotNull(sum.gradFn());
            assertNotNull(m.gradFn());
        }
    }

    @Test
    void afterBackwardTheGraphHoldsNoBuffers() {
        Sequential model = new Sequential(new Linear(32, 64), new ReLU(), new Linear(64, 10));
        try (Scope setup = Scope.open()) {
            Tensor x = Tensor.randn(16, 32), y = Tensor.randint(0, 10, 16);
            long withParams = live();
            Tensor loss = F.crossEntropy(model.forward(x), y);
            assertTrue(live() > withParams);
            loss.backward();
            long grads = 0;
            for (Tensor p : model.parameters()) grads += p.numel() * 4;
            // What remains: the step's inputs, the loss itself and the gradients (block-rounded).
            long slack = 3 * 1024;
            assertTrue(live() - withParams <= grads + grads / 4 + slack,
                    "live bytes after backward grew by " + (live() - withParams) + ", gradients take " + grads);
        } finally {
            model.close();
        }
    }

    @Test
    void aSteadyTrainingLoopStopsAllocatingAfterItsFirstStep() {
        Sequential model = new Sequential(new Linear(20, 30), new ReLU(), new Linear(30, 5));
        try (SGD opt = new SGD(model.parameters(), SGD.options(0.1).momentum(0.9));
             Scope data = Scope.open()) {
            Tensor x = Tensor.randn(8, 20), y = Tensor.randint(0, 5, 8);
            long[] native_ = new long[6];
            for (int step = 0; step < 6; step++) {
                try (Scope s = Scope.open()) {
                    opt.zeroGrad();
                    F.crossEntropy(model.forward(x), y).backward();
                    opt.step();
                }
                native_[step] = Memory.stats().nativeAllocations();
            }
            assertEquals(native_[1], native_[5], "steps 3..6 took every block from the cache");
        } finally {
            model.close();
        }
    }

    @Test
    void hooksSeeAndReplaceGradientsAndRetainGradKeepsThem() throws Exception {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}).requiresGrad_();
            Tensor h = x.mul(2.0);
            h.retainGrad();
            List<float[]> seen = new ArrayList<>();
            AutoCloseable handle = h.registerHook(g -> {
                seen.add(g.toFloatArray());
                return g.mul(10.0);
            });
            h.sum().backward();
            assertArrayEquals(new float[] {1, 1, 1}, seen.get(0));
            assertArrayEquals(new float[] {20, 20, 20}, x.grad().toFloatArray(), "the hook's gradient flowed on");
            assertNotNull(h.grad(), "retainGrad kept the non-leaf's gradient");
            handle.close();
            x.setGrad(null);
            x.mul(2.0).sum().backward();
            assertArrayEquals(new float[] {2, 2, 2}, x.grad().toFloatArray());
        }
    }

    @Test
    void autogradGradWithCreateGraphGivesSecondDerivatives() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new double[] {0.5, -1.0}).requiresGrad_();
            Tensor y = x.pow(3L).sum();
            Tensor[] g = Autograd.grad(new Tensor[] {y}, null, new Tensor[] {x}, true, true, false);
            assertArrayEquals(new double[] {0.75, 3.0}, g[0].toDoubleArray(), 1e-12); // 3x^2
            Tensor[] gg = Autograd.grad(g[0].sum(), x);
            assertArrayEquals(new double[] {3.0, -6.0}, gg[0].toDoubleArray(), 1e-12); // 6x
            assertNull(x.grad(), "Autograd.grad does not touch .grad()");
            Tensor unused = Tensor.ones(DType.FLOAT64, 2).requiresGrad_();
            assertEquals(AutogradException.Kind.UNUSED_INPUT, assertThrows(AutogradException.class,
                    () -> Autograd.grad(new Tensor[] {x.sum()}, null, new Tensor[] {x, unused}, false, false, false)).kind());
            Tensor[] r = Autograd.grad(new Tensor[] {x.sum()}, null, new Tensor[] {x, unused}, false, false, true);
            assertNull(r[1]);
        }
    }

    @Test
    void integerTensorsCannotRequireGrad() {
        Tensor i = Tensor.arange(3);
        assertThrows(DTypeMismatchException.class, () -> i.requiresGrad_(true));
        assertFalse(i.requiresGrad());
        i.close();
    }

    @Test
    void theGraphIsFreedWhenItsOutputsAreReleasedWithoutBackward() {
        Tensor w = Tensor.randn(64, 64).requiresGrad_();
        long before = live();
        try (Scope s = Scope.open()) {
            Tensor h = w.tanh().exp().sigmoid(); // each node saves a 16 KiB tensor
            assertTrue(live() > before);
            assertNotNull(h.gradFn());
        }
        assertEquals(before, live(), "closing the scope released the outputs, their nodes and the saved tensors");
        w.close();
    }

    /** Four threads train four models; each must match the same training done alone. */
    @Test
    void threadsTrainingSeparateModelsMatchRunningThemOneAfterAnother() throws Exception {
        int threads = 4;
        float[][] alone = new float[threads][];
        for (int t = 0; t < threads; t++) alone[t] = train(t);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                futures.add(pool.submit(() -> train(seed)));
            }
            for (int t = 0; t < threads; t++) assertArrayEquals(alone[t], futures.get(t).get(), "thread " + t);
        } finally {
            pool.shutdown();
        }
    }

    private static float[] train(int seed) {
        Generator gen = new Generator(seed);
        try (Scope s = Scope.open()) {
            Tensor w = Tensor.randn(gen, DType.FLOAT32, 6, 3).mul(0.3).requiresGrad_();
            Tensor x = Tensor.randn(gen, DType.FLOAT32, 10, 6), target = Tensor.randn(gen, DType.FLOAT32, 10, 3);
            for (int step = 0; step < 25; step++) {
                try (Scope st = Scope.open()) {
                    w.setGrad(null);
                    F.mseLoss(x.matmul(w).tanh(), target).backward();
                    try (var g = GradMode.noGrad()) {
                        w.sub_(w.grad().mul(0.2));
                    }
                }
            }
            float[] r = w.toFloatArray();
            assertSame(s, Scope.current());
            return r;
        }
    }

    /** A linear layer adds its weight gradient into an existing .grad inside the GEMM: same values as a fresh one. */
    @Test
    void linearWeightGradientsAccumulateIntoAnExistingGrad() {
        try (Scope s = Scope.open()) {
            Generator gen = new Generator(11);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, 7, 5), w = Tensor.randn(gen, DType.FLOAT64, 3, 5).requiresGrad_();
            Tensor b = Tensor.randn(gen, DType.FLOAT64, 3).requiresGrad_();
            Tensor g = Tensor.randn(gen, DType.FLOAT64, 7, 3);
            F.linear(x, w, b).backward(g);
            double[] once = w.grad().toDoubleArray();
            // g.T @ x by hand
            double[] gx = g.toDoubleArray(), xx = x.toDoubleArray();
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 5; j++) {
                    double acc = 0;
                    for (int m = 0; m < 7; m++) acc += gx[m * 3 + i] * xx[m * 5 + j];
                    assertEquals(acc, once[i * 5 + j], 1e-12);
                }
            }
            Tensor held = w.grad();
            int version = held.version();
            F.linear(x, w, b).backward(g.t().contiguous().t()); // a transposed gradient layout too
            double[] twice = w.grad().toDoubleArray();
            for (int i = 0; i < once.length; i++) assertEquals(2 * once[i], twice[i], 1e-12);
            assertArrayEquals(twice, held.toDoubleArray(), "accumulated in place, as PyTorch does");
            assertTrue(held.version() > version, "the in-place accumulation bumps the grad's version");
        }
    }
}
