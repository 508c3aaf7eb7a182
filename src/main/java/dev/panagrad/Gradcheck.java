package dev.panagrad;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * Checks analytic gradients against central finite differences, as PyTorch's
 * {@code torch.autograd.gradcheck}: for every input that requires grad and every element of
 * it, the numerical derivative of every output element, (f(x + eps) - f(x - eps)) / 2eps, must
 * match the row of the Jacobian that backward computes. Use float64 inputs (float32 is too
 * coarse for finite differences).
 * <pre>{@code
 * Tensor a = Tensor.randn(DType.FLOAT64, 3, 4).requiresGrad_();
 * Gradcheck.check(in -> in[0].tanh().mul(in[0]).sum(1), a);   // throws with a report if wrong
 * }</pre>
 */
public final class Gradcheck {
    private Gradcheck() {}

    /** Tolerances and step: |analytic - numeric| <= atol + rtol * |numeric| elementwise. */
    public record Options(double eps, double atol, double rtol) {
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3);
    }

    /** A mismatch between analytic and numerical gradients, with where and by how much. */
    public static final class GradcheckException extends AssertionError {
        private static final long serialVersionUID = 1L;

        GradcheckException(String message) {
            super(message);
        }
    }

    /** Checks {@code fn} at {@code inputs} with the default options; throws {@link GradcheckException} on a mismatch. */
    public static void check(Function<Tensor[], Tensor> fn, Tensor... inputs) {
        check(fn, Options.DEFAULT, inputs);
    }

    /** Checks {@code fn} at {@code inputs}; throws {@link GradcheckException} describing the worst mismatch. */
    public static void check(Function<Tensor[], Tensor> fn, Options options, Tensor... inputs) {
        String report = compare(fn, options, inputs);
        if (report != null) throw new GradcheckException(report);
    }

    /** Like {@link #check} but returns whether the gradients match. */
    public static boolean passes(Function<Tensor[], Tensor> fn, Options options, Tensor... inputs) {
        return compare(fn, options, inputs) == null;
    }

    private static String compare(Function<Tensor[], Tensor> fn, Options o, Tensor[] inputs) {
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            t.checkAlive("gradcheck");
            if (t.requiresGrad && !t.dtype.isFloatingPoint()) {
                throw new DTypeMismatchException("gradcheck: input " + i + " requires grad but is " + t.dtype.pyName());
            }
            if (t.requiresGrad && !t.isLeaf()) {
                throw new IllegalArgumentException("gradcheck: input " + i + " must be a leaf (perturbing it in place has to be allowed)");
            }
            any |= t.requiresGrad;
        }
        if (!any) throw new IllegalArgumentException("gradcheck: no input requires grad; call requiresGrad_() on the ones to check");
        try (Scope scope = Scope.open()) {
            Tensor out0 = fn.apply(inputs);
            if (!out0.dtype.isFloatingPoint()) {
                throw new DTypeMismatchException("gradcheck: the function's output must be floating point, got " + out0.dtype.pyName());
            }
            int nOut = (int) out0.numel;
            double[][][] analytic = analyticJacobian(out0, inputs, nOut);
            String worst = null;
            double worstExcess = 0;
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                if (!in.requiresGrad) continue;
                for (int e = 0; e < in.numel; e++) {
                    double[] numeric = numericColumn(fn, inputs, in, e, o.eps(), nOut);
                    for (int j = 0; j < nOut; j++) {
                        double a = analytic[i][j][e], n = numeric[j];
                        double excess = Math.abs(a - n) - (o.atol() + o.rtol() * Math.abs(n));
                        if (excess > worstExcess || (Double.isNaN(a) != Double.isNaN(n))) {
                            worstExcess = Double.isNaN(excess) ? Double.POSITIVE_INFINITY : excess;
                            worst = String.format(Locale.ROOT, "gradcheck: Jacobian mismatch for input %d (shape %s) at element %s "
                                            + "and output element %s: analytic %.10g, numerical %.10g (difference %.3g, allowed %.3g; "
                                            + "eps %.1g). Check the op's backward formula",
                                    i, Shapes.str(in.shape), index(in.shape, e), index(out0.shape, j), a, n,
                                    Math.abs(a - n), o.atol() + o.rtol() * Math.abs(n), o.eps());
                        }
                    }
                }
            }
            return worst;
        }
    }

    /** analytic[input][output element][input element], one backward per output element. */
    private static double[][][] analyticJacobian(Tensor out, Tensor[] inputs, int nOut) {
        double[][][] jac = new double[inputs.length][nOut][];
        int[] which = java.util.stream.IntStream.range(0, inputs.length).filter(i -> inputs[i].requiresGrad).toArray();
        Tensor[] grads = new Tensor[which.length];
        for (int k = 0; k < which.length; k++) grads[k] = inputs[which[k]];
        for (int j = 0; j < nOut; j++) {
            try (Scope s = Scope.open()) {
                double[] onehot = new double[nOut];
                onehot[j] = 1;
                Tensor go = Tensor.of(onehot, out.shape.length == 0 ? new int[0] : out.shape).to(out.dtype);
                if (out.shape.length == 0) go = ViewOps.reshape(go, Shapes.SCALAR);
                Tensor[] g = Autograd.grad(new Tensor[] {out}, new Tensor[] {go}, grads, true, false, true);
                for (int k = 0; k < which.length; k++) {
                    Tensor in = inputs[which[k]];
                    jac[which[k]][j] = g[k] == null ? new double[(int) in.numel] : g[k].toDoubleArray();
                }
            }
        }
        return jac;
    }

    /** d out / d in[e] by central differences (in is perturbed in place and restored). */
    private static double[] numericColumn(Function<Tensor[], Tensor> fn, Tensor[] inputs, Tensor in, int e, double eps, int nOut) {
        Tensor flat;
        try (var g = GradMode.noGrad()) {
            flat = ViewOps.reshape(in, new int[] {-1});
        }
        if (flat.storage != in.storage) {
            throw new IllegalArgumentException("gradcheck: inputs must be viewable as flat tensors (make them contiguous)");
        }
        Tensor cell = ViewOps.slice(flat, 0, e, e + 1, 1, "gradcheck", false);
        double orig = cell.item();
        double[] plus, minus;
        try (var g = GradMode.noGrad()) {
            cell.fill_(orig + eps);
            plus = fn.apply(inputs).toDoubleArray();
            cell.fill_(orig - eps);
            minus = fn.apply(inputs).toDoubleArray();
            cell.fill_(orig);
        }
        double[] col = new double[nOut];
        for (int j = 0; j < nOut; j++) col[j] = (plus[j] - minus[j]) / (2 * eps);
        return col;
    }

    private static String index(int[] shape, long flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return Arrays.toString(idx);
    }
}
