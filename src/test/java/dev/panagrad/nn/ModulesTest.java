package dev.panagrad.nn;

import dev.panagrad.DType;
import dev.panagrad.GradMode;
import dev.panagrad.Scope;
import dev.panagrad.ShapeMismatchException;
import dev.panagrad.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Module structure, state dicts, modes and initialisation, checked against PyTorch's conventions. */
class ModulesTest {
    @Test
    void resnet18HasTorchvisionsNamesAndParameterCount() {
        ResNet r = ResNet.resnet18(64, 3, 224, 1000);
        try {
            Map<String, Tensor> p = r.namedParameters();
            // torchvision's resnet18 has 11,689,512 parameters.
            assertEquals(11_689_512L, p.values().stream().mapToLong(Tensor::numel).sum());
            for (String name : List.of("conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer1.1.bn2.bias",
                    "layer2.0.downsample.0.weight", "layer2.0.downsample.1.weight", "layer4.1.conv2.weight", "fc.weight", "fc.bias")) {
                assertTrue(p.containsKey(name), name);
            }
            Map<String, Tensor> sd = r.stateDict();
            assertTrue(sd.containsKey("layer3.0.bn1.running_mean") && sd.containsKey("bn1.num_batches_tracked"));
            assertEquals(DType.INT64, sd.get("bn1.num_batches_tracked").dtype());
        } finally {
            r.close();
        }
    }

    @Test
    void smallResNetRunsForwardAndBackward() {
        Tensor.manualSeed(5);
        ResNet r = ResNet.resnet18(8, 1, 8, 10);
        try (Scope s = Scope.open()) {
            Tensor out = r.forward(Tensor.randn(2, 1, 8, 8));
            assertArrayEquals(new int[] {2, 10}, out.shape());
            out.sum().backward();
            for (Map.Entry<String, Tensor> e : r.namedParameters().entrySet()) {
                assertTrue(e.getValue().grad() != null, e.getKey() + " got a gradient");
            }
        } finally {
            r.close();
        }
    }

    @Test
    void linearInitialisationFollowsPyTorchBounds() {
        Tensor.manualSeed(1);
        Linear a = new Linear(100, 50);
        Tensor.manualSeed(1);
        Linear b = new Linear(100, 50);
        try {
            double bound = 1 / Math.sqrt(100);
            for (float v : a.weight().toFloatArray()) assertTrue(Math.abs(v) <= bound);
            for (float v : a.bias().toFloatArray()) assertTrue(Math.abs(v) <= bound);
            double std = 0;
            for (float v : a.weight().toFloatArray()) std += v * v;
            std = Math.sqrt(std / 5000);
            assertEquals(bound / Math.sqrt(3), std, 0.01, "uniform in ±b has std b/sqrt(3)");
            assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray(), "seeded");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void stateDictLoadReportsMissingUnexpectedAndMisShapedKeysAndChangesNothingOnError() {
        Sequential m = new Sequential(new Linear(3, 2), new ReLU(), new Linear(2, 1));
        try (Scope s = Scope.open()) {
            float[] before = m.namedParameters().get("0.weight").toFloatArray();
            Map<String, Tensor> sd = new LinkedHashMap<>();
            sd.put("0.weight", Tensor.ones(2, 3));
            sd.put("0.bias", Tensor.ones(2));
            sd.put("2.weight", Tensor.ones(1, 2));
            sd.put("extra", Tensor.ones(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd, true));
            assertTrue(e.getMessage().contains("missing key(s): [2.bias]") && e.getMessage().contains("unexpected key(s): [extra]"),
                    e.getMessage());
            assertArrayEquals(before, m.namedParameters().get("0.weight").toFloatArray(), "a failed load changes nothing");
            Module.LoadResult r = m.loadStateDict(sd, false);
            assertEquals(List.of("2.bias"), r.missingKeys());
            assertEquals(List.of("extra"), r.unexpectedKeys());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, m.namedParameters().get("0.weight").toFloatArray());
            sd.put("2.bias", Tensor.ones(3));
            assertThrows(ShapeMismatchException.class, () -> m.loadStateDict(sd, false));
        } finally {
            m.close();
        }
    }

    @Test
    void trainAndEvalSwitchDropoutAndBatchNorm() {
        Tensor.manualSeed(2);
        Sequential m = new Sequential(new BatchNorm1d(4), new Dropout(0.5));
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(64, 4).mul(3.0).add(1.0);
            Tensor y = m.forward(x);
            long zeros = 0;
            for (float v : y.toFloatArray()) if (v == 0) zeros++;
            assertTrue(zeros > 80 && zeros < 176, "dropout zeroes about half in training: " + zeros);
            BatchNorm1d bn = (BatchNorm1d) m.get(0);
            assertEquals(1, bn.buffer("num_batches_tracked").itemLong());
            float[] runningMean = bn.buffer("running_mean").toFloatArray();
            double[] colMean = x.mean(0).to(DType.FLOAT64).toDoubleArray();
            for (int i = 0; i < 4; i++) assertEquals(0.1 * colMean[i], runningMean[i], 1e-5, "momentum 0.1 from zero");
            m.eval();
            assertFalse(m.isTraining() || bn.isTraining());
            Tensor e1 = m.forward(x), e2 = m.forward(x);
            assertArrayEquals(e1.toFloatArray(), e2.toFloatArray(), "eval is deterministic");
            assertEquals(1, bn.buffer("num_batches_tracked").itemLong(), "eval does not update statistics");
        } finally {
            m.close();
        }
    }

    @Test
    void freezingAndReplacingTheHead() {
        Sequential m = new Sequential(new Linear(4, 4), new ReLU(), new Linear(4, 3));
        try (Scope s = Scope.open()) {
            m.requiresGrad_(false);
            Linear head = new Linear(4, 2);
            m.set(-1, head).close();
            assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
            Tensor out = m.forward(Tensor.randn(5, 4));
            out.sum().backward();
            assertTrue(m.namedParameters().get("0.weight").grad() == null);
            assertTrue(head.weight().grad() != null);
        } finally {
            m.close();
        }
    }

    @Test
    void printsLikePyTorch() {
        Sequential m = new Sequential(new Conv2d(1, 16, 3, 1, 1), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(10, 2, false), new LayerNorm(5), new Dropout(0.1), new GELU());
        try {
            assertEquals("""
                    Sequential(
                      (0): Conv2d(1, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
                      (1): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)
                      (2): ReLU()
                      (3): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)
                      (4): Flatten(start_dim=1, end_dim=-1)
                      (5): Linear(in_features=10, out_features=2, bias=False)
                      (6): LayerNorm((5,), eps=1e-05, elementwise_affine=True)
                      (7): Dropout(p=0.1, inplace=False)
                      (8): GELU(approximate='none')
                    )""", m.toString());
        } finally {
            m.close();
        }
    }

    @Test
    void parametersSurviveTheScopeTheModelWasBuiltIn() {
        Linear l;
        try (Scope s = Scope.open()) {
            l = new Linear(3, 3);
        }
        try (Scope s = Scope.open(); var g = GradMode.noGrad()) {
            assertNotEquals(0, l.weight().abs().sum().item());
        } finally {
            l.close();
        }
        assertTrue(l.weight().isReleased());
    }
}
