package dev.panagrad;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every differentiable op checked against float64 central differences ({@link Gradcheck}),
 * on seeded random inputs with broadcasting and non-contiguous layouts, and the second
 * derivatives (createGraph) of the elementwise ops, reductions, matmul, and of the fused
 * softmax, cross-entropy and normalisation ops (whose createGraph path is a separate
 * composite formula).
 */
class GradcheckOpsTest {
    /** A named case: inputs are made fresh (seeded) for each run. */
    record Case(String name, Function<Tensor[], Tensor> fn, int[]... shapes) {
    }

    static Tensor[] inputs(Case c, long seed) {
        Generator gen = new Generator(seed);
        Tensor[] in = new Tensor[c.shapes().length];
        for (int i = 0; i < in.length; i++) in[i] = Tensor.randn(gen, DType.FLOAT64, c.shapes()[i]).requiresGrad_();
        return in;
    }

    static int[] s(int... d) {
        return d;
    }

    /** Keeps values away from a kink or singularity at 0 (|x| >= 0.3, sign kept). */
    static Tensor away(Tensor x) {
        return x.add(x.sign().mul(0.3));
    }

    static Tensor positive(Tensor x) {
        return x.abs().add(0.5);
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        // elementwise, unary
        c.add(new Case("neg", in -> in[0].neg(), s(3, 4)));
        c.add(new Case("exp", in -> in[0].exp(), s(3, 4)));
        c.add(new Case("log", in -> positive(in[0]).log(), s(3, 4)));
        c.add(new Case("sqrt", in -> positive(in[0]).sqrt(), s(3, 4)));
        c.add(new Case("rsqrt", in -> positive(in[0]).rsqrt(), s(3, 4)));
        c.add(new Case("abs", in -> away(in[0]).abs(), s(3, 4)));
        c.add(new Case("sin", in -> in[0].sin(), s(5)));
        c.add(new Case("cos", in -> in[0].cos(), s(5)));
        c.add(new Case("tanh", in -> in[0].tanh(), s(2, 3, 4)));
        c.add(new Case("sigmoid", in -> in[0].sigmoid(), s(2, 3)));
        c.add(new Case("relu", in -> away(in[0]).relu(), s(3, 4)));
        c.add(new Case("gelu", in -> in[0].gelu(), s(3, 4)));
        c.add(new Case("silu", in -> in[0].silu(), s(3, 4)));
        c.add(new Case("reciprocal", in -> away(in[0]).reciprocal(), s(3, 4)));
        c.add(new Case("square", in -> in[0].square(), s(3, 4)));
        c.add(new Case("erf", in -> in[0].erf(), s(3, 4)));
        c.add(new Case("clamp", in -> in[0].mul(3).clamp(-1.05, 1.1), s(4, 5)));
        c.add(new Case("pow scalar", in -> positive(in[0]).pow(2.5), s(3, 4)));
        c.add(new Case("pow int", in -> in[0].pow(3L), s(3, 4)));
        c.add(new Case("non-contiguous tanh", in -> in[0].t().tanh(), s(3, 4)));
        // elementwise, binary with broadcasting
        c.add(new Case("add broadcast", in -> in[0].add(in[1]), s(3, 4), s(4)));
        c.add(new Case("sub broadcast", in -> in[0].sub(in[1]), s(3, 1), s(1, 4)));
        c.add(new Case("mul broadcast", in -> in[0].mul(in[1]), s(2, 3, 4), s(3, 1)));
        c.add(new Case("div broadcast", in -> in[0].div(away(in[1])), s(3, 4), s(4)));
        c.add(new Case("pow tensor", in -> positive(in[0]).pow(in[1]), s(3, 4), s(4)));
        c.add(new Case("maximum", in -> in[0].maximum(in[1].add(0.05)), s(3, 4), s(3, 4)));
        c.add(new Case("minimum", in -> in[0].minimum(in[1].add(0.05)), s(3, 4), s(4)));
        c.add(new Case("where", in -> Tensor.where(in[0].gt(0.0), in[0], in[1]), s(3, 4), s(4)));
        c.add(new Case("add alpha", in -> in[0].add(in[1], 2.5), s(3, 4), s(3, 4)));
        c.add(new Case("non-contiguous mul", in -> in[0].t().mul(in[1]), s(4, 3), s(4)));
        c.add(new Case("scalar ops", in -> in[0].add(1.5).mul(0.7).sub(0.2).div(1.3).rsub(2.0), s(3, 4)));
        c.add(new Case("rdiv", in -> away(in[0]).rdiv(2.0), s(3, 4)));
        // reductions
        c.add(new Case("sum all", in -> in[0].sum(), s(3, 4)));
        c.add(new Case("sum dims keepdim", in -> in[0].sum(new int[] {0, 2}, true), s(2, 3, 4)));
        c.add(new Case("mean dim", in -> in[0].mean(1, false), s(2, 3, 4)));
        c.add(new Case("amax", in -> in[0].amax(1, false), s(3, 5)));
        c.add(new Case("amin keepdim", in -> in[0].amin(new int[] {0}, true), s(3, 5)));
        c.add(new Case("max dim", in -> in[0].max(1).values(), s(3, 5)));
        c.add(new Case("min dim keepdim", in -> in[0].min(0, true).values(), s(3, 5)));
        c.add(new Case("max all", in -> in[0].max(), s(3, 5)));
        c.add(new Case("var", in -> in[0].var(1, true, false), s(3, 5)));
        c.add(new Case("std biased", in -> in[0].std(new int[] {0, 1}, false, true), s(3, 5)));
        c.add(new Case("logsumexp", in -> in[0].logsumexp(1, false), s(3, 5)));
        c.add(new Case("norm 2", in -> in[0].norm(), s(3, 5)));
        c.add(new Case("norm 1 dim", in -> away(in[0]).norm(1, new int[] {1}, false), s(3, 5)));
        c.add(new Case("norm 3", in -> in[0].norm(3, new int[] {0}, true), s(3, 5)));
        c.add(new Case("norm inf", in -> in[0].norm(Double.POSITIVE_INFINITY), s(3, 5)));
        // linear algebra
        c.add(new Case("mm", in -> in[0].mm(in[1]), s(3, 4), s(4, 2)));
        c.add(new Case("mm transposed", in -> in[0].t().mm(in[1].t()), s(4, 3), s(2, 4)));
        c.add(new Case("bmm", in -> in[0].bmm(in[1]), s(2, 3, 4), s(2, 4, 2)));
        c.add(new Case("matmul dot", in -> in[0].matmul(in[1]), s(4), s(4)));
        c.add(new Case("matmul mv", in -> in[0].matmul(in[1]), s(3, 4), s(4)));
        c.add(new Case("matmul vm", in -> in[0].matmul(in[1]), s(4), s(4, 3)));
        c.add(new Case("matmul broadcast batch", in -> in[0].matmul(in[1]), s(2, 1, 3, 4), s(3, 4, 2)));
        // views and indexing
        c.add(new Case("view", in -> in[0].view(4, 3).mul(in[0].view(4, 3)), s(3, 4)));
        c.add(new Case("reshape copy", in -> in[0].t().reshape(-1).exp(), s(3, 4)));
        c.add(new Case("permute", in -> in[0].permute(2, 0, 1).tanh(), s(2, 3, 4)));
        c.add(new Case("squeeze unsqueeze", in -> in[0].unsqueeze(0).squeeze(2).exp(), s(3, 1, 4)));
        c.add(new Case("expand", in -> in[0].expand(3, 4).mul(in[1]), s(1, 4), s(3, 4)));
        c.add(new Case("narrow", in -> in[0].narrow(1, 1, 2).exp(), s(3, 4)));
        c.add(new Case("slice step", in -> in[0].slice(1, 0, 5, 2).square(), s(3, 5)));
        c.add(new Case("select", in -> in[0].select(0, 1).exp(), s(3, 4)));
        c.add(new Case("flatten", in -> in[0].flatten().sin(), s(2, 3, 2)));
        c.add(new Case("index repeated", in -> in[0].index(Index.tensor(Tensor.of(new long[] {0, 2, 0}))).exp(), s(3, 4)));
        c.add(new Case("index slice", in -> in[0].index(Index.slice(1, null), Index.at(-1)).exp(), s(3, 4)));
        c.add(new Case("index select repeated", in -> in[0].indexSelect(1, Tensor.of(new long[] {3, 3, 1})).exp(), s(2, 4)));
        c.add(new Case("gather", in -> in[0].gather(1, Tensor.of(new long[] {0, 0, 2, 1, 2, 2}, 2, 3)).exp(), s(2, 3)));
        c.add(new Case("cat", in -> Tensor.cat(List.of(in[0], in[1].exp()), 1), s(2, 3), s(2, 2)));
        c.add(new Case("stack", in -> Tensor.stack(List.of(in[0], in[1].tanh()), 0), s(2, 3), s(2, 3)));
        c.add(new Case("softmax", in -> in[0].softmax(1), s(3, 4)));
        c.add(new Case("log_softmax dim 0", in -> in[0].logSoftmax(0), s(3, 4)));
        c.add(new Case("softmax middle dim", in -> in[0].softmax(1), s(2, 3, 4)));
        c.add(new Case("log_softmax long rows", in -> in[0].logSoftmax(1), s(2, 21)));
        c.add(new Case("clone contiguous", in -> in[0].t().contiguous().clone().exp(), s(3, 4)));
        c.add(new Case("to float64 and back", in -> in[0].to(DType.FLOAT64).mul(2.0), s(3)));
        // in place, including on a view (the base's graph is rewritten)
        c.add(new Case("in-place chain", in -> in[0].clone().mul_(in[1]).add_(in[1], 0.5).div_(positive(in[1])), s(3, 4), s(4)));
        c.add(new Case("in-place on a view", in -> {
            Tensor base = in[0].clone();
            base.narrow(0, 1, 1).mul_(in[1]);
            return base.exp();
        }, s(3, 4), s(1, 4)));
        c.add(new Case("relu_ and clamp_", in -> in[0].mul(2).relu_().mul(1.5).clamp_(-1, 0.9), s(4, 5)));
        // nn
        c.add(new Case("linear", in -> F.linear(in[0], in[1], in[2]), s(5, 3), s(4, 3), s(4)));
        c.add(new Case("linear 3d", in -> F.linear(in[0], in[1], null), s(2, 5, 3), s(4, 3)));
        c.add(new Case("mse", in -> F.mseLoss(in[0], in[1]), s(3, 4), s(3, 4)));
        c.add(new Case("cross entropy", in -> F.crossEntropy(in[0], Tensor.of(new long[] {1, 0, 3})), s(3, 4)));
        c.add(new Case("cross entropy smoothed sum", in -> F.crossEntropy(in[0], Tensor.of(new long[] {1, 0, 3}),
                F.Reduction.SUM, 0.2), s(3, 4)));
        c.add(new Case("cross entropy probabilities", in -> F.crossEntropy(in[0], in[1].softmax(1)), s(3, 4), s(3, 4)));
        c.add(new Case("cross entropy ignore index", in -> F.crossEntropy(in[0], Tensor.of(new long[] {1, -100, 3, 0}),
                F.Reduction.MEAN, 0.0), s(4, 5)));
        c.add(new Case("cross entropy none smoothed ignored", in -> F.crossEntropy(in[0], Tensor.of(new long[] {2, 0, 2}),
                F.Reduction.NONE, 0.3, 2), s(3, 4)));
        c.add(new Case("cross entropy spatial", in -> F.crossEntropy(in[0], Tensor.of(new long[] {0, 3, 1, 2, 2, 0}, 2, 3),
                F.Reduction.SUM, 0.1), s(2, 4, 3)));
        c.add(new Case("cross entropy one sample", in -> F.crossEntropy(in[0], Tensor.scalar(DType.INT64, 3)), s(5)));
        c.add(new Case("nll", in -> F.nllLoss(in[0].logSoftmax(1), Tensor.of(new long[] {2, 2, 0})), s(3, 4)));
        c.add(new Case("embedding", in -> F.embedding(Tensor.of(new long[] {1, 3, 1, 0}, 2, 2), in[0]).exp(), s(4, 3)));
        c.add(new Case("conv2d", in -> F.conv2d(in[0], in[1], in[2], new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2),
                s(2, 4, 6, 5), s(4, 2, 3, 2), s(4)));
        c.add(new Case("max pool", in -> F.maxPool2d(in[0], new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1},
                new int[] {1, 1}, false), s(2, 2, 5, 6)));
        c.add(new Case("avg pool", in -> F.avgPool2d(in[0], new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, true, false),
                s(1, 2, 5, 6)));
        c.add(new Case("adaptive avg pool", in -> F.adaptiveAvgPool2d(in[0], 2, 3), s(2, 2, 5, 7)));
        c.add(new Case("layer norm", in -> F.layerNorm(in[0], new int[] {4}, in[1], in[2]), s(3, 4), s(4), s(4)));
        c.add(new Case("layer norm no affine", in -> F.layerNorm(in[0], new int[] {5}, null, null), s(3, 5)));
        c.add(new Case("layer norm two dims", in -> F.layerNorm(in[0], new int[] {2, 3}, in[1], in[2]), s(2, 2, 3),
                s(2, 3), s(2, 3)));
        c.add(new Case("batch norm training", in -> F.batchNorm(in[0], null, null, in[1], in[2], true, 0.1, 1e-5),
                s(4, 3, 2, 2), s(3), s(3)));
        c.add(new Case("batch norm training [N, C] no affine", in -> F.batchNorm(in[0], null, null, null, null, true, 0.1,
                1e-5), s(5, 3)));
        c.add(new Case("batch norm eval", in -> F.batchNorm(in[0], Tensor.of(new double[] {0.1, -0.3, 0.2}),
                Tensor.of(new double[] {0.5, 1.5, 2.0}), in[1], in[2], false, 0.1, 1e-5), s(4, 3, 2), s(3), s(3)));
        c.add(new Case("bce with logits", in -> F.binaryCrossEntropyWithLogits(in[0], in[1].sigmoid()), s(3, 4), s(3, 4)));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> firstDerivatives() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (Scope s = Scope.open()) {
                Gradcheck.check(c.fn(), inputs(c, c.name().hashCode()));
            }
        }));
    }

    /** Second derivatives: the gradient built with createGraph is itself checked against finite differences. */
    @TestFactory
    Stream<DynamicTest> secondDerivatives() {
        List<Case> c = new ArrayList<>();
        for (Case k : cases()) {
            switch (k.name()) {
                case "exp", "log", "sqrt", "rsqrt", "sin", "cos", "tanh", "sigmoid", "gelu", "silu", "reciprocal", "square",
                     "erf", "pow scalar", "mul broadcast", "div broadcast", "pow tensor", "sum dims keepdim", "mean dim",
                     "var", "logsumexp", "norm 2", "softmax", "log_softmax dim 0", "mm", "bmm", "matmul broadcast batch",
                     "linear", "cross entropy", "cross entropy smoothed sum", "cross entropy ignore index",
                     "cross entropy none smoothed ignored", "cross entropy spatial", "softmax middle dim",
                     "log_softmax long rows", "layer norm", "layer norm no affine", "layer norm two dims",
                     "batch norm training", "batch norm training [N, C] no affine", "batch norm eval" -> c.add(k);
                default -> { }
            }
        }
        return c.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            try (Scope s = Scope.open()) {
                Tensor[] in = inputs(k, k.name().hashCode() + 1);
                Tensor v;
                try (Scope t = Scope.open()) {
                    v = t.keep(Tensor.randn(new Generator(7), DType.FLOAT64, k.fn().apply(in).shape()));
                }
                // g(x) = sum over inputs of <d f(x) . v / d x_i, w_i>, differentiable because of createGraph
                // (Gradcheck evaluates under noGrad for the finite differences; the inner gradient needs a graph.)
                Function<Tensor[], Tensor> grad = x -> {
                    try (var on = GradMode.enableGrad()) {
                        Tensor out = k.fn().apply(x);
                        Tensor[] g = Autograd.grad(new Tensor[] {out}, new Tensor[] {v}, x, true, true, true);
                        Tensor total = null;
                        for (Tensor gi : g) {
                            if (gi == null) continue;
                            Tensor term = gi.mul(gi.onesLike().mul(0.7)).sum();
                            total = total == null ? term : total.add(term);
                        }
                        // A gradient that does not depend on x (sum, mean) has zero second derivative:
                        // tie the result to x so the check still runs (and must find zeros).
                        return total.add(x[0].sum().mul(0.0));
                    }
                };
                Gradcheck.check(grad, in);
            }
        }));
    }

    @Test
    void gradcheckReportsAWrongGradient() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(DType.FLOAT64, 3).requiresGrad_();
            // abs at 0 has no derivative; a function whose backward is made wrong on purpose:
            // detach hides the dependence of the second factor, so analytic != numerical.
            Function<Tensor[], Tensor> wrong = in -> in[0].mul(in[0].detach());
            AssertionError e = assertThrows(Gradcheck.GradcheckException.class, () -> Gradcheck.check(wrong, x));
            assertTrue(e.getMessage().contains("analytic") && e.getMessage().contains("numerical"), e.getMessage());
            assertFalse(Gradcheck.passes(wrong, Gradcheck.Options.DEFAULT, x));
        }
    }
}
