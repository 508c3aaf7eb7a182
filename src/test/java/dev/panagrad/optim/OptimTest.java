package dev.panagrad.optim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.panagrad.DType;
import dev.panagrad.Memory;
import dev.panagrad.Scope;
import dev.panagrad.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Optimizers and schedulers against trajectories recorded from PyTorch
 * (src/test/resources/optim/expected.json, made by src/test/python/optim_expectations.py).
 */
class OptimTest {
    static JsonNode expected;

    @BeforeAll
    static void load() throws Exception {
        expected = new ObjectMapper().readTree(OptimTest.class.getResourceAsStream("/optim/expected.json"));
    }

    static double[] doubles(JsonNode n) {
        double[] r = new double[n.size()];
        for (int i = 0; i < r.length; i++) r[i] = n.get(i).asDouble();
        return r;
    }

    /** Runs three steps with the recorded gradients (float64) and compares every step. */
    void trajectory(String name, Function<List<Tensor>, Optimizer<?>> make) {
        try (Scope s = Scope.open()) {
            Tensor p = Tensor.of(doubles(expected.get("p0"))).requiresGrad_();
            try (Optimizer<?> opt = make.apply(List.of(p))) {
                JsonNode grads = expected.get("grads"), traj = expected.get("trajectories").get(name);
                for (int step = 0; step < grads.size(); step++) {
                    p.setGrad(Tensor.of(doubles(grads.get(step))));
                    opt.step();
                    assertArrayEquals(doubles(traj.get(step)), p.toDoubleArray(), 1e-12, name + " step " + (step + 1));
                }
            }
        }
    }

    @Test
    void sgdVariantsFollowPyTorch() {
        trajectory("sgd_plain", ps -> new SGD(ps, 0.1));
        trajectory("sgd_momentum", ps -> new SGD(ps, SGD.options(0.1).momentum(0.9)));
        trajectory("sgd_dampening_wd", ps -> new SGD(ps, SGD.options(0.05).momentum(0.8).dampening(0.3).weightDecay(0.01)));
        trajectory("sgd_nesterov", ps -> new SGD(ps, SGD.options(0.1).momentum(0.9).nesterov(true).weightDecay(0.1)));
    }

    @Test
    void adamVariantsFollowPyTorch() {
        trajectory("adam", ps -> new Adam(ps, 0.01));
        trajectory("adam_wd_amsgrad", ps -> new Adam(ps, Adam.options(0.02).betas(0.8, 0.95).eps(1e-6)
                .weightDecay(0.05).amsgrad(true)));
        trajectory("adamw", ps -> new AdamW(ps, AdamW.options(0.01).weightDecay(0.1)));
    }

    @Test
    void float32UpdatesMatchTheFloat64Trajectory() {
        // The vectorised kernel (a 6-element tensor runs the scalar tail; 40 elements the vector body).
        try (Scope s = Scope.open()) {
            double[] p0 = new double[40];
            for (int i = 0; i < 40; i++) p0[i] = Math.sin(i);
            Tensor p32 = Tensor.of(p0).to(DType.FLOAT32).requiresGrad_(), p64 = Tensor.of(p0).requiresGrad_();
            try (Adam a = new Adam(List.of(p32), 0.01); Adam b = new Adam(List.of(p64), 0.01)) {
                for (int step = 0; step < 5; step++) {
                    double[] g = new double[40];
                    for (int i = 0; i < 40; i++) g[i] = Math.cos(i * (step + 1));
                    p32.setGrad(Tensor.of(g).to(DType.FLOAT32));
                    p64.setGrad(Tensor.of(g));
                    a.step();
                    b.step();
                }
            }
            assertArrayEquals(p64.toDoubleArray(), p32.to(DType.FLOAT64).toDoubleArray(), 1e-5);
        }
    }

    @Test
    void paramGroupsHaveTheirOwnLearningRates() {
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.ones(2).requiresGrad_(), b = Tensor.ones(2).requiresGrad_();
            try (SGD opt = new SGD(List.of(ParamGroup.of(List.of(a), SGD.options(0.1)),
                    ParamGroup.of(List.of(b), SGD.options(0.5))))) {
                a.setGrad(Tensor.ones(2));
                b.setGrad(Tensor.ones(2));
                opt.step();
                assertArrayEquals(new float[] {0.9f, 0.9f}, a.toFloatArray());
                assertArrayEquals(new float[] {0.5f, 0.5f}, b.toFloatArray());
                opt.zeroGrad();
                assertNull(a.grad(), "zeroGrad sets gradients to null by default");
            }
        }
    }

    @Test
    void schedulersFollowPyTorch() {
        for (String name : List.of("step", "cosine")) {
            try (Scope s = Scope.open()) {
                Tensor p = Tensor.zeros(1).requiresGrad_();
                try (SGD opt = new SGD(List.of(p), 0.2)) {
                    LRScheduler sched = name.equals("step") ? new StepLR(opt, 3, 0.5) : new CosineAnnealingLR(opt, 10, 0.01);
                    double[] want = doubles(expected.get("schedulers").get(name));
                    for (double w : want) {
                        sched.step();
                        assertEquals(w, opt.paramGroups().get(0).lr(), 1e-12, name + " epoch " + sched.epoch());
                    }
                }
            }
        }
    }

    @Test
    void clipGradNormScalesLikePyTorch() {
        try (Scope s = Scope.open()) {
            Tensor p = Tensor.zeros(DType.FLOAT64, 2).requiresGrad_(), q = Tensor.zeros(DType.FLOAT64, 1).requiresGrad_();
            p.setGrad(Tensor.of(new double[] {3, 4}));
            q.setGrad(Tensor.of(new double[] {12}));
            double norm = ClipGrad.clipGradNorm_(List.of(p, q), 6.5);
            JsonNode c = expected.get("clip");
            assertEquals(c.get("norm").asDouble(), norm, 1e-12);
            assertArrayEquals(doubles(c.get("p")), p.grad().toDoubleArray(), 1e-12);
            assertArrayEquals(doubles(c.get("q")), q.grad().toDoubleArray(), 1e-12);
        }
    }

    @Test
    void stepsAllocateNoNativeMemoryAfterTheFirst() {
        try (Scope s = Scope.open()) {
            Tensor p = Tensor.randn(1000).requiresGrad_();
            p.setGrad(Tensor.randn(1000));
            try (Adam opt = new Adam(List.of(p), 0.01)) {
                opt.step(); // moments are allocated here, once
                long before = Memory.stats().allocations();
                for (int i = 0; i < 10; i++) opt.step();
                assertEquals(before, Memory.stats().allocations(), "a fused step allocates no tensor at all");
            }
        }
    }

    @Test
    void badOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> SGD.options(-1));
        assertThrows(IllegalArgumentException.class, () -> SGD.options(0.1).nesterov(true));
        assertThrows(IllegalArgumentException.class, () -> Adam.options(0.1).betas(1.0, 0.9));
        try (Scope s = Scope.open()) {
            Tensor i = Tensor.arange(3);
            assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(i), 0.1));
        }
    }
}
