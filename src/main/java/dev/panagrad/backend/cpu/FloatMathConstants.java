package dev.panagrad.backend.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * The float32 side of the transcendental templates (ExpMath, LogMath, ErfMath, TrigMath):
 * bit-level constants, range limits, and the polynomial cores, each as a scalar Horner scheme
 * with {@link Math#fma} and its vector mirror in {@link V}. The coefficients are minimax fits
 * (Remez, relative error unless noted) rounded to float one at a time from the highest power
 * down, the lower ones refitted after each rounding; the comment on each core gives its range
 * and the fit's error before evaluation rounding.
 */
final class FloatMathConstants {
    private FloatMathConstants() {}

    static int bits(float x) {
        return Float.floatToRawIntBits(x);
    }

    /** max(x, lo) for a bound lo != 0, NaN kept: a compare and a select (Math.max costs more in vectors). */
    static float atLeast(float x, float lo) {
        return x < lo ? lo : x;
    }

    /** min(x, hi) for a bound hi != 0, NaN kept. */
    static float atMost(float x, float hi) {
        return x > hi ? hi : x;
    }

    static float fromBits(int b) {
        return Float.intBitsToFloat(b);
    }

    // ---- bit layout
    static final int MANT = 23;
    static final int BIAS = 127;
    static final int MANT_MASK = 0x007fffff;
    /** 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits. */
    static final float MAGIC = 0x1.8p23f;
    static final int MAGIC_BITS = 0x4b400000;
    static final float HALF = 0.5f;
    static final float NAN = Float.NaN;
    static final float POS_INF = Float.POSITIVE_INFINITY;
    static final float NEG_INF = Float.NEGATIVE_INFINITY;

    // ---- exp
    /** e^-104 &lt; 2^-150 rounds to 0 and e^89 overflows: clamping there changes no result. */
    static final float EXP_LO = -104f;
    static final float EXP_HI = 89f;
    /** |x| up to which the vector exp skips its clamps and scales by 2^n in one step (e^87 and e^-87 have 2^n with |n| <= 126: one normal factor). */
    static final float EXP_FAST = 87f;
    /** The lower clamp of v e^x: v e^x rounds to 0 below it for |v| up to its size. */
    static final float EXP_TIMES_LO = -170f;
    static final float LOG2E = 1.4426950216293335f;
    static final float LN2_HI = 0.6931471824645996f;
    static final float LN2_LO = -1.9046542121259336e-09f;
    private static final float E2 = 0.4999999403953552f;
    private static final float E3 = 0.1666652113199234f;
    private static final float E4 = 0.04166838899254799f;
    private static final float E5 = 0.008368718437850475f;
    private static final float E6 = 0.0013814667472615838f;

    // ---- log
    static final float MIN_NORMAL = Float.MIN_NORMAL;
    static final float SUB_SCALE = 0x1p25f;
    static final float SUB_EXP = 25f;
    /** Bits of sqrt(1/2): the mantissa is reduced to [sqrt(1/2), sqrt(2)). */
    static final int SQRT_HALF_BITS = 0x3f3504f3;
    private static final float L1 = 0.6666666269302368f;
    private static final float L2 = 0.4000033438205719f;
    private static final float L3 = 0.28537294268608093f;
    private static final float L4 = 0.2358243614435196f;

    // ---- tanh
    /** ln(3)/2, where tanh = 1/2: the polynomial below, 1 - 2/(e^2x + 1) above. */
    static final float TANH_SMALL = 0.5493061542510986f;
    /** tanh rounds to 1 from 9.01 on; the clamp keeps e^2x finite. */
    static final float TANH_BIG_MAX = 10f;
    private static final float TH0 = -0.3333333134651184f;
    private static final float TH1 = 0.13333293795585632f;
    private static final float TH2 = -0.05395969748497009f;
    private static final float TH3 = 0.021783174946904182f;
    private static final float TH4 = -0.00841511506587267f;
    private static final float TH5 = 0.00239723757840693f;

    // ---- normal distribution and erf
    /** |x| below which Phi(x) = 1/2 + x S(x^2); the tail form G takes over above. */
    static final float PHI_SMALL = 0.6f;
    static final float INV_SQRT_2PI = 0.3989422917366028f;
    static final float SQRT2 = 1.4142135381698608f;
    private static final float PHI0 = 0.3989422917366028f;
    private static final float PHI1 = -0.06649095565080643f;
    private static final float PHI2 = 0.009982009418308735f;
    private static final float PHI3 = -0.0012388256145641208f;
    private static final float PHI4 = 0.0002540037967264652f;
    private static final float PHI5 = -0.000145637895911932f;
    /** erf(x) = x T(x^2) below (erf = 0.8 there), 1 - erfc(x) above, where erfc &lt; 1/4 cancels little. */
    static final float ERF_SMALL = 0.9f;
    static final float ERF_T0_HI = 1.1283791065216064f;
    static final float ERF_T0_LO = 5.496170274454926e-08f;
    private static final float ERF1 = -0.37612637877464294f;
    private static final float ERF2 = 0.11283791810274124f;
    private static final float ERF3 = -0.026866158470511436f;
    private static final float ERF4 = 0.005223902408033609f;
    private static final float ERF5 = -0.000854563491884619f;
    private static final float ERF6 = 0.0001199834150611423f;
    private static final float ERF7 = -1.4212228961696383e-05f;
    private static final float ERF8 = 1.1480860848678276e-06f;
    /**
     * The tail variable y = (a - K)/(a + K). K is the float near 1.5 where G(K) is closest to a
     * float, which is then the exact constant term (no rounding in the last Horner step).
     */
    static final float G_K = 1.5001312494277954f;
    static final float G_HALF_INV_K = 1 / (2 * G_K);
    /** Beyond this |x| the Gaussian factor underflows: the tail is clamped here (inf stays finite). */
    static final float G_AMAX = 15f;
    static final float ERF_AMAX = 10.606601717798213f;
    private static final float G0 = 0.3086802363395691f;
    private static final float G1 = 0.2111101746559143f;
    private static final float G2 = -0.12630921602249146f;
    private static final float G3 = -0.019783340394496918f;
    private static final float G4 = 0.017769498750567436f;
    private static final float G5 = 0.010781465098261833f;
    private static final float G6 = 0.0008286519441753626f;
    private static final float G7 = -0.002407883759588003f;
    private static final float G8 = -0.0022137598134577274f;
    private static final float G9 = -0.000641826365608722f;
    private static final float G10 = 0.0011304279323667288f;

    // ---- sin, cos
    static final float TWO_OVER_PI = 0.6366197466850281f;
    /** pi/2 in three parts; x - k PIO2_1 is exact for every k used. */
    static final float PIO2_1 = 1.5707963705062866f;
    static final float PIO2_2 = -4.371138828673793e-08f;
    static final float PIO2_3 = -1.7151245100058819e-15f;
    /** |x| above which sin and cos go per element to StrictMath (Payne-Hanek reduction). */
    static final float TRIG_MAX = 0x1p17f;
    private static final float SIN0 = -0.1666666716337204f;
    private static final float SIN1 = 0.008333329111337662f;
    private static final float SIN2 = -0.0001983920083148405f;
    private static final float SIN3 = 2.717072220548289e-06f;
    private static final float COS0 = 0.0416666679084301f;
    private static final float COS1 = -0.0013888883404433727f;
    private static final float COS2 = 2.4799337552394718e-05f;
    private static final float COS3 = -2.7195846996619366e-07f;

    /** (e^r - 1)/r for |r| &lt;= ln2/2, degree 5 (e^r to 2^-28.0). */
    static float expU(float r) {
        return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(E6, r, E5), r, E4), r, E3), r, E2), r, 1);
    }

    /** R(z) with log((1+s)/(1-s)) = 2s + s z R(z), z = s^2 &lt;= 0.0295 (absolute 2^-31 on R/2). */
    static float logR(float z) {
        return Math.fma(Math.fma(Math.fma(L4, z, L3), z, L2), z, L1);
    }

    /** (tanh(x)/x - 1)/x^2 in u = x^2, |x| &lt; ln(3)/2 (tanh to 2^-27.7). */
    static float tanhP(float u) {
        return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(TH5, u, TH4), u, TH3), u, TH2), u, TH1), u, TH0);
    }

    /** (Phi(x) - 1/2)/x in u = x^2, |x| &lt; 0.6 (Phi(-|x|) to 2^-29.4). */
    static float phiS(float u) {
        return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(PHI5, u, PHI4), u, PHI3), u, PHI2), u, PHI1), u, PHI0);
    }

    /** (erf(x)/x - 2/sqrt(pi))/x^2 in u = x^2, |x| &lt; 0.9 (erf to 2^-27.6). */
    static float erfT(float u) {
        float p = Math.fma(Math.fma(Math.fma(Math.fma(ERF8, u, ERF7), u, ERF6), u, ERF5), u, ERF4);
        return Math.fma(Math.fma(Math.fma(p, u, ERF3), u, ERF2), u, ERF1);
    }

    /** G(a) = a Q(a) e^(a^2/2) in y = (a - K)/(a + K), a in [0.59, 14.5] (2^-27.4, Lawson fit). */
    static float tailG(float y) {
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(G10, y, G9), y, G8), y, G7), y, G6), y, G5);
        return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(p, y, G4), y, G3), y, G2), y, G1), y, G0);
    }

    /** (sin(r)/r - 1)/r^2 in u = r^2, |r| &lt;= pi/4 + 0.0105 (2^-28.0). */
    static float sinS(float u) {
        return Math.fma(Math.fma(Math.fma(SIN3, u, SIN2), u, SIN1), u, SIN0);
    }

    /** (cos(r) - 1 + r^2/2)/r^4 in u = r^2, same range (2^-30.4 relative to cos). */
    static float cosC(float u) {
        return Math.fma(Math.fma(Math.fma(COS3, u, COS2), u, COS1), u, COS0);
    }

    /** The vector mirrors of the polynomial cores. */
    static final class V {
        private V() {}

        /** One Horner step: acc * x + c. */
        private static FloatVector h(FloatVector acc, FloatVector x, float c) {
            return acc.fma(x, x.broadcast(c));
        }

        static FloatVector expU(FloatVector r) {
            return h(h(h(h(r.fma(E6, E5), r, E4), r, E3), r, E2), r, 1);
        }

        static FloatVector logR(FloatVector z) {
            return h(h(z.fma(L4, L3), z, L2), z, L1);
        }

        static FloatVector tanhP(FloatVector u) {
            return h(h(h(h(u.fma(TH5, TH4), u, TH3), u, TH2), u, TH1), u, TH0);
        }

        static FloatVector phiS(FloatVector u) {
            return h(h(h(h(u.fma(PHI5, PHI4), u, PHI3), u, PHI2), u, PHI1), u, PHI0);
        }

        static FloatVector erfT(FloatVector u) {
            FloatVector p = h(h(h(u.fma(ERF8, ERF7), u, ERF6), u, ERF5), u, ERF4);
            return h(h(h(p, u, ERF3), u, ERF2), u, ERF1);
        }

        static FloatVector tailG(FloatVector y) {
            FloatVector p = h(h(h(h(y.fma(G10, G9), y, G8), y, G7), y, G6), y, G5);
            return h(h(h(h(h(p, y, G4), y, G3), y, G2), y, G1), y, G0);
        }

        static FloatVector sinS(FloatVector u) {
            return h(h(u.fma(SIN3, SIN2), u, SIN1), u, SIN0);
        }

        static FloatVector cosC(FloatVector u) {
            return h(h(u.fma(COS3, COS2), u, COS1), u, COS0);
        }
    }
}
