package dev.panagrad.backend.cpu;

/**
 * Float64 references for the float32 accuracy tests, independent of the code under test:
 * StrictMath where the JDK has the function, and for the error function a series below 2.5
 * and Laplace's continued fraction (Lentz) above, good to about 1e-15 relative, that is
 * 1e-8 float32 ulps. Also the error measure in float32 ulps.
 */
final class MathReference {
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    private MathReference() {}

    /** erfc(z) for z &gt;= 0. */
    static double erfc(double z) {
        if (z < 2.5) return 1 - erfPositive(z);
        double f = z, c = z, d = 0;
        for (int k = 1; k < 500; k++) {
            double a = k * 0.5;
            d = z + a * d;
            d = 1 / (d == 0 ? 1e-300 : d);
            c = z + a / c;
            if (c == 0) c = 1e-300;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-17) break;
        }
        return StrictMath.exp(-z * z) / SQRT_PI / f;
    }

    /** erf(z) for z &gt;= 0: e^(-z^2) times a series of positive terms, 2/sqrt(pi) sum 2^n z^(2n+1)/(2n+1)!!. */
    private static double erfPositive(double z) {
        double term = z, sum = z, z2 = z * z;
        for (int n = 1; n < 400; n++) {
            term *= 2 * z2 / (2 * n + 1);
            sum += term;
            if (term < 1e-18 * sum) break;
        }
        return 2 / SQRT_PI * StrictMath.exp(-z2) * sum;
    }

    static double erf(double x) {
        double z = Math.abs(x);
        return Math.copySign(z < 0.5 ? erfPositive(z) : 1 - erfc(z), x);
    }

    /** The standard normal CDF, from the tail on either side (no cancellation). */
    static double cdf(double x) {
        return x < 0 ? 0.5 * erfc(-x / Math.sqrt(2)) : 1 - 0.5 * erfc(x / Math.sqrt(2));
    }

    static double pdf(double x) {
        return StrictMath.exp(-0.5 * x * x) / SQRT_2PI;
    }

    static double gelu(double x) {
        return x * cdf(x);
    }

    static double geluDerivative(double x) {
        return cdf(x) + x * pdf(x);
    }

    static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
    }

    static double silu(double x) {
        return x * sigmoid(x);
    }

    static double siluDerivative(double x) {
        double s = sigmoid(x);
        return s * (1 + x * (1 - s));
    }

    /**
     * |f - r| in units of the float32 ulp at r (the spacing of floats in r's binade; the
     * subnormal spacing below the normals). Infinite and NaN results must match exactly; a
     * float +-inf counts as right when r rounds to it.
     */
    static double ulps(float f, double r) {
        if (Double.isNaN(r) || Float.isNaN(f)) return Double.isNaN(r) && Float.isNaN(f) ? 0 : Double.POSITIVE_INFINITY;
        if (Float.isInfinite(f) || Math.abs(r) > Float.MAX_VALUE) return f == (float) r ? 0 : Double.POSITIVE_INFINITY;
        return Math.abs(f - r) / ulpAt(Math.abs(r));
    }

    /** The float32 ulp of the binade holding a (a finite, a &gt;= 0). */
    static double ulpAt(double a) {
        if (a < Float.MIN_NORMAL) return Float.MIN_VALUE;
        return Math.scalb(1.0, Math.getExponent(a) - 23);
    }

    /** |f - r| in float32 ulps of a scale (for derivatives, whose zeros make relative error meaningless). */
    static double scaledUlps(float f, double r, double scale) {
        if (Double.isNaN(r) || Float.isNaN(f)) return Double.isNaN(r) && Float.isNaN(f) ? 0 : Double.POSITIVE_INFINITY;
        return Math.abs(f - r) / ulpAt(Math.min(Math.abs(scale), Float.MAX_VALUE));
    }
}
