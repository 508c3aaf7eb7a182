package dev.panagrad.backend.cpu;

/** Scalar special functions the JDK lacks (erf) and the derivatives built on them. */
final class SpecialMath {
    static final double SQRT1_2 = 0.7071067811865476;
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double INV_SQRT_PI = 0.5641895835477563;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    private SpecialMath() {}

    /**
     * The error function to within about 1e-15 relative: its Maclaurin series below 1.5,
     * Laplace's continued fraction for erfc above (80 terms, evaluated from the tail).
     */
    static double erf(double x) {
        if (x != x) return x;
        double ax = Math.abs(x);
        if (ax < 1.5) {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) <= 1e-17 * Math.abs(sum)) break;
            }
            return sum * TWO_OVER_SQRT_PI;
        }
        if (ax >= 6.5) return Math.copySign(1.0, x);
        double t = ax;
        for (int k = 80; k > 0; k--) t = ax + (k * 0.5) / t;
        double erfc = Math.exp(-ax * ax) * INV_SQRT_PI / t;
        return Math.copySign(1.0 - erfc, x);
    }

    /** d/dx of x * Phi(x), the exact (erf) GELU. */
    static double geluDerivative(double x) {
        double cdf = 0.5 * (1.0 + erf(x * SQRT1_2));
        double pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
        return cdf + x * pdf;
    }

    /** d/dx of x * sigmoid(x). */
    static double siluDerivative(double x) {
        double s = 1.0 / (1.0 + Math.exp(-x));
        return s * (1.0 + x * (1.0 - s));
    }
}
