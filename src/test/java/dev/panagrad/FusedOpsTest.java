package dev.panagrad;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused softmax, cross-entropy, layer-norm and batch-norm ops against the composite
 * formulas they replaced, written out here in public elementwise ops and reductions (whose
 * gradients come from autograd), in float64: odd row lengths (vector tails), rows longer
 * than a softmax chunk, work above the parallel grain, strided dims and non-contiguous
 * inputs, -inf and NaN logits, ignored targets, every reduction.
 */
class FusedOpsTest {
    private static final double TOL = 1e-12;

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Generator(seed), DType.FLOAT64, shape);
    }

    private static void close(String what, Tensor expected, Tensor actual, double tol) {
        assertTrue(Arrays.equals(expected.shape(), actual.shape()), what + ": shape " + Arrays.toString(actual.shape())
                + ", expected " + Arrays.toString(expected.shape()));
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++) {
            boolean ok = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : e[i] == a[i] || Math.abs(e[i] - a[i]) <= tol * (1 + Math.abs(e[i]));
            assertTrue(ok, what + ": element " + i + " is " + a[i] + ", expected " + e[i]);
        }
    }

    private static void close(String what, Tensor expected, Tensor actual) {
        close(what, expected, actual, TOL);
    }

    /** Gradients of {@code f(inputs)} with output gradient {@code g} (inputs must require grad). */
    private static Tensor[] grads(Function<Tensor[], Tensor> f, Tensor g, Tensor... inputs) {
        Tensor out = f.apply(inputs);
        return Autograd.grad(new Tensor[] {out}, new Tensor[] {g == null ? out.onesLike() : g}, inputs, false, false, false);
    }

    // ---------------------------------------------------------------- softmax

    private static Tensor softmaxComposite(Tensor x, int dim, boolean log) {
        Tensor shifted = x.sub(x.amax(new int[] {dim}, true));
        Tensor lse = shifted.exp().sum(new int[] {dim}, true).log();
        return log ? shifted.sub(lse) : shifted.sub(lse).exp();
    }

    private static void checkSoftmax(String what, Tensor x, int dim) {
        for (boolean log : new boolean[] {false, true}) {
            String w = what + (log ? " log_softmax" : " softmax");
            Tensor leaf = x.detach().requiresGrad_();
            Tensor y = log ? leaf.logSoftmax(dim) : leaf.softmax(dim);
            close(w, softmaxComposite(x, dim, log), y);
            assertEquals(log ? "LogSoftmaxBackward0" : "SoftmaxBackward0", y.gradFn().name());
            Tensor g = randn(99, x.shape());
            Tensor gx = Autograd.grad(new Tensor[] {y}, new Tensor[] {g}, new Tensor[] {leaf}, false, false, false)[0];
            Tensor yy = y.detach();
            Tensor expected = log ? g.sub(yy.exp().mul(g.sum(new int[] {dim}, true)))
                    : yy.mul(g.sub(g.mul(yy).sum(new int[] {dim}, true)));
            close(w + " backward", expected, gx);
        }
    }

    @Test
    void softmaxMatchesTheCompositeOnTailsChunksStridesAndThreads() {
        try (Scope s = Scope.open()) {
            checkSoftmax("odd rows", randn(1, 3, 17), 1);
            checkSoftmax("short rows", randn(2, 4, 5), -1);
            checkSoftmax("rows over one chunk", randn(3, 3, 4099).mul(3.0), 1);
            checkSoftmax("rows over the grain", randn(4, 70, 600), 1);
            checkSoftmax("dim 0 (columns, partial block)", randn(5, 37, 70), 0);
            checkSoftmax("middle dim, inner 3", randn(6, 2, 5, 3), 1);
            checkSoftmax("columns over the grain", randn(7, 300, 130), 0);
            checkSoftmax("transposed input", randn(8, 33, 19).t(), 1);
            checkSoftmax("0-d", randn(9), 0);
        }
    }

    @Test
    void softmaxOfInfiniteAndNaNLogits() {
        try (Scope s = Scope.open()) {
            double ninf = Double.NEGATIVE_INFINITY;
            for (int n : new int[] {5, 40, 4100}) {
                double[] d = randn(n, 3, n).toDoubleArray();
                d[0] = ninf; // row 0: one -inf
                for (int i = n; i < 2 * n; i++) d[i] = ninf; // row 1: all -inf
                d[2 * n + n / 2] = Double.NaN; // row 2: a NaN
                Tensor x = Tensor.of(d, 3, n);
                for (boolean log : new boolean[] {false, true}) {
                    double[] y = (log ? x.logSoftmax(1) : x.softmax(1)).toDoubleArray();
                    assertEquals(log ? ninf : 0.0, y[0], "a -inf logit, n=" + n);
                    for (int i = 1; i < n; i++) assertTrue(Double.isFinite(y[i]), "row 0, n=" + n);
                    for (int i = n; i < 3 * n; i++) assertTrue(Double.isNaN(y[i]), "rows 1 and 2 are NaN, n=" + n + ", i=" + i);
                }
                // dim 0: the same rows as columns
                Tensor xt = x.t().contiguous().t();
                close("columns n=" + n, x.softmax(1).t(), x.t().contiguous().softmax(0));
                close("columns log n=" + n, x.logSoftmax(1), xt.logSoftmax(1));
            }
            // -inf chunk followed by NaN-free finite chunk; a NaN hiding among -inf logits
            double[] d = new double[5000];
            Arrays.fill(d, ninf);
            d[3000] = 1;
            assertEquals(1.0, Tensor.of(d, 1, 5000).softmax(1).toDoubleArray()[3000]);
            d[10] = Double.NaN;
            assertTrue(Double.isNaN(Tensor.of(d, 1, 5000).softmax(1).toDoubleArray()[3000]));
            assertTrue(Double.isNaN(Tensor.of(d, 1, 5000).logSoftmax(1).toDoubleArray()[3000]));
        }
    }

    @Test
    void softmaxFloat32MatchesFloat64() {
        try (Scope s = Scope.open()) {
            Tensor x = randn(11, 9, 2051).mul(4.0);
            for (int dim : new int[] {0, 1}) {
                close("softmax f32 dim " + dim, x.softmax(dim), x.to(DType.FLOAT32).softmax(dim).to(DType.FLOAT64), 2e-6);
                close("log_softmax f32 dim " + dim, x.logSoftmax(dim), x.to(DType.FLOAT32).logSoftmax(dim).to(DType.FLOAT64), 2e-6);
            }
        }
    }

    // ---------------------------------------------------------------- cross-entropy

    /** The composite cross-entropy (log-softmax, gather, masks), as NnOps built it before the fused op. */
    private static Tensor crossEntropyComposite(Tensor x, Tensor target, F.Reduction reduction, double smoothing,
                                                long ignoreIndex) {
        int classDim = x.dim() == 1 ? 0 : 1;
        int classes = x.size(classDim);
        Tensor logp = softmaxComposite(x, classDim, true);
        Tensor ignored = target.eq((double) ignoreIndex);
        Tensor safe = Tensor.where(ignored, target.zerosLike(), target);
        Tensor picked = x.dim() == 1 ? logp.gather(0, safe.reshape(1)).reshape()
                : logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        Tensor valid = ignored.logicalNot().to(x.dtype());
        Tensor loss = picked.neg().mul(valid);
        if (smoothing > 0) {
            Tensor smooth = logp.sum(new int[] {classDim}, false).neg().mul(valid).div((double) classes);
            loss = loss.mul(1 - smoothing).add(smooth.mul(smoothing));
        }
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(valid.sum());
        };
    }

    private static void checkCrossEntropy(String what, Tensor x, Tensor target, long ignoreIndex) {
        for (F.Reduction r : F.Reduction.values()) {
            for (double smoothing : new double[] {0, 0.2}) {
                String w = what + " " + r + " smoothing " + smoothing;
                Function<Tensor[], Tensor> fused = in -> F.crossEntropy(in[0], target, r, smoothing, ignoreIndex);
                Function<Tensor[], Tensor> composite = in -> crossEntropyComposite(in[0], target, r, smoothing, ignoreIndex);
                Tensor leaf = x.detach().requiresGrad_();
                Tensor loss = fused.apply(new Tensor[] {leaf});
                assertEquals("NllLossBackward0", loss.gradFn().name(), w);
                close(w, composite.apply(new Tensor[] {x}), loss);
                Tensor g = r == F.Reduction.NONE ? randn(5, target.shape()) : Tensor.scalar(DType.FLOAT64, 1.7);
                Tensor expected = grads(composite, g, x.detach().requiresGrad_())[0];
                if (r == F.Reduction.MEAN && target.ne((double) ignoreIndex).sum().item() == 0) {
                    expected = expected.zerosLike(); // the composite's 0/0 gave NaN; PyTorch's gradient is 0
                }
                close(w + " grad", expected, grads(fused, g, leaf)[0]);
            }
        }
    }

    @Test
    void crossEntropyMatchesTheCompositeForEveryReductionSmoothingAndIgnoredRows() {
        try (Scope s = Scope.open()) {
            checkCrossEntropy("odd classes", randn(1, 6, 17), Tensor.of(new long[] {0, 16, 3, -100, 7, 7}), -100);
            checkCrossEntropy("short rows", randn(2, 4, 3), Tensor.of(new long[] {2, 0, 1, 1}), -100);
            checkCrossEntropy("rows over one chunk", randn(3, 3, 5001).mul(2.0), Tensor.of(new long[] {5000, 2048, 0}), -100);
            checkCrossEntropy("custom ignore index", randn(4, 5, 33), Tensor.of(new long[] {3, 3, 32, 0, 3}), 3);
            checkCrossEntropy("one sample", randn(6, 19), Tensor.scalar(DType.INT64, 4), -100);
            checkCrossEntropy("one ignored sample", randn(7, 19), Tensor.scalar(DType.INT64, -100), -100);
            checkCrossEntropy("spatial targets (strided rows)", randn(8, 2, 21, 3, 5),
                    Tensor.randint(0, 21, 2, 3, 5), -100);
            checkCrossEntropy("non-contiguous logits", randn(9, 40, 7).t(), Tensor.of(new long[] {0, 39, 20, -100, 1, 2, 3}), -100);
            Tensor big = randn(10, 300, 130);
            checkCrossEntropy("over the grain", big, Tensor.randint(0, 130, 300), -100);
        }
    }

    @Test
    void crossEntropyEdgeCases() {
        try (Scope s = Scope.open()) {
            double ninf = Double.NEGATIVE_INFINITY;
            Tensor x = Tensor.of(new double[] {ninf, ninf, ninf, 1, ninf, 2, 3, 1, 2}, 3, 3);
            Tensor t = Tensor.of(new long[] {0, 1, 2});
            double[] none = F.crossEntropy(x, t, F.Reduction.NONE, 0).toDoubleArray();
            assertTrue(Double.isNaN(none[0]), "all -inf logits: NaN");
            assertEquals(Double.POSITIVE_INFINITY, none[1], "the target's logit is -inf");
            assertTrue(Double.isFinite(none[2]));
            // with smoothing, a -inf logit anywhere in the row makes the loss infinite (as PyTorch)
            Tensor row = Tensor.of(new double[] {1, ninf, 2}, 1, 3).requiresGrad_();
            Tensor l = F.crossEntropy(row, Tensor.of(new long[] {0}), F.Reduction.MEAN, 0.1);
            assertEquals(Double.POSITIVE_INFINITY, l.item());
            l.backward();
            double[] gr = row.grad().toDoubleArray();
            double p0 = Math.exp(1) / (Math.exp(1) + Math.exp(2)), p2 = 1 - p0;
            assertEquals(p0 - 0.9 - 0.1 / 3, gr[0], 1e-12);
            assertEquals(-0.1 / 3, gr[1], 1e-12);
            assertEquals(p2 - 0.1 / 3, gr[2], 1e-12);
            // every target ignored: mean is NaN, the gradient zero
            Tensor y = randn(3, 2, 4).requiresGrad_();
            Tensor m = F.crossEntropy(y, Tensor.of(new long[] {-100, -100}));
            assertTrue(Double.isNaN(m.item()));
            m.backward();
            for (double v : y.grad().toDoubleArray()) assertEquals(0.0, v);
            // float32 agrees with float64
            Tensor z = randn(4, 7, 1001).mul(3.0);
            Tensor tz = Tensor.randint(0, 1001, 7);
            close("float32", F.crossEntropy(z, tz, F.Reduction.NONE, 0.1),
                    F.crossEntropy(z.to(DType.FLOAT32), tz, F.Reduction.NONE, 0.1).to(DType.FLOAT64), 2e-6);
        }
    }

    // ---------------------------------------------------------------- layer norm

    private static void checkLayerNorm(String what, Tensor x, int[] normalizedShape, boolean weight, boolean bias) {
        Tensor w = weight ? randn(21, normalizedShape) : null, b = bias ? randn(22, normalizedShape) : null;
        Tensor[] in = weight && bias ? new Tensor[] {x, w, b} : weight ? new Tensor[] {x, w} : bias ? new Tensor[] {x, b}
                : new Tensor[] {x};
        Function<Tensor[], Tensor> fused = t -> F.layerNorm(t[0], normalizedShape, weight ? t[1] : null,
                bias ? t[weight ? 2 : 1] : null, 1e-5);
        Function<Tensor[], Tensor> composite = t -> NormOps.layerNormComposite(t[0], normalizedShape, weight ? t[1] : null,
                bias ? t[weight ? 2 : 1] : null, 1e-5);
        Tensor[] leaves = new Tensor[in.length], leaves2 = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            leaves[i] = in[i].detach().requiresGrad_();
            leaves2[i] = in[i].detach().requiresGrad_();
        }
        Tensor y = fused.apply(leaves);
        assertEquals("NativeLayerNormBackward0", y.gradFn().name(), what);
        close(what, composite.apply(in), y, 1e-10);
        Tensor g = randn(23, x.shape());
        Tensor[] ge = grads(composite, g, leaves2), ga = grads(fused, g, leaves);
        for (int i = 0; i < in.length; i++) close(what + " grad " + i, ge[i], ga[i], 1e-9);
    }

    @Test
    void layerNormMatchesTheComposite() {
        try (Scope s = Scope.open()) {
            checkLayerNorm("odd rows", randn(1, 4, 1029), new int[] {1029}, true, true);
            checkLayerNorm("two normalized dims", randn(2, 3, 2, 17), new int[] {2, 17}, true, true);
            checkLayerNorm("no affine", randn(3, 5, 7), new int[] {7}, false, false);
            checkLayerNorm("weight only", randn(4, 5, 33), new int[] {33}, true, false);
            checkLayerNorm("bias only", randn(5, 5, 33), new int[] {33}, false, true);
            checkLayerNorm("over the grain", randn(6, 100, 600), new int[] {600}, true, true);
            checkLayerNorm("many short rows (dweight over blocks)", randn(7, 3000, 20).add(5.0), new int[] {20}, true, true);
            checkLayerNorm("transposed input", randn(8, 9, 6).t(), new int[] {9}, true, true);
            checkLayerNorm("whole tensor", randn(9, 3, 4), new int[] {3, 4}, true, true);
        }
    }

    @Test
    void layerNormWithMixedDtypesKeepsTheCompositeResult() {
        try (Scope s = Scope.open()) {
            Tensor x = randn(1, 3, 5).to(DType.FLOAT32);
            Tensor w = randn(2, 5);
            Tensor y = F.layerNorm(x, new int[] {5}, w, null);
            assertEquals(DType.FLOAT64, y.dtype());
            close("mixed", NormOps.layerNormComposite(x, new int[] {5}, w, null, 1e-5), y);
        }
    }

    // ---------------------------------------------------------------- batch norm

    private static void checkBatchNorm(String what, Tensor x, boolean affine, boolean training, boolean running) {
        int c = x.size(1);
        Tensor w = affine ? randn(31, c) : null, b = affine ? randn(32, c) : null;
        Tensor rm1 = running ? randn(33, c) : null, rv1 = running ? randn(34, c).abs().add(0.5) : null;
        Tensor rm2 = running ? rm1.clone() : null, rv2 = running ? rv1.clone() : null;
        Tensor[] in = affine ? new Tensor[] {x, w, b} : new Tensor[] {x};
        Function<Tensor[], Tensor> fused = t -> F.batchNorm(t[0], rm1, rv1, affine ? t[1] : null, affine ? t[2] : null,
                training, 0.1, 1e-5);
        Function<Tensor[], Tensor> composite = t -> NormOps.batchNormComposite(t[0], rm2, rv2, affine ? t[1] : null,
                affine ? t[2] : null, training, 0.1, 1e-5);
        Tensor[] leaves = new Tensor[in.length], leaves2 = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            leaves[i] = in[i].detach().requiresGrad_();
            leaves2[i] = in[i].detach().requiresGrad_();
        }
        Tensor g = randn(35, x.shape());
        Tensor y = fused.apply(leaves), ye = composite.apply(leaves2);
        assertEquals("NativeBatchNormBackward0", y.gradFn().name(), what);
        close(what, ye, y, 1e-10);
        if (running) {
            close(what + " running mean", rm2, rm1);
            close(what + " running var", rv2, rv1);
        }
        Tensor[] ga = Autograd.grad(new Tensor[] {y}, new Tensor[] {g}, leaves, false, false, false);
        Tensor[] ge = Autograd.grad(new Tensor[] {ye}, new Tensor[] {g}, leaves2, false, false, false);
        for (int i = 0; i < in.length; i++) close(what + " grad " + i, ge[i], ga[i], 1e-9);
    }

    @Test
    void batchNormMatchesTheComposite() {
        try (Scope s = Scope.open()) {
            for (boolean training : new boolean[] {true, false}) {
                String m = training ? " train" : " eval";
                checkBatchNorm("planes" + m, randn(1, 4, 3, 5, 7), true, training, true);
                checkBatchNorm("narrow planes" + m, randn(2, 8, 3, 5), true, training, true);
                checkBatchNorm("[N, C]" + m, randn(3, 16, 6).add(3.0), true, training, true);
                checkBatchNorm("no affine" + m, randn(4, 5, 2, 40), false, training, true);
                checkBatchNorm("over the grain" + m, randn(5, 16, 4, 33, 33), true, training, true);
                checkBatchNorm("non-contiguous" + m, randn(6, 6, 4, 9, 5).transpose(2, 3), true, training, true);
            }
            checkBatchNorm("no running stats", randn(7, 4, 3, 6, 6), true, true, false);
            checkBatchNorm("no running stats, eval", randn(8, 4, 3, 6, 6), true, false, false);
        }
    }

    /** The createGraph path (differentiable composite formulas) gives the fused backward's gradients. */
    @Test
    void createGraphGradientsEqualTheFusedOnes() {
        try (Scope s = Scope.open()) {
            Tensor t = Tensor.of(new long[] {1, -100, 3, 0, 4});
            Tensor rm = randn(1, 3), rv = randn(2, 3).abs().add(0.5);
            java.util.Map<String, Function<Tensor[], Tensor>> ops = new java.util.LinkedHashMap<>();
            ops.put("softmax", in -> in[0].softmax(1));
            ops.put("log_softmax dim 0", in -> in[0].logSoftmax(0));
            ops.put("cross entropy", in -> F.crossEntropy(in[0], t, F.Reduction.MEAN, 0.2));
            ops.put("cross entropy none", in -> F.crossEntropy(in[0], t, F.Reduction.NONE, 0.0));
            ops.put("cross entropy sum", in -> F.crossEntropy(in[0], Tensor.of(new long[] {1, 3, 3, 0, 4}), F.Reduction.SUM, 0.1, 3));
            ops.put("layer norm", in -> F.layerNorm(in[0], new int[] {7}, null, null));
            ops.put("layer norm affine", in -> F.layerNorm(in[0], new int[] {7}, in[1].select(0, 0), in[1].select(0, 1)));
            ops.put("batch norm train", in -> F.batchNorm(in[0].reshape(5, 7, 1).narrow(1, 0, 3), null, null,
                    in[1].select(0, 0).narrow(0, 0, 3), null, true, 0.1, 1e-5));
            ops.put("batch norm eval", in -> F.batchNorm(in[0].reshape(5, 7, 1).narrow(1, 0, 3), rm, rv,
                    in[1].select(0, 0).narrow(0, 0, 3), in[1].select(0, 1).narrow(0, 0, 3), false, 0.1, 1e-5));
            for (var e : ops.entrySet()) {
                Tensor[] in = {randn(3, 5, 7).requiresGrad_(), randn(4, 5, 7).requiresGrad_()};
                Tensor out = e.getValue().apply(in);
                Tensor g = randn(5, out.shape());
                Tensor[] fused = Autograd.grad(new Tensor[] {out}, new Tensor[] {g}, in, true, false, true);
                Tensor[] composite = Autograd.grad(new Tensor[] {out}, new Tensor[] {g}, in, true, true, true);
                for (int i = 0; i < in.length; i++) {
                    if (fused[i] == null) continue;
                    close(e.getKey() + " input " + i, fused[i].detach(), composite[i].detach(), 1e-10);
                }
            }
        }
    }

    /** Forward and backward of every fused op leave nothing allocated once their results are closed. */
    @Test
    void fusedOpsReleaseEverything() {
        long before = Memory.stats().liveBytes();
        try (Scope s = Scope.open()) {
            Tensor leaf = randn(1, 6, 3, 5, 5).requiresGrad_(), x = leaf.transpose(2, 3);
            Tensor w = randn(2, 3).requiresGrad_(), rm = Tensor.zeros(DType.FLOAT64, 3), rv = Tensor.ones(DType.FLOAT64, 3);
            Tensor flat = x.reshape(6, 75);
            Tensor loss = F.crossEntropy(flat, Tensor.randint(0, 75, 6), F.Reduction.MEAN, 0.1)
                    .add(flat.logSoftmax(0).sum())
                    .add(F.layerNorm(flat, new int[] {75}, null, null).square().sum())
                    .add(F.batchNorm(x, rm, rv, w, null, true, 0.1, 1e-5).square().sum())
                    .add(F.batchNorm(x, rm, rv, w, null, false, 0.1, 1e-5).square().sum());
            loss.backward();
            Tensor[] second = Autograd.grad(new Tensor[] {F.crossEntropy(flat, Tensor.randint(0, 75, 6))},
                    null, new Tensor[] {leaf}, false, true, false);
            second[0].sum().backward();
        }
        assertEquals(before, Memory.stats().liveBytes(), "nothing is left behind");
        try (var g = GradMode.noGrad()) {
            Tensor x = randn(3, 4, 9), y = F.layerNorm(x, new int[] {9}, null, null);
            Tensor x2 = x.reshape(4, 9), t = Tensor.of(new long[] {1, 2, 3, 4}), z = F.crossEntropy(x2, t);
            Tensor b = F.batchNorm(x, null, null, null, null, true, 0.1, 1e-5), p = x.softmax(0);
            for (Tensor u : new Tensor[] {x, y, x2, t, z, b, p}) u.close();
        }
        assertEquals(before, Memory.stats().liveBytes(), "nothing is left behind without a scope");
    }

    @Test
    void batchNormFloat32MatchesFloat64() {
        try (Scope s = Scope.open()) {
            Tensor x = randn(1, 8, 5, 9, 11).mul(2.0).add(3.0);
            Tensor w = randn(2, 5), b = randn(3, 5);
            close("f32", F.batchNorm(x, null, null, w, b, true, 0.1, 1e-5),
                    F.batchNorm(x.to(DType.FLOAT32), null, null, w.to(DType.FLOAT32), b.to(DType.FLOAT32), true, 0.1, 1e-5)
                            .to(DType.FLOAT64), 2e-5);
        }
    }
}
