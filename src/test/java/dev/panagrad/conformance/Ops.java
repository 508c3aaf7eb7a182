package dev.panagrad.conformance;

import dev.panagrad.F;
import dev.panagrad.Index;
import dev.panagrad.Tensor;
import dev.panagrad.ValuesIndices;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The conformance format's PyTorch op names mapped to panagrad calls. An op returns a
 * {@link Tensor} or, for ops with several results ({@code max} with a dim), a {@code Tensor[]}.
 */
final class Ops {
    private Ops() {}

    /** Thrown for an op name the table does not know: the case counts as unsupported. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String op) {
            super("op '" + op + "' is not supported by the conformance runner");
        }
    }

    private static final Map<String, Function<Args, Object>> TABLE = new HashMap<>();

    static Object call(Args a) {
        Function<Args, Object> f = TABLE.get(a.op());
        if (f == null) throw new Unsupported(a.op());
        return f.apply(a);
    }

    static boolean supports(String op) {
        return TABLE.containsKey(op);
    }

    private static void op(String name, Function<Args, Object> f) {
        TABLE.put(name, f);
    }

    private static void unary(String name, Function<Tensor, Tensor> f) {
        op(name, a -> f.apply(a.tensor(0)));
    }

    static {
        // ------------------------------------------------------------ elementwise
        op("add", a -> a.isTensor(1) ? a.tensor(0).add(a.tensor(1), a.kwDouble("alpha", 1))
                : a.at(1) instanceof Long l ? a.tensor(0).add(l) : a.tensor(0).add(num(a, 1)));
        op("sub", a -> a.isTensor(1) ? a.tensor(0).sub(a.tensor(1), a.kwDouble("alpha", 1))
                : a.at(1) instanceof Long l ? a.tensor(0).sub(l) : a.tensor(0).sub(num(a, 1)));
        op("mul", a -> a.isTensor(1) ? a.tensor(0).mul(a.tensor(1))
                : a.at(1) instanceof Long l ? a.tensor(0).mul(l) : a.tensor(0).mul(num(a, 1)));
        op("div", a -> a.isTensor(1) ? a.tensor(0).div(a.tensor(1)) : a.tensor(0).div(num(a, 1)));
        op("pow", a -> {
            if (!a.isTensor(0)) return Tensor.pow(num(a, 0), a.tensor(1));
            if (a.isTensor(1)) return a.tensor(0).pow(a.tensor(1));
            return a.at(1) instanceof Long l ? a.tensor(0).pow(l) : a.tensor(0).pow(num(a, 1));
        });
        op("maximum", a -> a.tensor(0).maximum(a.tensor(1)));
        op("minimum", a -> a.tensor(0).minimum(a.tensor(1)));
        op("where", a -> Tensor.where(a.tensor(0), a.tensor(1), a.tensor(2)));
        unary("neg", Tensor::neg);
        unary("exp", Tensor::exp);
        unary("log", Tensor::log);
        unary("sqrt", Tensor::sqrt);
        unary("rsqrt", Tensor::rsqrt);
        unary("abs", Tensor::abs);
        unary("sin", Tensor::sin);
        unary("cos", Tensor::cos);
        unary("tanh", Tensor::tanh);
        unary("sigmoid", Tensor::sigmoid);
        unary("relu", Tensor::relu);
        unary("silu", Tensor::silu);
        unary("reciprocal", Tensor::reciprocal);
        unary("square", Tensor::square);
        op("gelu", a -> a.tensor(0).gelu(a.kwString("approximate", "none")));
        op("clamp", a -> clamp(a, false));

        // ------------------------------------------------------------ reductions
        op("sum", a -> a.has("dim") ? a.tensor(0).sum(a.kwInts("dim"), a.kwBool("keepdim", false)) : a.tensor(0).sum());
        op("mean", a -> a.has("dim") ? a.tensor(0).mean(a.kwInts("dim"), a.kwBool("keepdim", false)) : a.tensor(0).mean());
        op("amax", a -> a.has("dim") ? a.tensor(0).amax(a.kwInts("dim"), a.kwBool("keepdim", false)) : a.tensor(0).amax());
        op("amin", a -> a.has("dim") ? a.tensor(0).amin(a.kwInts("dim"), a.kwBool("keepdim", false)) : a.tensor(0).amin());
        op("max", a -> {
            if (!a.has("dim")) return a.tensor(0).max();
            ValuesIndices vi = a.tensor(0).max(a.kwInt("dim", 0), a.kwBool("keepdim", false));
            return new Tensor[] {vi.values(), vi.indices()};
        });
        op("var", a -> a.tensor(0).var(dims(a), a.kwBool("unbiased", true), a.kwBool("keepdim", false)));
        op("std", a -> a.tensor(0).std(dims(a), a.kwBool("unbiased", true), a.kwBool("keepdim", false)));
        op("logsumexp", a -> a.tensor(0).logsumexp(a.kwInts("dim"), a.kwBool("keepdim", false)));
        op("norm", a -> a.tensor(0).norm(a.kwDouble("p", 2), dims(a), a.kwBool("keepdim", false)));

        // ------------------------------------------------------------ linear algebra
        op("matmul", a -> a.tensor(0).matmul(a.tensor(1)));
        op("mm", a -> a.tensor(0).mm(a.tensor(1)));
        op("bmm", a -> a.tensor(0).bmm(a.tensor(1)));
        unary("t", Tensor::t);
        op("transpose", a -> a.tensor(0).transpose(intArg(a, 1), intArg(a, 2)));

        // ------------------------------------------------------------ shape
        op("reshape", a -> a.tensor(0).reshape(a.ints(1)));
        op("view", a -> a.tensor(0).view(a.ints(1)));
        op("permute", a -> a.tensor(0).permute(a.ints(1)));
        op("expand", a -> a.tensor(0).expand(a.ints(1)));
        op("squeeze", a -> a.size() > 1 ? a.tensor(0).squeeze(intArg(a, 1)) : a.tensor(0).squeeze());
        op("unsqueeze", a -> a.tensor(0).unsqueeze(intArg(a, 1)));
        op("flatten", a -> a.tensor(0).flatten(a.kwInt("start_dim", 0), a.kwInt("end_dim", -1)));
        op("cat", a -> Tensor.cat(a.tensors(0), a.kwInt("dim", 0)));
        op("stack", a -> Tensor.stack(a.tensors(0), a.kwInt("dim", 0)));
        unary("contiguous", Tensor::contiguous);
        unary("detach", Tensor::detach);
        unary("clone", Tensor::clone);
        op("getitem", a -> a.tensor(0).index(indices(a)));

        // ------------------------------------------------------------ nn
        op("F.linear", a -> F.linear(a.tensor(0), a.tensor(1), a.optTensor(2)));
        op("F.softmax", a -> F.softmax(a.tensor(0), a.kwInt("dim", -1)));
        op("F.log_softmax", a -> F.logSoftmax(a.tensor(0), a.kwInt("dim", -1)));
        op("F.cross_entropy", a -> F.crossEntropy(a.tensor(0), a.tensor(1), reduction(a),
                a.kwDouble("label_smoothing", 0)));
        op("F.nll_loss", a -> F.nllLoss(a.tensor(0), a.tensor(1), reduction(a)));
        op("F.mse_loss", a -> F.mseLoss(a.tensor(0), a.tensor(1), reduction(a)));
        op("F.binary_cross_entropy_with_logits", a -> F.binaryCrossEntropyWithLogits(a.tensor(0), a.tensor(1),
                null, null, reduction(a)));
        op("F.conv2d", a -> F.conv2d(a.tensor(0), a.tensor(1), a.optTensor(2), a.kwPair("stride", 1),
                a.kwPair("padding", 0), a.kwPair("dilation", 1), a.kwInt("groups", 1)));
        op("F.max_pool2d", a -> F.maxPool2d(a.tensor(0), a.pair(1, "kernel_size"), stride(a),
                a.kwPair("padding", 0), a.kwPair("dilation", 1), a.kwBool("ceil_mode", false)));
        op("F.avg_pool2d", a -> F.avgPool2d(a.tensor(0), a.pair(1, "kernel_size"), stride(a),
                a.kwPair("padding", 0), a.kwBool("ceil_mode", false), a.kwBool("count_include_pad", true)));
        op("F.layer_norm", a -> F.layerNorm(a.tensor(0), a.ints(1), a.optTensor(2), a.optTensor(3),
                a.kwDouble("eps", 1e-5)));
        op("F.embedding", a -> F.embedding(a.tensor(0), a.tensor(1)));
        op("F.dropout", a -> F.dropout(a.tensor(0), a.kwDouble("p", 0.5), a.kwBool("training", true)));

        // ------------------------------------------------------------ in place
        op("add_", a -> a.isTensor(1) ? a.tensor(0).add_(a.tensor(1), a.kwDouble("alpha", 1)) : a.tensor(0).add_(num(a, 1)));
        op("sub_", a -> a.isTensor(1) ? a.tensor(0).sub_(a.tensor(1), a.kwDouble("alpha", 1)) : a.tensor(0).sub_(num(a, 1)));
        op("mul_", a -> a.isTensor(1) ? a.tensor(0).mul_(a.tensor(1)) : a.tensor(0).mul_(num(a, 1)));
        op("div_", a -> a.isTensor(1) ? a.tensor(0).div_(a.tensor(1)) : a.tensor(0).div_(num(a, 1)));
        unary("zero_", Tensor::zero_);
        op("fill_", a -> a.tensor(0).fill_(num(a, 1)));
        op("copy_", a -> a.tensor(0).copy_(a.tensor(1)));
        unary("relu_", Tensor::relu_);
        op("clamp_", a -> clamp(a, true));
        unary("detach_", Tensor::detach_);
        op("requires_grad_", a -> a.tensor(0).requiresGrad_(a.size() < 2 || (Boolean) a.at(1)));
    }

    private static double num(Args a, int i) {
        Object o = a.at(i);
        if (o instanceof Number n) return n.doubleValue();
        throw new IllegalArgumentException(a.op() + ": argument " + i + " should be a number, got " + o);
    }

    private static int intArg(Args a, int i) {
        return (int) num(a, i);
    }

    /** The dims of a reduction that reduces over everything when no dim is given. */
    private static int[] dims(Args a) {
        int[] d = a.kwInts("dim");
        if (d != null) return d;
        int n = a.tensor(0).dim();
        d = new int[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return d;
    }

    private static F.Reduction reduction(Args a) {
        return F.Reduction.of(a.kwString("reduction", "mean"));
    }

    /** Pooling's stride: the kernel size when not given. */
    private static int[] stride(Args a) {
        return a.has("stride") ? a.kwPair("stride", 1) : a.pair(1, "kernel_size");
    }

    private static Tensor clamp(Args a, boolean inPlace) {
        double lo = a.kwDouble("min", Double.NaN), hi = a.kwDouble("max", Double.NaN);
        Tensor x = a.tensor(0);
        if (inPlace) return x.clamp_(lo, hi);
        if (Double.isNaN(hi)) return x.clampMin(lo);
        if (Double.isNaN(lo)) return x.clampMax(hi);
        return x.clamp(lo, hi);
    }

    private static Index[] indices(Args a) {
        Object o = a.at(1);
        if (!(o instanceof List<?> items)) {
            throw new IllegalArgumentException("getitem: argument 1 should be a list of index items, got " + o);
        }
        Index[] r = new Index[items.size()];
        for (int i = 0; i < r.length; i++) {
            Object it = items.get(i);
            r[i] = switch (it) {
                case Long l -> Index.at(l.intValue());
                case Args.Slice s -> Index.slice(s.start(), s.stop(), s.step());
                case Tensor t -> Index.tensor(t);
                case null -> Index.none();
                default -> throw new IllegalArgumentException("getitem: unknown index item " + it);
            };
        }
        return r;
    }
}
