package dev.panagrad;

import dev.panagrad.StridedCases.Domain;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

import static dev.panagrad.StridedCases.assertClose;
import static dev.panagrad.StridedCases.describe;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Elementwise ops on non-contiguous inputs (permuted, sliced with steps, expanded, offset),
 * seeded: each op's result on a strided view must match a plain Java loop over the view's
 * values ({@code toDoubleArray()}), and so must the op on a {@code contiguous()} copy. Shapes
 * cover vector tails (1, 15, 17, 33, 1000) and sizes above the parallel grain.
 */
class StridedPathsPropertyTest {
    private static final long SEED = 0x5eed_0001L;

    /** The shapes each op is tried on: tails, large ones, and random small ones. */
    private static List<int[]> shapes(StridedCases c, int randomCount, boolean large) {
        List<int[]> out = new ArrayList<>(List.of(StridedCases.TAIL_SHAPES));
        if (large) out.addAll(List.of(StridedCases.LARGE_SHAPES));
        for (int i = 0; i < randomCount; i++) out.add(c.randomShape(3000));
        return out;
    }

    private record Unary(String name, Domain domain, Function<Tensor, Tensor> op, DoubleUnaryOperator truth) {}

    private static final List<Unary> UNARY = List.of(
            new Unary("neg", Domain.ANY, Tensor::neg, x -> -x),
            new Unary("exp", Domain.ANY, Tensor::exp, Math::exp),
            new Unary("log", Domain.POSITIVE, Tensor::log, Math::log),
            new Unary("sqrt", Domain.POSITIVE, Tensor::sqrt, Math::sqrt),
            new Unary("rsqrt", Domain.POSITIVE, Tensor::rsqrt, x -> 1 / Math.sqrt(x)),
            new Unary("abs", Domain.ANY, Tensor::abs, Math::abs),
            new Unary("sin", Domain.ANY, Tensor::sin, Math::sin),
            new Unary("cos", Domain.ANY, Tensor::cos, Math::cos),
            new Unary("tanh", Domain.ANY, Tensor::tanh, Math::tanh),
            new Unary("sigmoid", Domain.ANY, Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x))),
            new Unary("relu", Domain.ANY, Tensor::relu, x -> Math.max(0, x)),
            new Unary("gelu", Domain.ANY, Tensor::gelu, x -> 0.5 * x * (1 + StridedCases.erf(x / Math.sqrt(2)))),
            new Unary("silu", Domain.ANY, Tensor::silu, x -> x / (1 + Math.exp(-x))),
            new Unary("reciprocal", Domain.POSITIVE, Tensor::reciprocal, x -> 1 / x),
            new Unary("square", Domain.ANY, Tensor::square, x -> x * x),
            new Unary("sign", Domain.SMALL_INT, Tensor::sign, Math::signum),
            new Unary("erf", Domain.ANY, Tensor::erf, StridedCases::erf),
            new Unary("pow(3)", Domain.ANY, x -> x.pow(3.0), x -> x * x * x),
            new Unary("pow(0.5)", Domain.POSITIVE, x -> x.pow(0.5), Math::sqrt),
            new Unary("pow(2L)", Domain.ANY, x -> x.pow(2L), x -> x * x),
            new Unary("clamp", Domain.ANY, x -> x.clamp(-0.5, 0.75), x -> Math.min(0.75, Math.max(-0.5, x))),
            new Unary("clampMin", Domain.ANY, x -> x.clampMin(0.25), x -> Math.max(0.25, x)),
            new Unary("clampMax", Domain.ANY, x -> x.clampMax(-0.25), x -> Math.min(-0.25, x)),
            new Unary("add(s)", Domain.ANY, x -> x.add(1.5), x -> x + 1.5),
            new Unary("sub(s)", Domain.ANY, x -> x.sub(0.25), x -> x - 0.25),
            new Unary("mul(s)", Domain.ANY, x -> x.mul(-3.0), x -> x * -3),
            new Unary("div(s)", Domain.ANY, x -> x.div(4.0), x -> x / 4),
            new Unary("rsub(s)", Domain.ANY, x -> x.rsub(2.0), x -> 2 - x),
            new Unary("rdiv(s)", Domain.POSITIVE, x -> x.rdiv(2.0), x -> 2 / x),
            new Unary("remainder(s)", Domain.ANY, x -> x.remainder(0.5), x -> x - Math.floor(x / 0.5) * 0.5),
            new Unary("to(other float)", Domain.ANY, x -> x.to(x.dtype() == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32),
                    x -> x),
            new Unary("clone", Domain.ANY, Tensor::clone, x -> x));

    /** Tolerance of an op whose truth is only as good as the A&S erf (1.5e-7). */
    private static double atolFor(String op, DType dt) {
        if (op.equals("erf") || op.equals("gelu")) return 5e-7;
        if (op.startsWith("to(") && dt == DType.FLOAT64) return 1e-6; // rounding to float32
        return StridedCases.atol(dt);
    }

    private static double rtolFor(String op, DType dt) {
        if (op.startsWith("to(") && dt == DType.FLOAT64) return 1e-7;
        return StridedCases.rtol(dt);
    }

    @Test
    void unaryOpsOnStridedViewsMatchAPlainLoopAndTheContiguousPath() {
        StridedCases c = new StridedCases(SEED);
        int nonContiguous = 0, total = 0;
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : shapes(c, 4, dt == DType.FLOAT32)) {
                for (Unary u : UNARY) {
                    try (Scope s = Scope.open()) {
                        Tensor x = c.strided(shape, dt, u.domain());
                        total++;
                        if (!x.isContiguous()) nonContiguous++;
                        String what = u.name() + " of " + describe(x);
                        double[] in = x.toDoubleArray();
                        double[] expected = new double[in.length];
                        for (int i = 0; i < in.length; i++) expected[i] = u.truth().applyAsDouble(in[i]);
                        Tensor out = u.op().apply(x);
                        assertArrayEquals(shape, out.shape(), what);
                        double rt = rtolFor(u.name(), dt), at = atolFor(u.name(), dt);
                        assertClose(what, expected, out.toDoubleArray(), rt, at);
                        Tensor outC = u.op().apply(x.contiguous());
                        assertClose(what + " (contiguous copy)", expected, outC.toDoubleArray(), rt, at);
                        assertClose(what + " strided vs contiguous", outC.toDoubleArray(), out.toDoubleArray(), rt, at);
                    }
                }
            }
        }
        assertTrue(nonContiguous > total * 0.8, nonContiguous + " of " + total + " inputs were non-contiguous");
    }

    private record Binary(String name, Domain da, Domain db, BiFunction<Tensor, Tensor, Tensor> op, DoubleBinaryOperator truth) {}

    private static final List<Binary> BINARY = List.of(
            new Binary("add", Domain.ANY, Domain.ANY, Tensor::add, Double::sum),
            new Binary("add(alpha)", Domain.ANY, Domain.ANY, (a, b) -> a.add(b, 2.5), (a, b) -> a + 2.5 * b),
            new Binary("sub", Domain.ANY, Domain.ANY, Tensor::sub, (a, b) -> a - b),
            new Binary("mul", Domain.ANY, Domain.ANY, Tensor::mul, (a, b) -> a * b),
            new Binary("div", Domain.ANY, Domain.POSITIVE, Tensor::div, (a, b) -> a / b),
            new Binary("pow", Domain.POSITIVE, Domain.ANY, Tensor::pow, Math::pow),
            new Binary("remainder", Domain.SMALL_INT, Domain.POSITIVE, Tensor::remainder, (a, b) -> a - Math.floor(a / b) * b),
            new Binary("maximum", Domain.SMALL_INT, Domain.ANY, Tensor::maximum, Math::max),
            new Binary("minimum", Domain.ANY, Domain.SMALL_INT, Tensor::minimum, Math::min),
            new Binary("eq", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::eq, (a, b) -> a == b ? 1 : 0),
            new Binary("ne", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::ne, (a, b) -> a != b ? 1 : 0),
            new Binary("lt", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::lt, (a, b) -> a < b ? 1 : 0),
            new Binary("le", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::le, (a, b) -> a <= b ? 1 : 0),
            new Binary("gt", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::gt, (a, b) -> a > b ? 1 : 0),
            new Binary("ge", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::ge, (a, b) -> a >= b ? 1 : 0),
            new Binary("logicalAnd", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::logicalAnd, (a, b) -> a != 0 && b != 0 ? 1 : 0),
            new Binary("logicalOr", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::logicalOr, (a, b) -> a != 0 || b != 0 ? 1 : 0));

    @Test
    void binaryOpsAndComparisonsWithBroadcastingMatchAPlainLoop() {
        StridedCases c = new StridedCases(SEED + 1);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] shape : shapes(c, 5, dt == DType.FLOAT32)) {
                for (Binary op : BINARY) {
                    try (Scope s = Scope.open()) {
                        // Either side may be the broadcast one.
                        boolean swap = c.rnd.nextBoolean();
                        int[] other = c.broadcastable(shape);
                        int[] sa = swap ? other : shape, sb = swap ? shape : other;
                        Tensor a = c.strided(sa, dt, op.da()), b = c.strided(sb, dt, op.db());
                        checkBinary(op.name() + " of " + describe(a) + " and " + describe(b), a, b, op.op(), op.truth(),
                                StridedCases.rtol(dt), StridedCases.atol(dt));
                    }
                }
            }
        }
    }

    private static void checkBinary(String what, Tensor a, Tensor b, BiFunction<Tensor, Tensor, Tensor> op,
                                    DoubleBinaryOperator truth, double rtol, double atol) {
        int[] shape = StridedCases.broadcastShapes(a.shape(), b.shape());
        double[] va = a.toDoubleArray(), vb = b.toDoubleArray();
        double[] expected = new double[(int) StridedCases.numel(shape)];
        for (int i = 0; i < expected.length; i++) {
            int[] idx = StridedCases.unravel(i, shape);
            expected[i] = truth.applyAsDouble(va[StridedCases.broadcastFlat(idx, a.shape())], vb[StridedCases.broadcastFlat(idx, b.shape())]);
        }
        Tensor out = op.apply(a, b);
        assertArrayEquals(shape, out.shape(), what);
        assertClose(what, expected, out.toDoubleArray(), rtol, atol);
        Tensor outC = op.apply(a.contiguous(), b.contiguous());
        assertClose(what + " (contiguous copies)", expected, outC.toDoubleArray(), rtol, atol);
        assertEquals(outC.dtype(), out.dtype(), what);
    }

    @Test
    void int64AndBoolElementwiseOpsOnStridedViews() {
        StridedCases c = new StridedCases(SEED + 2);
        List<Binary> ops = List.of(
                new Binary("add", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::add, Double::sum),
                new Binary("sub", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::sub, (a, b) -> a - b),
                new Binary("mul", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::mul, (a, b) -> a * b),
                new Binary("div", Domain.SMALL_INT, Domain.SMALL_INT, (a, b) -> a.div(b.abs().add(1L)), (a, b) -> a / (Math.abs(b) + 1)),
                new Binary("remainder", Domain.SMALL_INT, Domain.SMALL_INT, (a, b) -> a.remainder(b.abs().add(1L)),
                        (a, b) -> Math.floorMod((long) a, (long) (Math.abs(b) + 1))),
                new Binary("maximum", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::maximum, Math::max),
                new Binary("lt", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::lt, (a, b) -> a < b ? 1 : 0),
                new Binary("eq", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::eq, (a, b) -> a == b ? 1 : 0),
                new Binary("logicalAnd", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::logicalAnd, (a, b) -> a != 0 && b != 0 ? 1 : 0),
                new Binary("logicalOr", Domain.SMALL_INT, Domain.SMALL_INT, Tensor::logicalOr, (a, b) -> a != 0 || b != 0 ? 1 : 0));
        List<int[]> intShapes = shapes(c, 5, false);
        intShapes.add(StridedCases.LARGE_SHAPES[1]);
        for (int[] shape : intShapes) {
            for (Binary op : ops) {
                try (Scope s = Scope.open()) {
                    Tensor a = c.strided(shape, DType.INT64, op.da()), b = c.strided(c.broadcastable(shape), DType.INT64, op.db());
                    // Exact, but for div, whose float32 result rounds the quotient.
                    checkBinary(op.name() + " of " + describe(a) + " and " + describe(b), a, b, op.op(), op.truth(),
                            op.name().equals("div") ? 1e-7 : 0, 0);
                }
            }
            try (Scope s = Scope.open()) {
                Tensor i = c.strided(shape, DType.INT64, Domain.SMALL_INT);
                String what = describe(i);
                double[] v = i.toDoubleArray();
                double[] neg = new double[v.length], sq = new double[v.length], cl = new double[v.length], sum1 = new double[v.length];
                for (int k = 0; k < v.length; k++) {
                    neg[k] = -v[k];
                    sq[k] = v[k] * v[k];
                    cl[k] = Math.min(2, Math.max(-1, v[k]));
                    sum1[k] = v[k] + 7;
                }
                assertClose("neg " + what, neg, i.neg().toDoubleArray(), 0, 0);
                assertClose("square " + what, sq, i.square().toDoubleArray(), 0, 0);
                assertClose("clamp " + what, cl, i.clamp(-1, 2).toDoubleArray(), 0, 0);
                assertClose("add(7L) " + what, sum1, i.add(7L).toDoubleArray(), 0, 0);
                assertEquals(DType.INT64, i.add(7L).dtype());
                Tensor bools = c.strided(shape, DType.BOOL, Domain.SMALL_INT);
                boolean[] bv = bools.toBooleanArray(), not = bools.logicalNot().toBooleanArray();
                for (int k = 0; k < bv.length; k++) assertEquals(!bv[k], not[k], "logicalNot " + describe(bools));
            }
        }
    }

    @Test
    void whereWithStridedConditionAndOperands() {
        StridedCases c = new StridedCases(SEED + 3);
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64, DType.INT64}) {
            for (int[] shape : shapes(c, 8, dt == DType.FLOAT32)) {
                try (Scope s = Scope.open()) {
                    int[] sc = c.broadcastable(shape), sa = c.rnd.nextBoolean() ? shape : c.broadcastable(shape);
                    int[] sb = c.rnd.nextBoolean() ? shape : c.broadcastable(shape);
                    Tensor cond = c.strided(sc, DType.BOOL, Domain.SMALL_INT);
                    Tensor a = c.strided(sa, dt, Domain.ANY), b = c.strided(sb, dt, Domain.SMALL_INT);
                    int[] out = StridedCases.broadcastShapes(StridedCases.broadcastShapes(sc, sa), sb);
                    double[] vc = cond.toDoubleArray(), va = a.toDoubleArray(), vb = b.toDoubleArray();
                    double[] expected = new double[(int) StridedCases.numel(out)];
                    for (int i = 0; i < expected.length; i++) {
                        int[] idx = StridedCases.unravel(i, out);
                        expected[i] = vc[StridedCases.broadcastFlat(idx, sc)] != 0 ? va[StridedCases.broadcastFlat(idx, sa)]
                                : vb[StridedCases.broadcastFlat(idx, sb)];
                    }
                    String what = "where(" + describe(cond) + ", " + describe(a) + ", " + describe(b) + ")";
                    Tensor r = Tensor.where(cond, a, b);
                    assertArrayEquals(out, r.shape(), what);
                    assertClose(what, expected, r.toDoubleArray(), 0, 0);
                    assertClose(what + " (contiguous)", expected,
                            Tensor.where(cond.contiguous(), a.contiguous(), b.contiguous()).toDoubleArray(), 0, 0);
                    // The scalar form: where(cond, a, -9).
                    Tensor r2 = Tensor.where(cond, a, -9.0);
                    int[] out2 = StridedCases.broadcastShapes(sc, sa);
                    double[] e2 = new double[(int) StridedCases.numel(out2)];
                    for (int i = 0; i < e2.length; i++) {
                        int[] idx = StridedCases.unravel(i, out2);
                        e2[i] = vc[StridedCases.broadcastFlat(idx, sc)] != 0 ? va[StridedCases.broadcastFlat(idx, sa)] : -9;
                    }
                    assertClose(what + " with a scalar", e2, r2.toDoubleArray(), 0, 0);
                }
            }
        }
    }

    @Test
    void theBuilderReallyMakesStridedViews() {
        StridedCases c = new StridedCases(SEED);
        try (Scope s = Scope.open()) {
            boolean sawExpand = false, sawOffset = false, sawStep = false, sawPermute = false;
            for (int i = 0; i < 200; i++) {
                int[] shape = c.randomShape(500);
                Tensor t = c.strided(shape, DType.FLOAT32, Domain.ANY);
                long[] st = t.stride();
                for (int d = 0; d < st.length; d++) {
                    if (st[d] == 0) sawExpand = true;
                    if (d > 0 && st[d] > st[d - 1] && shape[d] > 1 && shape[d - 1] > 1) sawPermute = true;
                }
                if (t.storageOffset() > 0) sawOffset = true;
                if (st[st.length - 1] > 1 && shape[shape.length - 1] > 1) sawStep = true;
            }
            assertTrue(sawExpand && sawOffset && sawStep && sawPermute);
            assertFalse(c.strided(new int[] {70001}, DType.FLOAT32, Domain.ANY).isContiguous());
        }
    }
}
