package dev.panagrad;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small program for {@link VectorFallbackTest}: computes a few ops on seeded inputs and
 * prints one line per result ({@code name v1 v2 ...}, values as Java prints them, which
 * round-trips exactly), after a line {@code vectorized=true|false}.
 */
public final class VectorFallbackMain {
    private VectorFallbackMain() {}

    /** The results by name, computed with whatever kernels this JVM selected. */
    static Map<String, double[]> compute() {
        Map<String, double[]> r = new LinkedHashMap<>();
        Generator g = new Generator(2024);
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(g, DType.FLOAT32, 1000), y = Tensor.randn(g, DType.FLOAT32, 1000);
            Tensor tail = Tensor.randn(g, DType.FLOAT32, 17);
            Tensor d = Tensor.randn(g, DType.FLOAT64, 33);
            r.put("exp", x.exp().toDoubleArray());
            r.put("tanh", x.tanh().toDoubleArray());
            r.put("sigmoid", tail.sigmoid().toDoubleArray());
            r.put("add", x.add(y).toDoubleArray());
            r.put("mul", x.mul(y).toDoubleArray());
            r.put("div", x.div(y.abs().add(1.0)).toDoubleArray());
            r.put("tail_exp", tail.exp().toDoubleArray());
            r.put("f64_exp", d.exp().toDoubleArray());
            r.put("f64_tanh", d.tanh().toDoubleArray());
            r.put("sum", new double[] {x.sum().item()});
            r.put("amax", new double[] {x.amax().item()});
            Tensor m = x.narrow(0, 0, 33 * 17).reshape(33, 17);
            r.put("mean_dim0", m.mean(0).toDoubleArray());
            r.put("sum_dim1", m.sum(1).toDoubleArray());
            Tensor a = Tensor.randn(g, DType.FLOAT32, 17, 33), b = Tensor.randn(g, DType.FLOAT32, 33, 9);
            r.put("matmul", a.matmul(b).toDoubleArray());
            r.put("softmax", x.narrow(0, 0, 5 * 33).reshape(5, 33).softmax(1).toDoubleArray());
            r.put("log_softmax", d.reshape(3, 11).logSoftmax(0).toDoubleArray());
            // fused kernels: cross-entropy (loss and gradient), layer norm, batch norm
            Tensor logits = x.narrow(0, 0, 7 * 33).reshape(7, 33).requiresGrad_();
            Tensor target = Tensor.of(new long[] {0, 32, 5, -100, 17, 1, 1});
            Tensor ce = F.crossEntropy(logits, target, F.Reduction.MEAN, 0.1);
            r.put("cross_entropy", new double[] {ce.item()});
            r.put("cross_entropy_grad", Autograd.grad(ce, logits)[0].toDoubleArray());
            Tensor rows = d.reshape(3, 11);
            r.put("f64_layer_norm", F.layerNorm(rows, new int[] {11}, null, null).toDoubleArray());
            Tensor planes = x.narrow(0, 0, 4 * 3 * 40).reshape(4, 3, 40).to(DType.FLOAT64);
            r.put("f64_batch_norm", F.batchNorm(planes, null, null, null, null, true, 0.1, 1e-5).toDoubleArray());
        }
        return r;
    }

    public static void main(String[] args) {
        Map<String, double[]> r = compute();
        StringBuilder sb = new StringBuilder();
        sb.append("vectorized=").append(Parallelism.vectorized()).append('\n');
        for (Map.Entry<String, double[]> e : r.entrySet()) {
            sb.append(e.getKey());
            for (double v : e.getValue()) sb.append(' ').append(v);
            sb.append('\n');
        }
        System.out.print(sb);
        System.out.flush();
        List<String> leaks = Memory.leaks();
        if (!leaks.isEmpty()) System.exit(3);
    }
}
