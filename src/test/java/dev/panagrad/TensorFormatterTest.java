package dev.panagrad;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code toString()} against PyTorch's own printing. Every expected string below was printed
 * by {@code repr(t)} in PyTorch 1.13 (Debian's python3-torch) for the same tensor, e.g.
 * {@code python3 -c "import torch; print(repr(torch.tensor([[1.,2.],[3.,4.]])))"}.
 */
class TensorFormatterTest {
    private static float[] arangeF(int n, float div) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = i / div;
        return a;
    }

    @Test
    void integerValuedFloatsPrintWithATrailingPointAndAlignedRows() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([[1., 2.],\n        [3., 4.]])", Tensor.of(new float[] {1, 2, 3, 4}, 2, 2).toString());
            assertEquals("tensor([[[ 0.,  1.,  2.],\n"
                    + "         [ 3.,  4.,  5.]],\n"
                    + "\n"
                    + "        [[ 6.,  7.,  8.],\n"
                    + "         [ 9., 10., 11.]]])", Tensor.arange(DType.FLOAT32, 0, 12, 1).reshape(2, 2, 3).toString());
        }
    }

    @Test
    void fractionsUseFourDecimalsAndPadToOneWidth() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([ 1.5000, -2.2500,  3.1250])", Tensor.of(new float[] {1.5f, -2.25f, 3.125f}).toString());
            assertEquals("tensor([0.5000, 2.0000], dtype=torch.float64)", Tensor.of(new double[] {0.5, 2.0}).toString());
            assertEquals("tensor(3.5000)", Tensor.scalar(3.5).toString());
        }
    }

    @Test
    void scientificNotationWhenTheRangeIsWideOrValuesAreTiny() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([1.0000e-05, 1.0000e+00, 1.0000e+02])",
                    Tensor.of(new float[] {1e-5f, 1f, 100f}).toString());
            assertEquals("tensor([1.0000e+09, 1.0000e+00])", Tensor.of(new float[] {1e9f, 1f}).toString());
            assertEquals("tensor([1.0000e+00, 1.0000e+04])", Tensor.of(new float[] {1f, 10000f}).toString());
            assertEquals("tensor([[-1.0000e+00,  5.0000e-01],\n        [ 1.0025e+02, -1.0000e-03]])",
                    Tensor.of(new float[] {-1f, 0.5f, 100.25f, -0.001f}, 2, 2).toString());
        }
    }

    @Test
    void nanAndInfinitiesPrintAsPythonDoes() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1.5f});
            assertEquals("tensor([   nan,    inf,   -inf, 1.5000])", t.toString());
        }
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(arangeF(20, 3f), 1, 20);
            assertEquals("tensor([[0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n"
                    + "         3.0000, 3.3333, 3.6667, 4.0000, 4.3333, 4.6667, 5.0000, 5.3333, 5.6667,\n"
                    + "         6.0000, 6.3333]])", t.toString());
        }
    }

    @Test
    void largeTensorsAreSummarisedWithEllipses() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                    + "        1.9990e+03])", Tensor.of(arangeF(2000, 1f)).toString());
            String expected = "tensor([[0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 3.8571e+00, 4.0000e+00,\n"
                    + "         4.1429e+00],\n"
                    + "        [4.2857e+00, 4.4286e+00, 4.5714e+00,  ..., 8.1429e+00, 8.2857e+00,\n"
                    + "         8.4286e+00],\n"
                    + "        [8.5714e+00, 8.7143e+00, 8.8571e+00,  ..., 1.2429e+01, 1.2571e+01,\n"
                    + "         1.2714e+01],\n"
                    + "        ...,\n"
                    + "        [1.5857e+02, 1.5871e+02, 1.5886e+02,  ..., 1.6243e+02, 1.6257e+02,\n"
                    + "         1.6271e+02],\n"
                    + "        [1.6286e+02, 1.6300e+02, 1.6314e+02,  ..., 1.6671e+02, 1.6686e+02,\n"
                    + "         1.6700e+02],\n"
                    + "        [1.6714e+02, 1.6729e+02, 1.6743e+02,  ..., 1.7100e+02, 1.7114e+02,\n"
                    + "         1.7129e+02]])";
            assertEquals(expected, Tensor.of(arangeF(1200, 7f), 40, 30).toString());
        }
    }

    @Test
    void int64PrintsPlainIntegersAndSummarises() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([  1, -20, 300])", Tensor.of(new long[] {1, -20, 300}).toString());
            assertEquals("tensor(2)", Tensor.scalar(DType.INT64, 2).toString());
            String expected = "tensor([[   0,    1,    2,  ...,   97,   98,   99],\n"
                    + "        [ 100,  101,  102,  ...,  197,  198,  199],\n"
                    + "        [ 200,  201,  202,  ...,  297,  298,  299],\n"
                    + "        ...,\n"
                    + "        [2700, 2701, 2702,  ..., 2797, 2798, 2799],\n"
                    + "        [2800, 2801, 2802,  ..., 2897, 2898, 2899],\n"
                    + "        [2900, 2901, 2902,  ..., 2997, 2998, 2999]])";
            assertEquals(expected, Tensor.arange(3000).reshape(30, 100).toString());
        }
    }

    @Test
    void boolPrintsTrueAndFalseRightAligned() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([ True, False,  True])", Tensor.of(new boolean[] {true, false, true}).toString());
            assertEquals("tensor([[ True, False],\n        [False,  True]])",
                    Tensor.of(new boolean[] {true, false, false, true}, 2, 2).toString());
            assertEquals("tensor(True)", Tensor.scalar(DType.BOOL, 1).toString());
        }
    }

    @Test
    void emptyTensorsShowTheirSizeAndDtype() {
        try (Scope s = Scope.open()) {
            assertEquals("tensor([])", Tensor.zeros(0).toString());
            assertEquals("tensor([], size=(0, 3))", Tensor.zeros(0, 3).toString());
            assertEquals("tensor([], dtype=torch.int64)", Tensor.zeros(DType.INT64, 0).toString());
        }
    }

    @Test
    void stridedViewsPrintTheirLogicalOrder() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.arange(DType.FLOAT32, 0, 6, 1).reshape(2, 3).t();
            assertEquals("tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])", t.toString());
        }
    }

    @Test
    void gradFnAndRequiresGradSuffixes() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad_();
            assertEquals("tensor([1., 2.], requires_grad=True)", x.toString());
            assertEquals("tensor([2., 4.], grad_fn=<AddBackward0>)", x.add(x).toString());
            assertEquals("tensor([2., 4.], grad_fn=<MulBackward0>)", x.mul(2.0).toString());
            assertEquals("tensor(3., grad_fn=<SumBackward0>)", x.sum().toString());
            Tensor d = Tensor.of(new double[] {1, 2}).requiresGrad_();
            assertEquals("tensor([2.7183, 7.3891], dtype=torch.float64, grad_fn=<ExpBackward0>)", d.exp().toString());
        }
    }

    /** Node names as PyTorch prints them for the same Python expression (noted beside each). */
    @Test
    void gradFnNamesAreThoseOfPyTorch() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2}).requiresGrad_();
            String[][] cases = {
                    {"MulBackward0", name(x.mul(2.0))},            // x * 2
                    {"AddBackward0", name(x.add(1.0))},            // x + 1
                    {"SubBackward0", name(x.sub(1.0))},            // x - 1
                    {"DivBackward0", name(x.div(2.0))},            // x / 2
                    {"MulBackward0", name(x.rdiv(2.0))},           // 2 / x
                    {"RsubBackward1", name(x.rsub(1.0))},          // 1 - x
                    {"PowBackward0", name(x.pow(3.0))},            // x ** 3
                    {"PowBackward0", name(x.square())},            // x.square()
                    {"ClampBackward1", name(x.clamp(0, 1))},       // x.clamp(0, 1)
                    {"ViewBackward0", name(x.view(2, 1))},         // x.view(2, 1)
                    {"TBackward0", name(x.t())},                   // x.t()
                    {"SelectBackward0", name(x.select(0, 0))},     // x[0]
                    {"SliceBackward0", name(x.slice(0, 1, 2, 1))}, // x[1:]
                    {"UnsqueezeBackward0", name(x.unsqueeze(0))},  // x.unsqueeze(0)
                    {"ExpandBackward0", name(x.expand(2, 2))},     // x.expand(2, 2)
                    {"CloneBackward0", name(x.clone())},           // x.clone()
                    {"ToCopyBackward0", name(x.to(DType.FLOAT64))},// x.to(torch.float64)
                    {"MeanBackward0", name(x.mean())},             // x.mean()
                    {"SumBackward1", name(x.sum(0))},              // x.sum(0)
                    {"AmaxBackward0", name(x.amax())},             // x.amax()
                    {"MaxBackward1", name(x.max())},               // x.max()
                    {"NormBackward1", name(x.norm())},             // x.norm()
                    {"SoftmaxBackward0", name(x.softmax(0))},      // x.softmax(0)
                    {"LogSoftmaxBackward0", name(x.logSoftmax(0))},// x.log_softmax(0)
                    {"AddBackward0", name(x.clone().add_(1.0))},   // y = x.clone(); y.add_(1)
                    {"MulBackward0", name(x.clone().mul_(2.0))},   // y.mul_(2)
                    {"SubBackward0", name(x.clone().sub_(1.0))},   // y.sub_(1)
                    {"DivBackward0", name(x.clone().div_(2.0))},   // y.div_(2)
                    {"MulBackward0", name(x.clone().mul_(x))},     // y.mul_(x)
                    {"ZeroBackward0", name(x.clone().zero_())},    // y.zero_()
                    {"ReluBackward0", name(x.clone().relu_())},    // y.relu_()
                    {"ClampBackward1", name(x.clone().clamp_(0, 1))}, // y.clamp_(0, 1)
                    {"CopyBackwards", name(x.clone().copy_(x))},   // y.copy_(x)
            };
            for (String[] c : cases) assertEquals(c[0], c[1]);
        }
    }

    private static String name(Tensor t) {
        return t.gradFn().name();
    }

    @Test
    void aReleasedTensorPrintsWithoutTouchingItsMemory() {
        Tensor t;
        try (Scope s = Scope.open()) {
            t = Tensor.ones(2, 3);
        }
        String str = t.toString();
        assertTrue(str.contains("released") && str.contains("[2, 3]"), str);
    }
}
