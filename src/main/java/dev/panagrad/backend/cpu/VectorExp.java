package dev.panagrad.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exponential the fused kernels use: Cody-Waite range reduction {@code x = n*ln2 + r},
 * a polynomial (float: degree 5, within 1 ulp) or Pade approximant (double: within 2 ulps)
 * in r, and {@code 2^n} built in the exponent bits. It is written in plain lane arithmetic
 * (fma, mul, add, compare, blend, bit shifts), so it inlines into the kernels' loops, runs
 * faster than {@code VectorOperators.EXP} (a call to a native stub per vector) and rounds the
 * same whether the interpreter, C1 or C2 runs it, so results do not depend on JIT timing.
 * Results below about 2^-125 (float) or 2^-1020 (double) flush to 0; NaN stays NaN, -inf
 * gives 0 and +inf gives +inf.
 */
final class VectorExp {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Below this e^x flushes to 0 (2^(n-1) must stay a normal number); above it overflows. */
    private static final float F_LO = -86.9f, F_HI = 88.72283f;
    private static final double D_LO = -707.0, D_HI = 709.782712893384;
    /** 1.5 * 2^23 (2^52): adding it rounds to an integer held in the low mantissa bits. */
    private static final float F_ROUND = 12582912f;
    private static final double D_ROUND = 6755399441055744.0;

    private VectorExp() {}

    private static FloatVector f(float v) {
        return FloatVector.broadcast(F, v);
    }

    private static DoubleVector d(double v) {
        return DoubleVector.broadcast(D, v);
    }

    static FloatVector exp(FloatVector x) {
        FloatVector lo = f(F_LO), hi = f(F_HI);
        FloatVector xc = x.blend(lo, x.lt(lo)).blend(hi, x.compare(VectorOperators.GT, hi)); // NaN passes
        FloatVector t = xc.fma(f(1.44269504088896341f), f(F_ROUND));
        FloatVector n = t.sub(f(F_ROUND));
        FloatVector r = n.fma(f(-0.693359375f), xc); // ln2 in two parts: n*0.693359375 is exact
        r = n.fma(f(2.12194440e-4f), r);
        FloatVector p = f(1.9875691500e-4f).fma(r, f(1.3981999507e-3f)).fma(r, f(8.3334519073e-3f))
                .fma(r, f(4.1665795894e-2f)).fma(r, f(1.6666665459e-1f)).fma(r, f(5.0000001201e-1f));
        FloatVector y = p.fma(r.mul(r), r).add(f(1f));
        // 2^(n-1) from the exponent bits, then y*2 * 2^(n-1): n = 128 (x near 88.7) stays finite.
        IntVector bits = t.reinterpretAsInts().sub(0x4B400000 - 126).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = y.add(y).mul(bits.reinterpretAsFloats());
        return e.blend(f(0f), x.lt(lo)).blend(f(Float.POSITIVE_INFINITY), x.compare(VectorOperators.GT, hi));
    }

    static DoubleVector exp(DoubleVector x) {
        DoubleVector lo = d(D_LO), hi = d(D_HI);
        DoubleVector xc = x.blend(lo, x.lt(lo)).blend(hi, x.compare(VectorOperators.GT, hi));
        DoubleVector t = xc.fma(d(1.4426950408889634073599), d(D_ROUND));
        DoubleVector n = t.sub(d(D_ROUND));
        DoubleVector r = n.fma(d(-6.93145751953125e-1), xc);
        r = n.fma(d(-1.42860682030941723212e-6), r);
        DoubleVector rr = r.mul(r);
        // e^r = 1 + 2 r P(r^2) / (Q(r^2) - r P(r^2))
        DoubleVector p = d(1.26177193074810590878e-4).fma(rr, d(3.02994407707441961300e-2))
                .fma(rr, d(9.99999999999999999910e-1)).mul(r);
        DoubleVector q = d(3.00198505138664455042e-6).fma(rr, d(2.52448340349684104192e-3))
                .fma(rr, d(2.27265548208155028766e-1)).fma(rr, d(2.00000000000000000009e0));
        DoubleVector y = p.div(q.sub(p)).mul(d(2.0)).add(d(1.0));
        LongVector bits = t.reinterpretAsLongs().sub(0x4338000000000000L - 1022).lanewise(VectorOperators.LSHL, 52);
        DoubleVector e = y.add(y).mul(bits.reinterpretAsDoubles());
        return e.blend(d(0.0), x.lt(lo)).blend(d(Double.POSITIVE_INFINITY), x.compare(VectorOperators.GT, hi));
    }
}
