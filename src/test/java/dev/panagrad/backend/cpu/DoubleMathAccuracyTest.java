package dev.panagrad.backend.cpu;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maximum error of the float64 transcendental functions against 25-digit references from
 * mpmath (tools/mathref.py writes mathref-f64.txt: about 500 arguments per function over its
 * domain, exact as hex literals), and the float64 special values.
 */
class DoubleMathAccuracyTest {
    /** Measured maxima when written (ulp): exp 0.73, log 0.68, tanh 0.68, sigmoid 0.93, silu 1.16, erf 0.82, gelu 1.24, sin 0.87, cos 0.74. */
    private static final Map<String, Double> BOUND = Map.of("exp", 1.0, "log", 1.0, "tanh", 1.5, "sigmoid", 1.5,
            "silu", 2.0, "erf", 1.5, "gelu", 2.0, "sin", 1.0, "cos", 1.0);
    private static final Map<String, DoubleUnaryOperator> FN = Map.of("exp", DoubleExpMath::exp,
            "log", DoubleLogMath::log, "tanh", DoubleExpMath::tanh, "sigmoid", DoubleExpMath::sigmoid,
            "silu", DoubleExpMath::silu, "erf", DoubleErfMath::erf, "gelu", DoubleErfMath::gelu,
            "sin", DoubleTrigMath::sin, "cos", DoubleTrigMath::cos);

    /** |f - r| in float64 ulps at r, r exact to 25 digits. */
    static double ulps(double f, BigDecimal r) {
        double rd = r.doubleValue();
        double a = Math.abs(rd);
        double ulp = a < Double.MIN_NORMAL ? Double.MIN_VALUE : Math.scalb(1.0, Math.getExponent(a) - 52);
        if (Double.isInfinite(f)) return Double.isInfinite(rd) && f == rd ? 0 : Double.POSITIVE_INFINITY;
        return new BigDecimal(f).subtract(r).abs().doubleValue() / ulp;
    }

    @Test
    void maxUlpWithinBound() throws IOException {
        Map<String, double[]> worst = new TreeMap<>();
        try (var in = getClass().getResourceAsStream("mathref-f64.txt")) {
            assertNotNull(in, "mathref-f64.txt");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                String[] p = line.split(" ");
                double x = Double.parseDouble(p[1]);
                double e = ulps(FN.get(p[0]).applyAsDouble(x), new BigDecimal(p[2]));
                double[] w = worst.computeIfAbsent(p[0], k -> new double[2]);
                if (e > w[0]) {
                    w[0] = e;
                    w[1] = x;
                }
            }
        }
        assertEquals(FN.keySet(), worst.keySet());
        StringBuilder report = new StringBuilder();
        worst.forEach((k, w) -> report.append(String.format("%s %.3f ulp at %s; ", k, w[0], w[1])));
        System.out.println("float64 max errors: " + report);
        worst.forEach((k, w) -> assertTrue(w[0] <= BOUND.get(k), k + ": " + w[0] + " ulp at x = " + w[1]));
    }

    @Test
    void specialValues() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        check(DoubleExpMath::exp, new double[] {nan, inf, -inf, 0, -0.0, 710, -746}, new double[] {nan, inf, 0, 1, 1, inf, 0});
        check(DoubleLogMath::log, new double[] {nan, inf, -inf, 0, -0.0, -1, 1, Double.MIN_VALUE},
                new double[] {nan, inf, nan, -inf, -inf, nan, 0, -744.4400719213812});
        check(DoubleExpMath::tanh, new double[] {nan, inf, -inf, 0, -0.0, 30, -30}, new double[] {nan, 1, -1, 0, -0.0, 1, -1});
        check(DoubleExpMath::sigmoid, new double[] {nan, inf, -inf, 0, 800, -800}, new double[] {nan, 1, 0, 0.5, 1, 0});
        check(DoubleExpMath::silu, new double[] {nan, inf, -inf, 0, -0.0, -2000}, new double[] {nan, inf, nan, 0, -0.0, -0.0});
        check(DoubleErfMath::gelu, new double[] {nan, inf, -inf, 0, -0.0, -50, 1e300}, new double[] {nan, inf, nan, 0, -0.0, -0.0, 1e300});
        check(DoubleErfMath::erf, new double[] {nan, inf, -inf, 0, -0.0, 10, -10}, new double[] {nan, 1, -1, 0, -0.0, 1, -1});
        check(DoubleTrigMath::sin, new double[] {nan, inf, -inf, 0, -0.0}, new double[] {nan, nan, nan, 0, -0.0});
        check(DoubleTrigMath::cos, new double[] {nan, inf, -inf, 0}, new double[] {nan, nan, nan, 1});
        check(x -> DoubleErfMath.geluBackward(1, x), new double[] {nan, inf, -inf, 0}, new double[] {nan, nan, nan, 0.5});
        check(x -> DoubleExpMath.siluBackward(1, x), new double[] {nan, inf, -inf, 0}, new double[] {nan, nan, nan, 0.5});
        assertEquals(1.0, DoubleLogMath.pow(1, nan));
        assertEquals(1.0, DoubleLogMath.pow(-1, -inf));
        assertEquals(Double.NEGATIVE_INFINITY, DoubleLogMath.pow(-0.0, -3));
    }

    private static void check(DoubleUnaryOperator f, double[] xs, double[] want) {
        for (int i = 0; i < xs.length; i++) {
            assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(f.applyAsDouble(xs[i])), "at x = " + xs[i]);
        }
    }
}
